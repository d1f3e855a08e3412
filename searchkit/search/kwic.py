"""Concordance (key word in context): every occurrence of what a query matches, one line each, with the
words around it and where it was said.

An occurrence is a span that highlighting marks in a matching passage: the same analyzer chain and the
same marks as search (a phrase is one occurrence; an alias or a stem marks the form the source used).
Passages come in search's order (best first, or newest first); ``right`` and ``left`` sort every
occurrence by the words after (before) it, which is how concordancers show a word's patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Optional

from searchkit.errors import QueryError
from searchkit.search.hits import Hit
from searchkit.search.searcher import Options, Searcher

SORTS = ("score", "date", "right", "left")
CONTEXT = 40  # characters of context on each side, by default
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


@dataclass
class Occurrence:
    """One match with its context; ``char_start``/``char_end`` are the match's offsets in the document."""

    left: str
    match: str
    right: str
    passage_id: str
    doc_id: str
    para: int
    para_label: str
    date: str
    speaker: str
    char_start: int
    char_end: int


@dataclass
class Concordance:
    query: str
    sort: str
    passages: int  # matching passages in all
    lines: list[Occurrence] = field(default_factory=list)
    more: bool = False  # occurrences past the limit were left out
    note: str = ""
    limits: list[str] = field(default_factory=list)  # what the request's limits cut


def concordance(searcher: Searcher, text: str, limit: Optional[int] = 100, sort: str = "score",
                context: int = CONTEXT, all_kinds: bool = False) -> Concordance:
    """Up to ``limit`` occurrences (every one with None) of what ``text`` matches, in ``sort`` order."""
    if sort not in SORTS:
        raise QueryError(f"sort a concordance by one of {', '.join(SORTS)}, not {sort!r}")
    everything = limit is None or sort in ("right", "left")
    order = "date" if sort == "date" else "score"
    wanted = 1_000_000_000 if everything else max(limit or 0, 1)
    result = searcher.search(text, Options(limit=wanted, sort=order, all_kinds=all_kinds))
    if not everything and result.total > len(result.hits) and count_spans(result.hits) < wanted:
        result = searcher.search(text, Options(limit=result.total, sort=order, all_kinds=all_kinds))
    found = Concordance(text, sort, result.total, note=result.note, limits=list(result.limits))
    lines = [occ for hit in result.hits for occ in occurrences(hit, context)]
    if sort == "right":
        lines.sort(key=lambda o: (sort_words(o.right), sort_words(o.match)))
    elif sort == "left":
        lines.sort(key=lambda o: (sort_words(o.left)[::-1], sort_words(o.match)))
    found.more = limit is not None and (len(lines) > limit or len(result.hits) < result.total)
    found.lines = lines if limit is None else lines[:limit]
    if result.total and not found.lines and not found.note:
        found.note = "the query marks no words (metadata alone, or only negated words): nothing to show in context"
    return found


def count_spans(hits: list[Hit]) -> int:
    return sum(len(h.spans) for h in hits)


def occurrences(hit: Hit, context: int) -> Iterator[Occurrence]:
    for (start, end), (doc_start, doc_end) in zip(hit.spans, hit.doc_spans or hit.spans):
        yield Occurrence(
            left=left_context(hit.text[:start], context), match=flat(hit.text[start:end]),
            right=right_context(hit.text[end:], context), passage_id=hit.passage_id, doc_id=hit.doc_id,
            para=hit.para, para_label=hit.para_label, date=hit.date, speaker=hit.speaker,
            char_start=doc_start, char_end=doc_end,
        )


def flat(text: str) -> str:
    """Line breaks and runs of white space as one space: a concordance line is one line."""
    return _SPACE.sub(" ", text)


def left_context(before: str, width: int) -> str:
    """The last ``width`` characters before a match, cut at a word boundary (whole words only)."""
    text = flat(before[-(width * 2):]).lstrip() if len(before) > width * 2 else flat(before).lstrip()
    if len(text) <= width:
        return text
    cut = text[-width:]
    return cut.split(" ", 1)[1] if " " in cut and not text[-width - 1].isspace() else cut.lstrip()


def right_context(after: str, width: int) -> str:
    """The first ``width`` characters after a match, cut at a word boundary."""
    text = flat(after[:width * 2]).rstrip()
    if len(text) <= width:
        return text
    cut = text[:width]
    return cut.rsplit(" ", 1)[0] if " " in cut and not text[width].isspace() else cut.rstrip()


def sort_words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]
