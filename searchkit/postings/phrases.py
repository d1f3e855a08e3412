"""Counting phrase occurrences per passage: what Whoosh's ``Phrase`` matcher counts, many times faster.

Whoosh matches a phrase with nested span matchers that leapfrog one posting at a time and decode the
positions of every word in every passage holding them all. Here, in a segment with a ``.phr`` file
(``phrasefile.py``), the places where the phrase could start are a set of keys (passage and position),
narrowed word by word, rarest first, by set operations (or numpy arrays) that run in C; a word the file
lacks (an older file held only words of 512 passages or more) is read from its postings. A segment
without one is counted from the postings alone: the two rarest words are intersected by passage, then
each further word is read only in the blocks holding a passage still in question. A passage's count
is the number of places where word k+1 sits right after word k (``SpanNear2(ordered=True, slop=1,
mindist=1)``, which is what ``Phrase`` runs); ``tests/postings/test_phrases.py`` and
``tests/postings/test_phrasefile.py`` compare both on real speeches and on segments written every way.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from contextlib import contextmanager
from typing import Any, Iterator, Optional, Sequence

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.matching.wrappers import FilterMatcher

from searchkit.postings import phrasefile
from searchkit.postings.blocks import block_ids, positions_decoder
from searchkit.postings.phrasefile import KEY_LIMIT, KEY_SHIFT
from searchkit.postings.readers import open_postings

Found = dict[int, Any]  # local docnum -> the posting's value bytes


def phrase_counts(leaves: list[tuple[Any, int]], field: str, words: tuple[str, ...],
                  infos: Optional[list[list[Any]]] = None) -> dict[int, int]:
    """Global docnum -> occurrences of ``words`` in a row in ``field``, for every passage holding the phrase.
    ``infos`` (per word, per segment: its ``TermInfo`` or None, as ``Postings.term_infos`` keeps them)
    spares looking each word up again in every segment."""
    counts: dict[int, int] = {}
    for n, (leaf, base) in enumerate(leaves):
        leaf_infos = None if infos is None else [per_word[n] for per_word in infos]
        for d, k in leaf_counts(leaf, field, words, leaf_infos).items():
            counts[base + d] = k
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


class _Scopes(threading.local):
    """Each thread's open searches (the web server runs searches in several threads at once)."""

    def __init__(self) -> None:
        self.memos: list[dict[tuple[int, str, tuple[str, ...]], tuple[Any, dict[int, int]]]] = []


_SCOPES = _Scopes()


@contextmanager
def remembering() -> Iterator[None]:
    """Within one search, a phrase's counts are computed once (matching and ranking both ask for them);
    nothing is kept from one search to the next."""
    _SCOPES.memos.append({})
    try:
        yield
    finally:
        _SCOPES.memos.pop()


def leaf_counts(leaf: Any, field: str, words: tuple[str, ...], infos: Optional[list[Any]] = None) -> dict[int, int]:
    """Local docnum -> occurrences of the phrase in one segment."""
    memos = _SCOPES.memos
    if not memos:
        return count_in_leaf(leaf, field, words, infos)
    memo, key = memos[-1], (id(leaf), field, words)
    held = memo.get(key)
    if held is None or held[0] is not leaf:
        held = memo[key] = (leaf, count_in_leaf(leaf, field, words, infos))
    return held[1]


def count_in_leaf(leaf: Any, field: str, words: tuple[str, ...], infos: Optional[list[Any]] = None) -> dict[int, int]:
    keys = [w.encode("utf-8") for w in words]
    if infos is None:
        if not keys or any((field, k) not in leaf for k in keys):
            return {}
        infos = [leaf.term_info(field, k) for k in keys]
    if not keys or any(info is None for info in infos):
        return {}
    found = dict(zip(keys, infos))
    places: dict[bytes, list[int]] = {}
    for place, key in enumerate(keys):
        places.setdefault(key, []).append(place)
    order = sorted(places, key=lambda k: found[k].doc_frequency())
    format_ = leaf.schema[field].format
    decode = positions_decoder(format_)
    postings = lambda key: open_postings(leaf, field, key, found[key])  # noqa: E731
    side = phrasefile.open_for(leaf) if type(format_) is Positions else None
    if side is not None and side.holds(field):
        try:
            return keyed_counts(leaf, postings, side, field, order, places, decode)
        except _TooLong:
            pass
    return postings_counts(postings, order, places, decode)


