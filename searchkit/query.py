"""Reading a query: a small hand-written parser, so that raw input never fails and means what it looks like.

The language: plain words (ranked: more of them rank higher), ``"a phrase"``, ``"words near"~N``,
``AND OR NOT`` (upper case), ``-word`` and ``+word``, ``(groups)``, ``wild*``, ``fuzzy~``, and the fields
``title: source: speaker: country: kind: year: date:`` (``date:[2020-01 TO 2020-06-30]``).

>>> describe(parse('vaccine "green lanes" -Russia year:2020'))
'vaccin "green lane" -russia +year:2020'
>>> describe(parse('(ASEAN OR EU) AND trade'))
'+({=ASEAN|asean} {=EU|eu}) +trade'

Upper-case AND/OR/NOT in a pasted sentence are words, not operators:

>>> describe(parse('BORDER DISPUTE BETWEEN ISRAEL AND SYRIA .'))
'border disput between israel syria'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union

from .analysis import STOP_WORDS, terms

FIELDS = ("title", "source", "speaker", "country", "kind", "year", "date")
OPERATORS = ("AND", "OR", "NOT")
MUST, SHOULD, MUST_NOT = "+", "", "-"
# Pasted text is read as words once it is this long (operators and all), unless parentheses group it.
PROSE_WORDS = 5
SHOUTED_WORDS = 3
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})

_LEX = re.compile(
    r'(?P<phrase>"[^"]*"(?:~\d+)?)'
    r"|(?P<open>\()|(?P<close>\))"
    r"|(?P<sign>(?<![^\s(])[-+](?=[^\s+-]))"
    r"|(?P<field>(?<![^\s(+-])[a-z]+:(?=[^\s)]))"
    r"|(?P<range>[\[{][^\]}]*[\]}])"
    r'|(?P<word>[^\s()"]+)'
)


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
    """How the raw text is read: are AND/OR/NOT operators, are upper-case words acronyms."""

    operators: bool = True
    acronyms: bool = True


def read_mode(text: str) -> Reading:
    """Decide whether upper-case words are operators/acronyms or just a sentence typed or pasted in capitals."""
    words = [w for w in re.findall(r"[^\s()\"]+", text) if w not in OPERATORS and re.search(r"\w", w)]
    shouted = not re.search(r"[a-z]", text) and len(words) >= SHOUTED_WORDS
    stops = sum(1 for w in words if w.lower() in STOP_WORDS)
    prose = len(words) >= PROSE_WORDS and (shouted or stops >= 2) and "(" not in text
    return Reading(operators=not prose, acronyms=not shouted)


def word_node(text: str, reading: Reading) -> Optional[Node]:
    """A typed word: a pattern if it has ``*``/``?`` or ends in ``~``, else its analyzed terms."""
    fuzzy = re.fullmatch(r"(.*\w)~([12]?)", text)
    if fuzzy:
        return Pattern(fold(fuzzy.group(1)), fuzzy=int(fuzzy.group(2) or 1))
    text = re.sub(r"(?<=\w)[?!.,;:]+$", "", text)  # "titles?" ends a question: no wildcard
    if re.search(r"\w[*?]|[*?]\w", text) and re.fullmatch(r"[\w*?'’-]+", text):
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
    from .analysis import fold_text

    return fold_text(text).lower()


class _Parser:
    def __init__(self, text: str, reading: Reading) -> None:
        self.tokens = [(m.lastgroup, m.group()) for m in _LEX.finditer(text.translate(QUOTES))]
        self.i = 0
        self.reading = reading

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", "")

    def is_op(self, name: str) -> bool:
        kind, text = self.peek()
        return self.reading.operators and kind == "word" and text == name

    def group(self, depth: int = 0) -> Group:
        """``a b AND c OR d``: OR splits alternatives; AND makes both sides required."""
        alternatives: list[Group] = [Group()]
        pending_and = False
        while True:
            kind, text = self.peek()
            if kind == "end" or (kind == "close" and depth):
                break
            if kind == "close" or self.is_op("AND") or self.is_op("OR"):
                self.i += 1
                if text == "OR" and alternatives[-1].clauses:
                    alternatives.append(Group())
                pending_and = text == "AND" and bool(alternatives[-1].clauses)
                continue
            occur, node = self.clause()
            if node is None:
                continue
            clauses = alternatives[-1].clauses
            if occur == SHOULD and isinstance(node, Group) and all(
                    o == SHOULD and not isinstance(n, Field) for o, n in node.clauses):
                if not pending_and and self.peek()[1] != "AND" or not self.reading.operators:
                    clauses.extend(node.clauses)  # "(a b) c" ranks like "a b c"
                    continue
            if pending_and:
                if clauses and clauses[-1][0] == SHOULD:
                    clauses[-1] = (MUST, clauses[-1][1])
                occur = MUST if occur == SHOULD else occur
            clauses.append((occur, node))
            pending_and = False
        alternatives = [g for g in alternatives if g.clauses]
        if len(alternatives) <= 1:
            return alternatives[0] if alternatives else Group()
        return Group([(SHOULD, simplest(g)) for g in alternatives])

    def clause(self) -> tuple[str, Optional[Node]]:
        occur = SHOULD
        while self.is_op("NOT") or self.peek()[0] == "sign":
            occur = MUST if self.peek()[1] == "+" else MUST_NOT
            self.i += 1
        node = self.atom()
        if occur == SHOULD and (isinstance(node, Field) or is_scoped(node)):
            occur = MUST  # a field narrows the search: `vaccine year:2020` means passages of 2020
        return occur, node

    def atom(self) -> Optional[Node]:
        kind, text = self.peek()
        self.i += 1
        if kind == "open":
            inner = self.group(depth=1)
            if self.peek()[0] == "close":
                self.i += 1
            return inner if inner.clauses else None
        if kind == "phrase":
            return phrase_node(text)
        if kind == "field":
            return self.field_atom(text[:-1])
        if kind == "range":
            return word_node(text.strip("[]{}"), self.reading)
        return word_node(text, self.reading)

    def field_atom(self, name: str) -> Optional[Node]:
        if name not in FIELDS:
            return word_node(name, self.reading)
        kind, text = self.peek()
        self.i += 1
        if kind == "range":
            low, _, high = (part.strip() for part in text[1:-1].partition(" TO "))
            high = high or low
            if all(valid_value(name, v) for v in (low, high)):
                return Field(name, text, low=low, high=high)
            return word_node(f"{name} {text[1:-1]}", self.reading)
        if name in ("year", "date"):
            if kind != "word" or not valid_value(name, text):
                self.i -= 1
                return word_node(name, self.reading)
            return Field(name, text, low=text, high=text)
        if kind == "phrase":
            return Field(name, text, phrase_node(text))
        if kind == "open":  # `title:(a b)`: each word in that field
            inner = self.group(depth=1)
            if self.peek()[0] == "close":
                self.i += 1
            return scoped(inner, name)
        return Field(name, text, word_node(text, Reading(acronyms=False)))


def is_scoped(node: Optional[Node]) -> bool:
    """``title:(a b)``: a group of words in one field."""
    return isinstance(node, Group) and bool(node.clauses) and all(isinstance(n, Field) for _, n in node.clauses)


def simplest(group: Group) -> Node:
    """A group of one optional clause is that clause."""
    if len(group.clauses) == 1 and group.clauses[0][0] == SHOULD:
        return group.clauses[0][1]
    return group


def valid_value(name: str, value: str) -> bool:
    """A year is four digits, a date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``*`` leaves a range open."""
    if value in ("*", "") :
        return True
    if name == "year":
        return bool(re.fullmatch(r"\d{4}", value))
    if name == "date":
        return bool(re.fullmatch(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?", value))
    return True


def phrase_node(text: str) -> Optional[Node]:
    body, _, near = text.rpartition("~") if re.search(r'"~\d+$', text) else (text, "", "")
    body = body.strip('"')
    found = tuple(terms(body))
    if not found:
        return None
    return Phrase(body, found, int(near) if near and len(found) > 1 else 0)  # quoted: never an alias


def scoped(group: Group, name: str) -> Group:
    """Put every word of ``title:(...)`` into that field."""
    out = Group()
    for occur, node in group.clauses:
        if isinstance(node, Group):
            out.clauses.append((occur, scoped(node, name)))
        elif isinstance(node, (Words, Phrase, Pattern)):
            out.clauses.append((occur, Field(name, node.text, node)))
        else:
            out.clauses.append((occur, node))
    return out


def parse(text: str) -> Group:
    """The query tree of ``text``; input that yields nothing positive is read again as plain words."""
    reading = read_mode(text)
    tree = _Parser(text, reading).group()
    if not has_positive(tree) and not has_negative(tree):
        plain = Reading(operators=False, acronyms=reading.acronyms)
        words = [word_node(w, plain) for w in re.split(r"[\s\"()]+", text)]
        tree = Group([(SHOULD, w) for w in words if isinstance(w, Words)])
    return tree


def has_positive(node: Node) -> bool:
    if isinstance(node, Group):
        return any(o != MUST_NOT and has_positive(n) for o, n in node.clauses)
    return True


def has_negative(node: Node) -> bool:
    return isinstance(node, Group) and any(o == MUST_NOT or has_negative(n) for o, n in node.clauses)


def describe(node: Node) -> str:
    """A normalised rendering of the tree, as ``--explain`` shows it."""
    if isinstance(node, Group):
        parts = []
        for occur, child in node.clauses:
            text = describe(child)
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
        return "{" + "|".join(describe(f) for f in node.forms) + "}"
    if node.low is not None:
        return f"{node.name}:{node.low}" if node.low == node.high else f"{node.name}:[{node.low} TO {node.high}]"
    return f"{node.name}:{describe(node.node) if node.node else node.value}"
