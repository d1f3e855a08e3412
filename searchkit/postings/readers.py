"""Fast reads of Whoosh postings and field lengths, for scoring many terms in plain Python.

Whoosh scores a query by walking a tree of matchers one posting at a time; reading each term's posting
blocks whole (ids and term frequencies as arrays) and adding into a dict is several times faster, which is
what lets ranking afford feedback and proximity. Falls back to the public matcher interface for any
posting list that is not Whoosh's on-disk block format.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from itertools import filterfalse, repeat
from operator import add
from typing import Any, Iterable, Iterator, Optional, Sequence

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length, length_to_byte

from searchkit.postings import phrasefile
from searchkit.postings.blocks import ids_and_weights

Block = tuple[Sequence[int], Sequence[float]]
_LENGTH_OF_BYTE = [float(byte_to_length(i)) for i in range(256)]
TERM_CACHE_LIMIT = 100_000  # terms whose lookups a searcher keeps (a few hundred bytes each)


class Postings:
    """Posting lists, field lengths and statistics of one open searcher (all its segments)."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.leaves = list(self.reader.leaf_readers())
        self.doc_count = max(self.reader.doc_count(), 1)
        self._lengths: dict[str, bytes] = {}
        self._infos: dict[tuple[str, str], list[Any]] = {}
        self.cache: dict[Any, Any] = {}  # per-searcher values other modules derive (length norms)

    def term_infos(self, field: str, term: str) -> list[Any]:
        """Per segment, the term's ``TermInfo`` (None where it is absent). Each lookup in Whoosh's on-disk
        hash costs a tenth of a millisecond and a search asked three per term and segment (is it there,
        its postings, its frequency): kept per searcher, a term is looked up once."""
        key = (field, term)
        held = self._infos.get(key)
        if held is None:
            tbytes, held = term.encode("utf-8"), []
            for leaf, _ in self.leaves:
                try:
                    held.append(leaf.term_info(field, tbytes))
                except TermNotFound:
                    held.append(None)
            if len(self._infos) >= TERM_CACHE_LIMIT:
                self._infos.clear()
            self._infos[key] = held
        return held

    def blocks(self, field: str, term: str, wanted: Optional[list[int]] = None) -> Iterator[Block]:
        """``(docnums, frequencies)`` blocks of a term; with ``wanted`` (sorted docnums), only those."""
        if field not in self.reader.schema:
            return
        tbytes = term.encode("utf-8")
        for (leaf, base), info in zip(self.leaves, self.term_infos(field, term)):
            if info is not None:
                yield from segment_blocks(leaf, base, field, tbytes, info, wanted)

    def passages(self, field: str, term: str) -> set[int]:
        """The passages (docnums) ``blocks`` finds, without their frequencies. Where a segment's phrase
        file holds the word, its keys give them from one read: for a rare word, a fraction of the cost of
        opening its posting list and decompressing its blocks (which count then spent most of its time on)."""
        found: set[int] = set()
        if field not in self.reader.schema:
            return found
        tbytes = term.encode("utf-8")
        for (leaf, base), info in zip(self.leaves, self.term_infos(field, term)):
            if info is None:
                continue
            local = keyed_passages(leaf, field, tbytes)
            if local is None:
                for ids, _ in segment_blocks(leaf, base, field, tbytes, info, None):
                    found.update(ids)
            else:
                found.update(map(add, local, repeat(base)) if base else local)
        return found

    def length_bytes(self, field: str) -> bytes:
        """Every document's length in ``field`` as Whoosh's one-byte code, indexed by docnum."""
        if field not in self._lengths:
            parts, size = [], 0
            for leaf, base in self.leaves:
                parts.append(bytes(base - size))
                codes = leaf_length_codes(leaf, field)
                parts.append(codes)
                size = base + len(codes)
            self._lengths[field] = b"".join(parts)
        return self._lengths[field]

    def avg_length(self, field: str) -> float:
        return max(self.reader.field_length(field) / self.doc_count, 1.0)

    def doc_frequency(self, field: str, term: str) -> int:
        if field not in self.reader.schema:
            return 0
        return sum(info.doc_frequency() for info in self.term_infos(field, term) if info is not None)