class _TooLong(Exception):
    """A position too large for a key (a passage of 16 million words): counted from the postings."""


def keyed_counts(leaf: Any, postings: Any, side: phrasefile.PhraseFile, field: str, order: list[bytes],
                 places: dict[bytes, list[int]], decode: Any) -> dict[int, int]:
    """Counts from the segment's ``.phr`` keys: the set of places where the phrase could start (a key
    less the word's place in the phrase) narrows with each word, rarest first. Words missing from the
    file are read from their postings, in the passages still in question."""
    most = side.count(field, order[0])  # the rarest word's keys: how many places the phrase may start at
    if most is not None and phrasefile.as_arrays(most):
        return array_counts(leaf, postings, side, field, order, places, decode)
    rare = shared_passages(postings, [key for key in order if side.count(field, key) is None])
    if rare is None:
        return {}
    starts: Optional[set[int]] = None
    for key in order:
        held = side.keys(field, key)
        if held is None:
            found = rare[key]
            if starts is not None:
                within = {s >> KEY_SHIFT for s in starts}
                found = {d: v for d, v in found.items() if d in within}
            held = keys_of(found, decode)
        for place in places[key]:
            starts = placed(starts, held, place)
            if not starts:
                return {}
    counts = Counter(s >> KEY_SHIFT for s in starts or ())
    if leaf.has_deletions():
        return {d: n for d, n in counts.items() if not leaf.is_deleted(d)}
    return dict(counts)


def array_counts(leaf: Any, postings: Any, side: phrasefile.PhraseFile, field: str, order: list[bytes],
                 places: dict[bytes, list[int]], decode: Any) -> dict[int, int]:
    """``keyed_counts`` with the starts as a sorted numpy array, narrowed by binary searches: for phrases
    whose every word is common (tens of thousands of places per segment), where sets cost the most."""
    import numpy as np

    starts = None
    for key in order:
        held = side.keys(field, key)
        if held is None:
            wanted = None if starts is None else np.unique(starts >> KEY_SHIFT).tolist()
            held = postings_keys(postings(key), wanted, decode)
        keys = np.asarray(held, dtype=np.uint64).view(np.int64) if isinstance(held, memoryview) else \
            np.asarray(held, dtype=np.int64)
        for place in places[key]:
            starts = keys - place if starts is None else narrowed_array(starts, keys, place)
            if not len(starts):
                return {}
    docs, counts = np.unique(starts >> KEY_SHIFT, return_counts=True)
    found = dict(zip(docs.tolist(), counts.tolist()))
    if leaf.has_deletions():
        return {d: n for d, n in found.items() if not leaf.is_deleted(d)}
    return found


def narrowed_array(starts: Any, keys: Any, place: int) -> Any:
    """The starts (sorted) whose word at ``place`` is among ``keys`` (sorted): ``placed`` for arrays."""
    import numpy as np

    wanted = starts + place
    at = np.searchsorted(keys, wanted)
    at[at == len(keys)] = 0
    return starts[keys[at] == wanted] if len(keys) else starts[:0]


def placed(starts: Optional[set[int]], keys: Sequence[int], place: int) -> set[int]:
    """The phrase starts left once the word at ``place`` is known to occur at ``keys``.

    >>> sorted(placed(None, [3, 9], 1))
    [2, 8]
    >>> sorted(placed({2, 8}, [4, 10], 2))
    [2, 8]
    >>> sorted(placed({2, 8}, list(range(4, 400, 4)), 2))   # many keys: looked up one start at a time
    [2]
    """
    if starts is None:
        return set(map((-place).__add__, keys)) if place else set(keys)
    if len(keys) > 16 * len(starts):
        count, left = len(keys), set()
        for s in starts:
            i = bisect_left(keys, s + place)
            if i < count and keys[i] == s + place:
                left.add(s)
        return left
    return starts.intersection(map((-place).__add__, keys) if place else keys)


