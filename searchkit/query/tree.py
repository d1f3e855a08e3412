"""A query as a tree of nodes, how typed words are read, and the tree as ``--explain`` shows it.

The parser (``parser.py``) builds the tree; ``plan.py`` turns it into what matches and what scores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

from searchkit.analysis.chain import STOP_WORDS, terms

FIELDS = ("title", "source", "speaker", "country", "kind", "turn", "year", "date", "symbol")
OPERATORS = ("AND", "OR", "NOT")
MUST, SHOULD, MUST_NOT = "+", "", "-"
# Text of this many words or more that reads as prose (stop words, or all capitals) is pasted, not typed:
# every character of it is text, operators, parentheses, quotes and all.
PROSE_WORDS = 5
SHOUTED_WORDS = 3
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})

@dataclass(frozen=True)
class Words:
    """Words typed without quotes; ``exact`` when read as a case-sensitive acronym (``DOC``, not ``doc``)."""

    text: str
    terms: tuple[str, ...]
    exact: bool = False


@dataclass(frozen=True)
class Phrase:
    """Quoted words: in order and adjacent, or within ``near`` words of each other in any order."""

    text: str
    terms: tuple[str, ...]
    near: int = 0


@dataclass(frozen=True)
class Pattern:
    """``wild*`` / ``wil?`` or ``fuzzy~`` (``~2`` for two edits)."""

    text: str
    fuzzy: int = 0


@dataclass(frozen=True)
class Alias:
    """Words the alias table knows: any of ``forms`` matches (``typed`` is what the user wrote)."""

    typed: str
    forms: tuple[Union[Words, Phrase], ...]


@dataclass(frozen=True)
class Field:
    """``name:value``; ``low``/``high`` for a range (``*`` or empty for an open end)."""

    name: str
    value: str
    node: Optional[Union[Words, Phrase, Pattern]] = None
    low: Optional[str] = None
    high: Optional[str] = None


@dataclass
class Group:
    """Clauses with how each must occur: ``+`` required, ``""`` optional (ranked), ``-`` excluded."""

    clauses: list[tuple[str, "Node"]] = field(default_factory=list)


Node = Union[Words, Phrase, Pattern, Alias, Field, Group]


@dataclass
class Reading:
    """How the raw text is read: is it syntax (AND/OR/NOT, parentheses, quotes, signs, fields, wildcards)
    or prose whose every token is a word; are upper-case words acronyms."""

    operators: bool = True
    acronyms: bool = True


def read_mode(text: str) -> Reading:
    """Decide from the shape of the whole text whether it is a typed query (syntax, acronyms) or prose
    typed or pasted in: five words or more with stop words among them, or all in capitals. Whatever
    punctuation prose holds (parentheses, quotes, a capital AND) is part of the prose.

    >>> read_mode('ASEAN AND (RCEP OR CPTPP) NOT Japan')
    Reading(operators=True, acronyms=True)
    >>> read_mode('USE OF JOURNALS IN LIBRARIES (ANY TYPES OF LIBRARY), BOTH CURRENT AND BACK ISSUES')
    Reading(operators=False, acronyms=False)

    Words inside whole quotes are a phrase the user typed, so only the words outside them decide:

    >>> read_mode('"the right of peoples to self-determination" year:1970..1979')
    Reading(operators=True, acronyms=True)
    """
    outside = unquoted(text)
    words = [w for w in re.findall(r"[^\s()\"]+", outside) if w not in OPERATORS and re.search(r"\w", w)]
    shouted = not re.search(r"[a-z]", outside) and len(words) >= SHOUTED_WORDS
    stops = sum(1 for w in words if re.sub(r"\W", "", w.lower()) in STOP_WORDS)
    prose = len(words) >= PROSE_WORDS and (shouted or stops >= 2)
    return Reading(operators=not prose, acronyms=not shouted)


def unquoted(text: str) -> str:
    """The text without its quoted phrases, when its quotes pair up (an odd quote is prose's, not syntax)."""
    text = text.translate(QUOTES)
    if text.count('"') % 2:
        return text
    return re.sub(r'"[^"]*"', " ", text)


def word_node(text: str, reading: Reading) -> Optional[Node]:
    """A typed word: a pattern if it has ``*``/``?`` or ends in ``~`` (typed syntax only), else its
    analyzed terms."""
    fuzzy = re.fullmatch(r"(.*\w)~([12]?)", text) if reading.operators else None
    if fuzzy:
        return Pattern(fold(fuzzy.group(1)), fuzzy=int(fuzzy.group(2) or 1))
    text = re.sub(r"(?<=\w)[?!.,;:]+$", "", text)  # "titles?" ends a question: no wildcard
    if reading.operators and re.search(r"\w[*?]|[*?]\w", text) and re.fullmatch(r"[\w*?'’-]+", text):
        return Pattern(fold(text))
    found = tuple(terms(text))
    exact = reading.acronyms and is_acronym(text) and text not in OPERATORS
    if not found and not exact:
        return None
    return Words(text.strip(".,;:!?'’\"-"), found, exact)


def is_acronym(text: str) -> bool:
    """``DOC``, ``UNCLOS``, ``US``: two or more letters, all upper case."""
    core = text.strip(".,;:!?'’\"()")
    return len(re.findall(r"[^\W\d_]", core)) >= 2 and core.isupper() and bool(re.fullmatch(r"\w+", core))


def fold(text: str) -> str:
    from searchkit.analysis.chain import fold_text

    return fold_text(text).lower()


def is_scoped(node: Optional[Node]) -> bool:
    """``title:(a b)``: a group of words in one field."""
    return isinstance(node, Group) and bool(node.clauses) and all(isinstance(n, Field) for _, n in node.clauses)


def has_positive(node: Node) -> bool:
    if isinstance(node, Group):
        return any(o != MUST_NOT and has_positive(n) for o, n in node.clauses)
    return True


def has_negative(node: Node) -> bool:
    return isinstance(node, Group) and any(o == MUST_NOT or has_negative(n) for o, n in node.clauses)


def explain(node: Node) -> str:
    """A normalised rendering of the tree, as ``--explain`` shows it."""
    if isinstance(node, Group):
        parts = []
        for occur, child in node.clauses:
            text = explain(child)
            if isinstance(child, Group) and len(child.clauses) > 1:
                text = f"({text})"
            parts.append(occur + text)
        return " ".join(parts)
    if isinstance(node, Words):
        if node.exact:  # as written, or (when it has terms) also as any word
            return "{" + "|".join(["=" + node.text, *node.terms]) + "}" if node.terms else "=" + node.text
        return " ".join(node.terms)
    if isinstance(node, Phrase):
        return f'"{" ".join(node.terms)}"' + (f"~{node.near}" if node.near else "")
    if isinstance(node, Pattern):
        return node.text + (f"~{node.fuzzy}" if node.fuzzy else "")
    if isinstance(node, Alias):
        return "{" + "|".join(explain(f) for f in node.forms) + "}"
    if node.low is not None:
        return f"{node.name}:{node.low}" if node.low == node.high else f"{node.name}:[{node.low} TO {node.high}]"
    return f"{node.name}:{explain(node.node) if node.node else node.value}"
