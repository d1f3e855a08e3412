"""The query parser: text to a tree of ``tree`` nodes, written by hand so that no input can fail.

Text that ``tree.read_mode`` finds to be prose (a sentence or paragraph typed or pasted in) is words, every
token of it. Otherwise upper-case AND/OR/NOT are operators; parentheses group; ``-``/``+`` and NOT exclude
or require; ``field:`` applies to the word, phrase, group or ``[A TO B]`` range after it.
Whatever cannot be read as syntax is read as words.

The language: plain words (ranked: more of them rank higher), ``"a phrase"``, ``"words near"~N``,
``AND OR NOT`` (upper case), ``-word`` and ``+word``, ``(groups)``, ``wild*``, ``fuzzy~``, and the fields
``title: source: speaker: country: kind: turn: year: date:`` (``date:[2020-01 TO 2020-06-30]``).

>>> from searchkit.query.tree import explain
>>> explain(parse('vaccine "green lanes" -Russia year:2020'))
'vaccin "green lane" -russia +year:2020'
>>> explain(parse('(ASEAN OR EU) AND trade'))
'+({=ASEAN|asean} {=EU|eu}) +trade'

Upper-case AND/OR/NOT, parentheses, quotes and signs in a pasted sentence are words, not syntax (its function
words, ``between``, ``any``, are not searched for: ``plain_words``):

>>> explain(parse('BORDER DISPUTE BETWEEN ISRAEL AND SYRIA .'))
'border disput israel syria'
>>> explain(parse('JOURNALS IN LIBRARIES (ANY TYPES OF LIBRARY), BOTH CURRENT AND BACK ISSUES'))
'journal librari type librari current back issu'
>>> explain(parse('The minister said "no" to -5 degrees (not the title:fish AND year:2020 data*)'))
'minist said 5 degre titl fish year 2020 data'
"""

from __future__ import annotations

import re
from typing import Optional

from searchkit.analysis.chain import FUNCTION_WORDS, terms
from searchkit.query.tree import (
    FIELDS,
    MUST,
    MUST_NOT,
    QUOTES,
    SHOULD,
    Field,
    Group,
    Node,
    Pattern,
    Phrase,
    Reading,
    Words,
    has_negative,
    has_positive,
    is_scoped,
    read_mode,
    word_node,
)

_LEX = re.compile(
    r'(?P<phrase>"[^"]*"(?:~\d+)?)'
    r"|(?P<open>\()|(?P<close>\))"
    r"|(?P<sign>(?<![^\s(])[-+](?=[^\s+-]))"
    r"|(?P<field>(?<![^\s(+-])[a-z]+:(?=[^\s)]))"
    r"|(?P<range>[\[{][^\]}]*[\]}])"
    r'|(?P<word>[^\s()"]+)'
)


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
            if node is not None:
                self.join(alternatives[-1].clauses, occur, node, pending_and)
                pending_and = False
        alternatives = [g for g in alternatives if g.clauses]
        if len(alternatives) <= 1:
            return alternatives[0] if alternatives else Group()
        return Group([(SHOULD, simplest(g)) for g in alternatives])

    def join(self, clauses: list[tuple[str, Node]], occur: str, node: Node, after_and: bool) -> None:
        """Add a clause: after AND both it and the one before are required; a parenthesised group of
        plain words that no AND touches is spliced in (``(a b) c`` ranks like ``a b c``)."""
        if occur == SHOULD and isinstance(node, Group) and not after_and and self.peek()[1] != "AND" and all(
                o == SHOULD and not isinstance(n, Field) for o, n in node.clauses):
            clauses.extend(node.clauses)
            return
        if after_and:
            if clauses and clauses[-1][0] == SHOULD:
                clauses[-1] = (MUST, clauses[-1][1])
            occur = MUST if occur == SHOULD else occur
        clauses.append((occur, node))

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
    """The query tree of ``text``: prose as words; typed syntax parsed, and read again as plain words when
    it yields nothing positive."""
    reading = read_mode(text)
    tree = _Parser(text, reading).group() if reading.operators else Group()
    if not has_positive(tree) and not has_negative(tree):
        tree = plain_words(text, Reading(operators=False, acronyms=reading.acronyms))
    return tree


def plain_words(text: str, reading: Reading) -> Group:
    """Every token of ``text`` a ranked word, whatever punctuation it carries; its function words (``would``,
    ``any``, ``which``) left out unless nothing else is there.

    A pasted question says "I would be pleased to receive any information on..." around what it asks for.
    The index keeps those words (a quoted phrase needs them) and idf weighs the common ones lightly, but in a
    small collection "any" or "which" is rare enough to weigh like a word of the topic, and a paragraph has
    dozens of them: left in, they rank passages that share the asker's phrasing. An acronym is kept (``US``).

    >>> from searchkit.query.tree import explain
    >>> explain(plain_words("What would the effect of sanctions on which economies be?", Reading(False, True)))
    'effect sanction economi'
    >>> explain(plain_words("Which would be more?", Reading(False, True)))
    'which would more'
    """
    words = [w for w in map(lambda t: word_node(t, reading), re.split(r"[\s\"()]+", text.translate(QUOTES)))
             if isinstance(w, Words)]
    topical = [w for w in words if w.exact or w.text.lower() not in FUNCTION_WORDS]
    return Group([(SHOULD, w) for w in topical or words])