def shared_passages(postings: Any, keys: list[bytes]) -> Optional[dict[bytes, Found]]:
    """Each of ``keys`` (words the ``.phr`` file lacks, rarest first) -> its postings' values in
    the passages that hold them all; None when no passage does. Passages are intersected by their numbers
    before any position is decoded: a phrase of rare words decodes only where it may be."""
    found: dict[bytes, Found] = {}
    shared: Optional[list[int]] = None
    for key in keys:
        values = term_values(postings(key), shared)
        if not values:
            return None
        found[key] = values
        shared = sorted(values)
    for key in keys:
        if len(found[key]) > len(shared or ()):
            found[key] = {d: found[key][d] for d in shared or ()}
    return found


def postings_keys(matcher: Any, wanted: Optional[list[int]], decode: Any) -> list[int]:
    """The keys of a word's occurrences in the ``wanted`` passages (all when None), from its postings."""
    return keys_of(term_values(matcher, wanted), decode)


def keys_of(found: Found, decode: Any) -> list[int]:
    """The keys of a word's occurrences in the passages of ``found`` (docnum -> posting value)."""
    keys = []
    for d, value in sorted(found.items()):
        positions = decode(value)
        if positions and positions[-1] >= KEY_LIMIT:
            raise _TooLong
        high = d << KEY_SHIFT
        keys.extend([high | p for p in positions])
    return keys


def postings_counts(postings: Any, order: list[bytes], places: dict[bytes, list[int]],
                    decode: Any) -> dict[int, int]:
    """Counts from Whoosh's postings alone. The two rarest words are intersected by passage first
    (positions are decoded only where both are); after that each word keeps only the passages where it
    sits at its place relative to the words read before, so a common word is read only in the blocks
    holding a passage that already has the rest of the phrase in a row."""
    first = term_values(postings(order[0]), None)
    second: Found = {}
    if len(order) > 1:
        second = term_values(postings(order[1]), sorted(first))
        first = {d: first[d] for d in second}
    starts = narrowed(None, first, places[order[0]], decode)
    for key in order[1:]:
        if not starts:
            return {}
        found = second if key is order[1] else term_values(postings(key), sorted(starts))
        starts = narrowed(starts, found, places[key], decode)
    return {d: len(s) for d, s in starts.items()}


def narrowed(starts: Optional[dict[int, set[int]]], found: Found, places: list[int],
             decode: Any) -> dict[int, set[int]]:
    """The phrase starts left once a word seen at ``places`` of the phrase is known to be where ``found``
    says (all of them when ``starts`` is None: the first word read).

    >>> narrowed(None, {7: b"x"}, [0, 2], lambda v: [3, 5, 9])   # "a b a": a at 3 and 5
    {7: {3}}
    >>> narrowed({7: {3, 8}}, {7: b"x", 9: b"y"}, [1], lambda v: [4, 6])
    {7: {3}}
    """
    left: dict[int, set[int]] = {}
    first, *rest = places
    for d, value in found.items():
        if starts is None:
            positions = decode(value)
            here = {p - first for p in positions}
            if rest:
                seen = set(positions)
                for place in rest:
                    here = {s for s in here if s + place in seen}
        else:
            held = starts.get(d)
            if held is None:
                continue
            here = held.intersection([p - first for p in decode(value)])
            if rest and here:
                seen = set(decode(value))
                here = {s for s in here if all(s + place in seen for place in rest)}
        if here:
            left[d] = here
    return left


def term_values(matcher: Any, wanted: Optional[list[int]]) -> Found:
    """Local docnum -> value bytes of one term's postings (only the ``wanted`` docnums, when given)."""
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher):
        deleted, matcher = frozenset(matcher._ids), matcher.child
    if isinstance(matcher, W3LeafMatcher):
        found = disk_values(matcher, wanted)
    else:
        found = generic_values(matcher, wanted)
    for d in deleted & found.keys():
        del found[d]
    return found


def disk_values(m: W3LeafMatcher, wanted: Optional[list[int]]) -> Found:
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
            values, count = m._values, len(ids)
            for d in wanted[at:end]:
                i = bisect_left(ids, d)
                if i < count and ids[i] == d:
                    found[d] = values[i]
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
