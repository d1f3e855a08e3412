"""A quotation made ready for lookup, and finding it in a window of source passages.

A quotation is split at its ellipses into parts, each folded for typography (``typography``). Its index
terms come from the same analyzer as the index's: ``all_terms`` rank candidates, and ``sure_terms`` (all
but the words touching a dash, whose tokens can differ between spellings) must all be in an exact source.

>>> q = parse_quotation("“We oppose … unilateral sanc-\\ntions.”")
>>> [p.folded.text for p in q.parts], q.sure_terms
(['we oppose', 'unilateral sanctions'], ['oppos', 'unilater'])
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from searchkit.analysis.chain import terms
from searchkit.cite.candidates import Window
from searchkit.cite.typography import DASHES, Folded, fold, is_boundary, split_ellipses, tokens, trim
from searchkit.errors import QueryError

_DASHED = re.compile(r"[\w']*[ \t]*[" + re.escape(DASHES) + r"]+\s*[\w']*")
# Where a quotation may cross a paragraph break: after a sentence, or at a line break in the quotation.
_SPLIT = re.compile(r"(?<=[.!?;:”\"’])\s+|\s*\n\s*")
MAX_SPLITS = 4


@dataclass
class Part:
    """The text between two ellipses: folded, with its offset in the quotation."""

    folded: Folded
    offset: int

    @property
    def words(self) -> list[str]:
        return [t for t, _, _ in tokens(self.folded)]


@dataclass
class Quotation:
    text: str
    parts: list[Part]
    all_terms: list[str]  # index terms of every word, for ranking
    sure_terms: list[str]  # terms every exact source must hold

    @property
    def needles(self) -> list[str]:
        return [p.folded.text for p in self.parts]

    def splits(self) -> list[tuple[list[str], list[str]]]:
        """Sure terms before and after each place where the quotation may cross into the next paragraph."""
        out = []
        for match in list(_SPLIT.finditer(self.text.strip()))[:MAX_SPLITS]:
            head, tail = sure_terms(self.text.strip()[: match.start()]), sure_terms(self.text.strip()[match.end() :])
            if head and tail:
                out.append((head, tail))
        return out


def sure_terms(text: str) -> list[str]:
    return list(dict.fromkeys(terms(_DASHED.sub(" ", unicodedata.normalize("NFKC", text)))))


def parse_quotation(text: str) -> Quotation:
    """Split ``text`` at its ellipses and fold each part; a quotation without words is an error."""
    text = unicodedata.normalize("NFC", text)
    parts = []
    for start, end in split_ellipses(text):
        folded = trim(fold(text[start:end]))
        if folded.text:
            parts.append(Part(folded, start))
    if not parts:
        raise QueryError("the quotation has no words; give the words to look up")
    raw = " ".join(text[p.offset + p.folded.src[0] : p.offset + p.folded.src[-1] + 1] for p in parts)
    all_terms = list(dict.fromkeys(terms(unicodedata.normalize("NFKC", raw))))
    if not all_terms:
        raise QueryError("the quotation has only very common words; quote more of it to look it up")
    return Quotation(text, parts, all_terms, sure_terms(raw))


def find_parts(window: Window, parts: list[str]) -> list[list[tuple[int, int]]]:
    """Every occurrence of the parts, in order, in the window's folded text: one span list each.

    A part must start and end on word boundaries; the gap an ellipsis stands for stays in one paragraph.
    """
    text = window.folded.text
    found: list[list[tuple[int, int]]] = []
    start = text.find(parts[0])
    while start != -1:
        spans = _rest(window, parts, start)
        if spans:
            found.append(spans)
        start = text.find(parts[0], (spans[-1][1] if spans else start + 1))
    return found


def _rest(window: Window, parts: list[str], start: int) -> Optional[list[tuple[int, int]]]:
    text, soft = window.folded.text, window.folded.soft
    end = start + len(parts[0])
    if not (is_boundary(text, start, soft) and is_boundary(text, end, soft)):
        return None
    spans = [(start, end)]
    for part in parts[1:]:
        j = text.find(part, spans[-1][1])
        while j != -1 and not (is_boundary(text, j, soft) and is_boundary(text, j + len(part), soft)):
            j = text.find(part, j + 1)
        if j == -1 or window.para_at(spans[-1][1] - 1) != window.para_at(j):
            return None
        spans.append((j, j + len(part)))
    return spans


def overlaps_edge(folded: str, parts: list[str], tail: bool) -> bool:
    """Whether the quotation could run on past this passage's end (``tail``) or begin before its start.

    >>> overlaps_edge("we meet today. much remains", ["much remains to be done"], tail=True)
    True
    >>> overlaps_edge("to be done. the road", ["much remains to be done"], tail=False)
    True
    """
    words = folded.split()
    if not words:
        return False
    edge = words[-1] if tail else words[0]
    for part in parts:
        start = part.find(edge)
        while start != -1:
            end = start + len(edge)
            if tail and end < len(part) and is_boundary(part, start) and folded.endswith(part[:end]):
                return True
            if not tail and start > 0 and is_boundary(part, end) and folded.startswith(part[start:]):
                return True
            start = part.find(edge, start + 1)
    return False
