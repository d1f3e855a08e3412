"""Counting phrase occurrences per passage: what Whoosh's ``Phrase`` matcher counts, a few times faster.

Whoosh matches a phrase with nested span matchers that leapfrog one posting at a time and decode the
positions of every word in every passage holding them all. Here the rarest word comes first and each
further word is only read in the posting blocks that can hold a remaining candidate (the others are
skipped by their headers); positions are decoded last, for the passages holding every word. A passage's
count is the number of places where word k+1 sits right after word k (``SpanNear2(ordered=True, slop=1,
mindist=1)``, which is what ``Phrase`` runs); ``tests/test_phrases.py`` compares both on real speeches.
"""

from __future__ import annotations

from bisect import bisect_right
from contextlib import contextmanager
from itertools import accumulate
from pickle import loads
from typing import Any, Iterator, Optional

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.system import _INT_SIZE
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher

from .w3blocks import block_ids

Found = dict[int, Any]  # local docnum -> the posting's value bytes


def phrase_counts(leaves: list[tuple[Any, int]], field: str, words: tuple[str, ...]) -> dict[int, int]:
    """Global docnum -> occurrences of ``words`` in a row in ``field``, for every passage holding the phrase."""
    counts: dict[int, int] = {}
    for leaf, base in leaves:
        for d, n in leaf_counts(leaf, field, words).items():
            counts[base + d] = n
    return counts


class FastPhrase(wq.Phrase):
    """``whoosh.query.Phrase`` (adjacent words, in order) whose matcher finds its passages with
    ``leaf_counts``: what a boolean query containing a phrase runs to know which passages match."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if self.slop != 1 or self.fieldname not in searcher.schema:
            return super().matcher(searcher, context)
        if not searcher.schema[self.fieldname].format.supports("positions"):
            return super().matcher(searcher, context)  # Whoosh's own refusal
        reader = searcher.reader()
        leaves = list(reader.leaf_readers()) if not reader.is_atomic() else [(reader, 0)]
        counts = phrase_counts(leaves, self.fieldname, tuple(str(w) for w in self.words))
        if not counts:
            return NullMatcher()
        ids = sorted(counts)
        return ListMatcher(ids, [float(counts[d]) for d in ids])


_SCOPES: list[dict[tuple[int, str, tuple[str, ...]], tuple[Any, dict[int, int]]]] = []


@contextmanager
def remembering() -> Iterator[None]:
    """Within one search, a phrase's counts are computed once (matching and ranking both ask for them);
    nothing is kept from one search to the next."""
    _SCOPES.append({})
    try:
        yield
    finally:
        _SCOPES.pop()


def leaf_counts(leaf: Any, field: str, words: tuple[str, ...]) -> dict[int, int]:
    """Local docnum -> occurrences of the phrase in one segment."""
    if not _SCOPES:
        return count_in_leaf(leaf, field, words)
    memo, key = _SCOPES[-1], (id(leaf), field, words)
    held = memo.get(key)
    if held is None or held[0] is not leaf:
        held = memo[key] = (leaf, count_in_leaf(leaf, field, words))
    return held[1]


def count_in_leaf(leaf: Any, field: str, words: tuple[str, ...]) -> dict[int, int]:
    keys = [w.encode("utf-8") for w in words]
    if not keys or any((field, k) not in leaf for k in keys):
        return {}
    order = sorted(set(keys), key=lambda k: leaf.doc_frequency(field, k))
    values: dict[bytes, Found] = {}
    wanted: Optional[list[int]] = None
    for key in order:
        found = term_values(leaf.postings(field, key), wanted)
        values[key] = found
        wanted = sorted(found) if wanted is None else [d for d in wanted if d in found]
        if not wanted:
            return {}
    decode = positions_decoder(leaf.schema[field].format)
    counts = {}
    for d in wanted or []:
        positions = [decode(values[k][d]) for k in keys]
        count = occurrences(positions)
        if count:
            counts[d] = count
    return counts


def positions_decoder(format_: Any) -> Any:
    """``format_.decode_positions``; for Whoosh's ``Positions``, the same with the running sum in C."""
    if type(format_) is not Positions:
        return format_.decode_positions
    def decode(value: bytes) -> list[int]:
        return list(accumulate(loads(value[_INT_SIZE:] if value.endswith(b".") else value[_INT_SIZE:] + b".")))

    return decode


def occurrences(positions: list[list[int]]) -> int:
    """Places where the k-th list holds p + k for every k (p from the first list).

    >>> occurrences([[0, 1, 2, 7], [1, 2, 3, 9]])   # "a a" in "a a a ... a": 0-1, 1-2, 2-3
    3
    >>> occurrences([[4, 10], [5], [6, 12]])
    1
    """
    rest = [set(p) for p in positions[1:]]
    return sum(1 for p in positions[0] if all(p + k in s for k, s in enumerate(rest, start=1)))


def term_values(matcher: Any, wanted: Optional[list[int]]) -> Found:
    """Local docnum -> value bytes of one term's postings (only the ``wanted`` docnums, when given)."""
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher):
        deleted, matcher = frozenset(matcher._ids), matcher.child
    if isinstance(matcher, W3LeafMatcher):
        found = w3_values(matcher, wanted)
    else:
        found = generic_values(matcher, wanted)
    for d in deleted & found.keys():
        del found[d]
    return found


def w3_values(m: W3LeafMatcher, wanted: Optional[list[int]]) -> Found:
    """Whole blocks of an on-disk posting list; blocks without a wanted docnum are skipped by their header."""
    found: Found = {}
    at = 0
    while m.is_active():
        if wanted is not None:
            if at >= len(wanted):
                break
            if wanted[at] > m.block_max_id():
                m._next_block()
                continue
        ids = block_ids(m)
        m._read_values()
        if wanted is None:
            found.update(zip(ids, m._values))
        else:
            end = bisect_right(wanted, ids[-1], at)
            block = dict(zip(ids, m._values))
            keep = block.keys() & wanted[at:end]
            found.update(zip(keep, map(block.__getitem__, keep)))
            at = end
        m._next_block()
    return found


def generic_values(m: Any, wanted: Optional[list[int]]) -> Found:
    found: Found = {}
    if wanted is None:
        while m.is_active():
            found[m.id()] = m.value()
            m.next()
        return found
    for d in wanted:
        if not m.is_active():
            break
        if m.id() < d:
            m.skip_to(d)
        if m.is_active() and m.id() == d:
            found[d] = m.value()
    return found
