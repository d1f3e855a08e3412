"""Counting: how many passages (or documents) match a query per year, month, country, speaker, source,
kind, turn or document, beside how many the index holds with that value.

The passages a query matches are the very ones search finds (the same reading, the same kinds rule);
they are grouped by per-passage values read whole from the index's columns (``postings/columns.py``),
never by building hits. Years (and months) with no match count 0 between the index's first and last.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, repeat
from typing import Any, Callable, Iterable, Optional, Sequence, Union

from searchkit.errors import QueryError
from searchkit.postings.columns import Facet, read_facet, removed_docnums
from searchkit.search.searcher import Options, Searcher

Value = Union[str, int, None]
# A field counted by -> (column, what a column value means for it)
FIELDS: dict[str, tuple[str, Callable[[str], Value]]] = {
    "year": ("month", lambda v: int(v[:4]) if v[:4].isdigit() else None),
    "month": ("month", lambda v: v if len(v) == 7 else None),
    "country": ("country", lambda v: v or None),
    "speaker": ("speaker", lambda v: v or None),
    "source": ("source", lambda v: v or None),
    "kind": ("kind", lambda v: v or None),
    "turn": ("turn", lambda v: v or None),
    "doc": ("doc_id", lambda v: v or None),
}
TIMELINES = ("year", "month")  # values with no match are filled in, in order


@dataclass(slots=True)
class CountRow:
    """One value (one per field counted by) and its count; ``total`` is how many the index holds with it."""

    values: tuple[Value, ...]
    count: int
    total: int
    rate: Optional[float] = None  # per ``per`` of the total, when asked for


@dataclass
class Counts:
    query: str
    fields: tuple[str, ...]
    unit: str  # "passages" or "documents"
    per: Optional[int]
    matched: int  # matching passages (documents) in all
    rows: list[CountRow] = field(default_factory=list)
    note: str = ""  # why nothing could match, when the query itself is the reason
    limits: list[str] = field(default_factory=list)  # what the request's limits cut: the counts fall short


def check_fields(fields: Sequence[str]) -> tuple[str, ...]:
    unknown = [f for f in fields if f not in FIELDS]
    if unknown or not 1 <= len(fields) <= 2 or len(set(fields)) != len(fields):
        raise QueryError(f"--by takes {', '.join(FIELDS)} (count takes two, comma-separated), "
                         f"not {','.join(fields)!r}")
    return tuple(fields)


def count(searcher: Searcher, text: str, fields: Sequence[str] = ("year",), docs: bool = False,
          per: Optional[int] = None, all_kinds: bool = False) -> Counts:
    """Matching passages (documents with ``docs``) of ``text`` per value of one or two ``fields``."""
    fields = check_fields(fields)
    matched, note = searcher.matching(text, Options(all_kinds=all_kinds))
    result = Counts(text, fields, "documents" if docs else "passages", per, 0, note=note, limits=list(searcher.cuts))
    if not matched:
        return result
    keys = Keys(searcher, fields, docs)
    found = keys.count(matched)
    totals = keys.totals(searcher.excluded)
    result.matched = keys.size(matched)
    shown = keys.order(found, totals)  # a row per value (every year of a timeline): built in C
    result.rows = list(map(CountRow, shown, map(found.get, shown, repeat(0)), map(totals.get, shown, repeat(0))))
    if per:
        for row in result.rows:
            row.rate = round(row.count * per / row.total, 4) if row.total else None
    return result


class Keys:
    """The values of one or two fields for any passages, as tuples; counting per passage or per document."""

    def __init__(self, searcher: Searcher, fields: tuple[str, ...], docs: bool) -> None:
        self.searcher, self.fields, self.docs = searcher, fields, docs
        self.facets = [facet(searcher, FIELDS[f][0]) for f in fields]
        self.meanings = [meanings(searcher, f) for f in fields]
        self.doc_codes = facet(searcher, "doc_id").codes if docs else None

    def count(self, docnums: Iterable[int]) -> dict[tuple[Value, ...], int]:
        """Per combination of values (codes that mean the same value merged: ``2020-01`` and ``2020-02``
        are both 2020), how many of these passages (their documents) hold it."""
        docnums = list(docnums)
        columns = [map(fc.codes.__getitem__, docnums) for fc in self.facets]
        docs = map(self.doc_codes.__getitem__, docnums) if self.doc_codes is not None else None
        return self.tally(columns, docs)

    def count_all(self, gone: set[int]) -> dict[tuple[Value, ...], int]:
        """``count`` of every passage but those ``gone``: whole columns, filtered by a mask (in C)."""
        keep = bytearray(b"\x01") * len(self.facets[0].codes)
        for d in gone:
            keep[d] = 0
        columns = [compress(fc.codes, keep) for fc in self.facets]
        docs = compress(self.doc_codes, keep) if self.doc_codes is not None else None
        return self.tally(columns, docs)

    def tally(self, columns: list[Iterable[int]], docs: Optional[Iterable[int]]) -> dict[tuple[Value, ...], int]:
        if docs is not None:  # a document counts once per value however many codes lead there
            meant = [map(m.__getitem__, c) for m, c in zip(self.meanings, columns)]
            return dict(Counter(key[:-1] for key in set(zip(*meant, docs))))
        out: dict[tuple[Value, ...], int] = {}
        tallied = Counter(columns[0]) if len(columns) == 1 else Counter(zip(*columns))
        for codes, n in ((((c,), n) for c, n in tallied.items()) if len(columns) == 1 else tallied.items()):
            key = tuple(m[c] for m, c in zip(self.meanings, codes))
            out[key] = out.get(key, 0) + n
        return out

    def totals(self, excluded: frozenset[int]) -> dict[tuple[Value, ...], int]:
        """The same count over every passage of the index in the kinds searched (kept per searcher)."""
        key = ("count-totals", self.fields, self.docs, excluded)
        cache = self.searcher.post.cache
        if key not in cache:
            cache[key] = self.count_all(excluded.union(removed_docnums(self.searcher.post.leaves)))
        return cache[key]

    def known(self, totals: dict[tuple[Value, ...], int]) -> list[list[Value]]:
        """Per field, its values in ``totals`` (sorted): kept beside the totals they come from."""
        key = ("count-known", self.fields)
        held = self.searcher.post.cache.get(key)
        if held is None or held[0] is not totals:
            known = [sorted({k[i] for k in totals if k[i] is not None}, key=str) for i in range(len(self.fields))]
            held = self.searcher.post.cache[key] = (totals, known)
        return held[1]

    def size(self, docnums: set[int]) -> int:
        if self.doc_codes is None:
            return len(docnums)
        return len(set(map(self.doc_codes.__getitem__, docnums)))

    def order(self, found: dict[tuple[Value, ...], int], totals: dict[tuple[Value, ...], int]
              ) -> list[tuple[Value, ...]]:
        """The rows to show: each field's matched values (timelines filled from the index's first to its
        last value, in order; other values most matches first), every combination of them with two."""
        known = self.known(totals)
        axes = [axis_values(f, i, found, known[i]) for i, f in enumerate(self.fields)]
        if len(axes) == 1:
            return [(v,) for v in axes[0]]
        return [(a, b) for a in axes[0] for b in axes[1]]


def axis_values(name: str, i: int, found: dict[tuple[Value, ...], int], known: list[Value]) -> list[Value]:
    """Field ``i``'s values to show, ``known`` being its values in the index (sorted)."""
    per_value: Counter[Value] = Counter()
    for key, n in found.items():
        per_value[key[i]] += n
    if name not in TIMELINES:
        return sorted(per_value, key=lambda v: (v is None, -per_value[v], str(v)))
    timeline = fill(name, known[0], known[-1]) if known else []
    return timeline + ([None] if per_value.get(None) else [])


def fill(name: str, first: Any, last: Any) -> list[Value]:
    """Every year (month) from ``first`` to ``last``."""
    if name == "year":
        return list(range(first, last + 1))
    (y0, m0), (y1, m1) = (map(int, v.split("-")) for v in (first, last))
    return [f"{n // 12}-{n % 12 + 1:02d}" for n in range(y0 * 12 + m0 - 1, y1 * 12 + m1)]


def meanings(searcher: Searcher, name: str) -> list[Value]:
    """What each code of the column behind field ``name`` means for it (a month's year), once per searcher."""
    key = ("count-meanings", name)
    cache = searcher.post.cache
    if key not in cache:
        column, meaning = FIELDS[name]
        cache[key] = [meaning(v) for v in facet(searcher, column).values]
    return cache[key]


def facet(searcher: Searcher, column: str) -> Facet:
    """A column's values for every passage, read once per searcher."""
    key = ("facet", column)
    cache = searcher.post.cache
    if key not in cache:
        cache[key] = read_facet(searcher.post.leaves, column)
    return cache[key]