def segment_blocks(leaf: Any, base: int, field: str, tbytes: bytes, info: Any,
                   wanted: Optional[list[int]]) -> Iterator[Block]:
    """``Postings.blocks`` in one segment, its deleted passages left out."""
    matcher = open_postings(leaf, field, tbytes, info)
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher):
        deleted, matcher = frozenset(matcher._ids), matcher.child
    for ids, tfs in leaf_blocks(matcher, base, wanted):
        if deleted:
            kept = [(d, t) for d, t in zip(ids, tfs) if d - base not in deleted]
            ids, tfs = [d for d, _ in kept], [t for _, t in kept]
        yield ids, tfs


def keyed_passages(leaf: Any, field: str, tbytes: bytes) -> Optional[Iterable[int]]:
    """A word's passages in one segment (local docnums, deleted ones left out) from its phrase file;
    None when the file does not hold the word."""
    side = phrasefile.open_for(leaf)
    found = side.passages(field, tbytes) if side is not None and side.holds(field) else None
    if found is None:
        return None
    return list(filterfalse(leaf.deleted_docs_set.__contains__, found)) if leaf.has_deletions() else found


def open_postings(leaf: Any, field: str, tbytes: bytes, info: Any) -> Any:
    """``leaf.postings(field, tbytes)`` from a term info already looked up (Whoosh's own steps after
    the lookup: the codec's reader, deleted passages filtered out)."""
    terms = getattr(leaf, "_terms", None)
    if terms is None or not hasattr(terms, "_codec") or not hasattr(terms, "_postfile"):
        return leaf.postings(field, tbytes)
    matcher = terms._codec.postings_reader(terms._postfile, info, leaf.schema[field].format, term=(field, tbytes))
    deleted = leaf.deleted_docs_set
    return FilterMatcher(matcher, deleted, exclude=True) if deleted else matcher


def leaf_blocks(matcher: Any, base: int, wanted: Optional[list[int]]) -> Iterator[Block]:
    if isinstance(matcher, W3LeafMatcher):
        yield from _disk_blocks(matcher, base, wanted)
    elif isinstance(matcher, ListMatcher):
        ids = [base + d for d in matcher._ids]
        tfs = list(matcher._weights) if matcher._weights is not None else [1.0] * len(ids)
        yield _only(ids, tfs, wanted) if wanted is not None else (ids, tfs)
    else:  # any other matcher: the public interface, one posting at a time
        ids, tfs = [], []
        while matcher.is_active():
            ids.append(base + matcher.id())
            tfs.append(matcher.weight())
            matcher.next()
        yield _only(ids, tfs, wanted) if wanted is not None else (ids, tfs)


def _disk_blocks(m: W3LeafMatcher, base: int, wanted: Optional[list[int]]) -> Iterator[Block]:
    """Whole blocks of an on-disk posting list; blocks holding none of ``wanted`` are not even decoded."""
    at, previous_max = 0, -1
    while m.is_active():
        block_max = base + m.block_max_id()
        if wanted is not None:
            at = bisect_right(wanted, previous_max, at)
            if at >= len(wanted):
                return
            if wanted[at] > block_max:
                previous_max = block_max
                m._next_block()
                continue
        ids, weights = ids_and_weights(m)
        ids = list(map(add, ids, repeat(base))) if base else ids
        yield _only(ids, weights, wanted) if wanted is not None else (ids, weights)
        previous_max = block_max
        m._next_block()


def _only(ids: Sequence[int], tfs: Sequence[float], wanted: list[int]) -> Block:
    """The postings of a block whose docnum is wanted (in C: a dict of the block, a key intersection)."""
    if not ids:
        return [], []
    block = dict(zip(ids, tfs))
    keep = sorted(block.keys() & wanted[bisect_left(wanted, ids[0]) : bisect_left(wanted, ids[-1] + 1)])
    return keep, list(map(block.__getitem__, keep))


def leaf_length_codes(leaf: Any, field: str) -> bytes:
    """One segment's field lengths as one-byte codes: the length column read in one go where possible."""
    count = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    column = None
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        if hasattr(perdoc, "has_column") and not perdoc.has_column(_lenfield(field)):
            return bytes(count)  # no passage of this segment has the field: every length is 0
        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is not None and hasattr(column, "_dbfile"):
        raw = bytes(column._dbfile.get(column._basepos, min(column._count, count)))
        return raw + bytes(count - len(raw))
    return bytes(length_to_byte(leaf.doc_field_length(d, field) or 0) for d in range(count))


def length_of_code(code: int) -> float:
    return _LENGTH_OF_BYTE[code]
