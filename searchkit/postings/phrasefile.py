"""Where a segment's common words occur, laid out for phrase lookups: the ``.phr`` file.

A phrase of common words ("new international economic order") is counted by finding where its words sit
next to each other. In Whoosh's postings every occurrence is a few bytes of a pickle, inside a
compressed 128-posting block: finding the passages where "economic" is followed by "order" means
decompressing and unpickling every block of both words, one posting at a time, in Python.

So for every word of a segment, this file holds all its occurrences once more, as one sorted array of
64-bit keys ``passage << KEY_SHIFT | position``. The places where "economic" is followed by "order" are then
the intersection of two sets built from two arrays, which Python does in C; a further, more common word is
checked with one binary search per place left. Rare words are there too: a rare phrase ("illicit traffic in
narcotic drugs") read from the postings opens and unpickles a block per word per segment, which cost
several times what a phrase of common words costs here. The directory (word -> where its keys are) is a
sorted table searched by bisection, so opening the file does not build a dictionary of the vocabulary.

The keys are made in the index workers, beside the postings: ``encode.index_field`` hands over each
posting's positions and ``prepare.sorted_keys`` turns them into keys, term by term, with C-level iterators
(what that costs an index run is in docs/benchmarks.md). Postings merged in from an older segment come
without keys; their values are decoded by the field's own format when the file is written. The file is
written beside the segment's other files at its flush (``pool.flush_grouped``), so Whoosh assembles it
into the segment's compound file and deletes it with the segment. A segment without one (written by
Whoosh's own flush, or by an older searchkit) is read from its postings as before: ``phrases.py`` uses
this file only when it is there and well formed.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
import weakref
from array import array
from bisect import bisect_left, bisect_right
from itertools import accumulate, repeat
from operator import rshift
from typing import Any, Callable, Optional

EXT = ".phr"
MAGIC = b"SKPHR3\n\x00"
OLD_MAGIC = b"SKPHR2\n\x00"  # words in 512 passages or more, and a pickled dict as the directory: still read
MIN_POSTINGS = 1  # every word (tests raise it to have some words read from the postings)
KEY_SHIFT = 24
KEY_LIMIT = 1 << KEY_SHIFT  # positions at or past this (a 16-million-word passage) get no keys
_TAIL = struct.Struct("<Q")  # where the directory starts
SIGNPOST = 32  # a directory lookup bisects a list of every 32nd word, then 5 words of its run
LOOKUPS_KEPT = 4096  # words looked up kept per file: a phrase asks for each of its words several times
# From this many keys (of a word, or of the places a phrase may start at) in a segment, they are handled
# as numpy arrays (4-5 times faster for common words at 385,000 passages; from about 100 keys numpy's
# per-call overhead costs less than Python's loop): once numpy is imported, or from IMPORT_KEYS on (what
# importing it costs).
VECTOR_KEYS = 100
IMPORT_KEYS = 500_000


def as_arrays(keys: int) -> bool:
    """Whether this many keys are best handled as numpy arrays."""
    return keys >= VECTOR_KEYS and ("numpy" in sys.modules or keys >= IMPORT_KEYS)


class Table:
    """One field's words (sorted) -> (offset of their keys, how many), as four flat arrays."""

    def __init__(self, words: bytes, ends: array, offsets: array, counts: array) -> None:
        self._words, self._ends, self._offsets, self._counts = words, ends, offsets, counts
        self._signposts: Optional[list[bytes]] = None  # made at the first lookup

    @classmethod
    def of(cls, rows: list[tuple[bytes, int, int]]) -> "Table":
        """The table of ``(word, offset, count)`` rows, sorted by word."""
        ends = array("I", accumulate(len(word) for word, _, _ in rows))
        return cls(b"".join(word for word, _, _ in rows), ends, array("Q", [r[1] for r in rows]),
                   array("Q", [r[2] for r in rows]))

    def dump(self) -> tuple[bytes, bytes, bytes, bytes]:
        return self._words, self._ends.tobytes(), self._offsets.tobytes(), self._counts.tobytes()

    @classmethod
    def load(cls, dumped: tuple[bytes, bytes, bytes, bytes]) -> "Table":
        words, *arrays = dumped
        ends, offsets, counts = (array(code) for code in "IQQ")
        for held, raw in zip((ends, offsets, counts), arrays):
            held.frombytes(raw)
        if not len(ends) == len(offsets) == len(counts) or (len(ends) and ends[-1] != len(words)):
            raise ValueError("phrase file directory does not add up")
        return cls(words, ends, offsets, counts)

    def word(self, i: int) -> bytes:
        return self._words[self._ends[i - 1] if i else 0 : self._ends[i]]

    def get(self, tbytes: bytes) -> Optional[tuple[int, int]]:
        """Bisection among every ``SIGNPOST``-th word (a list, compared in C), then within its run."""
        if self._signposts is None:
            self._signposts = [self.word(i) for i in range(0, len(self._ends), SIGNPOST)]
        run = bisect_right(self._signposts, tbytes) - 1
        if run < 0:
            return None
        lo = run * SIGNPOST
        i = bisect_left(range(len(self._ends)), tbytes, lo, min(lo + SIGNPOST, len(self._ends)), key=self.word)
        if i == len(self._ends) or self.word(i) != tbytes:
            return None
        return self._offsets[i], self._counts[i]


Directory = dict[str, Any]  # field -> a Table (or, in an old file, a dict): term -> (offset, keys)


def write(segment: Any, storage: Any, fields: dict[str, list[tuple[bytes, Any]]],
          decoders: dict[str, Callable[[bytes], list[int]]]) -> None:
    """Write the ``.phr`` file of ``segment``: ``fields`` maps a positions field to its terms in order,
    each with the pool's entry (passage numbers, weights, value lengths, value bytes, keys or None), and
    ``decoders`` each field to its format's decoding of a value's positions (for postings without keys).
    A segment without a word that common gets no file."""
    chosen = {name: [(t, e) for t, e in terms if len(e[0]) >= MIN_POSTINGS] for name, terms in fields.items()}
    if not any(chosen.values()):
        return
    directory: dict[str, tuple[bytes, bytes, bytes, bytes]] = {}
    out = segment.create_file(storage, EXT)
    try:
        out.write(MAGIC)
        at = len(MAGIC)
        for name, terms in chosen.items():
            rows = []
            for tbytes, entry in terms:
                keys = entry[4]
                if keys is None:
                    keys = keys_from_values(entry[0], entry[2], entry[3], decoders[name])
                if keys is None:
                    continue
                rows.append((tbytes, at, len(keys)))
                out.write(keys.tobytes())
                at += keys.itemsize * len(keys)
            directory[name] = Table.of(sorted(rows)).dump()
        out.write(pickle.dumps((sys.byteorder, directory), 5))
        out.write(_TAIL.pack(at))
    finally:
        out.close()


def keys_from_values(ids: array, vlens: array, vdata: bytes, decode: Callable[[bytes], list[int]]) -> Optional[array]:
    """The keys of postings that came without them (merged from another segment), from their values'
    positions; None when a position is too large for a key."""
    keys = array("Q")
    offset = 0
    for docnum, size in zip(ids, vlens):
        positions = decode(bytes(vdata[offset : offset + size]))
        offset += size
        if positions and positions[-1] >= KEY_LIMIT:
            return None
        high = docnum << KEY_SHIFT
        keys.extend([high | p for p in positions])
    return keys


class PhraseFile:
    """The ``.phr`` file of one segment, read with ``pread``: a word's keys are copied in for one lookup
    and freed after it. Read through Whoosh's memory map instead, every page a phrase touched would stay
    in the process's resident set: at 386,000 passages a server's RSS grew by 130 MB."""

    def __init__(self, path: str, base: int, directory: Directory) -> None:
        self._path, self._base = path, base  # the segment's file, where the .phr starts in it
        self._directory = directory
        self._looked_up: dict[tuple[str, bytes], Optional[tuple[int, int]]] = {}
        self._fd: Optional[int] = None  # opened at the first lookup, closed with this object (as its reader goes)

    def _descriptor(self) -> int:
        """The file, held open: a rare phrase reads a few keys from each of 3-4 words in every segment, and
        opening the file for each read cost a fifth of counting it."""
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDONLY)
            weakref.finalize(self, os.close, self._fd)
        return self._fd

    def keys(self, field: str, tbytes: bytes) -> Optional[memoryview]:
        """The word's occurrences as sorted keys, or None when the file does not hold it (not in the segment,
        too far into a passage for a key, or left out by an older file)."""
        found = self._entry(field, tbytes)
        if found is None:
            return None
        at, count = found
        data = os.pread(self._descriptor(), 8 * count, self._base + at)
        if len(data) != 8 * count:
            raise OSError(f"{self._path}: phrase file cut short")
        return memoryview(data).cast("Q")

    def passages(self, field: str, tbytes: bytes) -> Optional[list[int]]:
        """The passages (local docnums, ascending) where the word occurs: its keys shifted, each passage's
        keys being next to each other; None when the file does not hold the word."""
        keys = self.keys(field, tbytes)
        if keys is None:
            return None
        if as_arrays(len(keys)):
            import numpy as np

            shifted = np.frombuffer(keys, dtype=np.int64) >> KEY_SHIFT
            first = np.empty(len(shifted), dtype=bool)
            first[:1] = True
            np.not_equal(shifted[1:], shifted[:-1], out=first[1:])
            return shifted[first].tolist()
        return list(dict.fromkeys(map(rshift, keys, repeat(KEY_SHIFT))))

    def count(self, field: str, tbytes: bytes) -> Optional[int]:
        """How many keys the word has here (None when the file does not hold it), without reading them."""
        found = self._entry(field, tbytes)
        return None if found is None else found[1]

    def _entry(self, field: str, tbytes: bytes) -> Optional[tuple[int, int]]:
        key = (field, tbytes)
        if key not in self._looked_up:
            if len(self._looked_up) >= LOOKUPS_KEPT:
                self._looked_up.clear()
            self._looked_up[key] = self._directory.get(field, {}).get(tbytes)
        return self._looked_up[key]

    def holds(self, field: str) -> bool:
        return field in self._directory


def open_for(leaf: Any) -> Optional[PhraseFile]:
    """The ``.phr`` file of a segment reader, opened once per reader; None when there is none or it is not
    one this code wrote (then phrases are read from the postings)."""
    held = leaf.__dict__.get("_searchkit_phr", False)
    if held is False:
        held = leaf.__dict__["_searchkit_phr"] = _open(leaf)
    return held


def _open(leaf: Any) -> Optional[PhraseFile]:
    segment, storage = getattr(leaf, "_segment", None), getattr(leaf, "_storage", None)
    if segment is None or storage is None:
        return None
    try:
        where = _where(segment, storage, segment.make_filename(EXT))
        if where is None:
            return None
        path, base, length = where
        magic = _read(path, base, len(MAGIC)) if length >= len(MAGIC) + _TAIL.size else b""
        if magic not in (MAGIC, OLD_MAGIC):
            return None
        start = _TAIL.unpack(_read(path, base + length - _TAIL.size, _TAIL.size))[0]
        directory = read_directory(magic, _read(path, base + start, length - _TAIL.size - start))
    except Exception:  # unreadable: the postings still answer, only slower
        return None
    return None if directory is None else PhraseFile(path, base, directory)


def read_directory(magic: bytes, raw: bytes) -> Optional[Directory]:
    """The directory pickled at the end of a file starting with ``magic``: a ``Table`` per field, or the
    dicts of an older file; None when its keys were written in another byte order."""
    order, directory = pickle.loads(raw)
    if order != sys.byteorder:
        return None
    if magic == OLD_MAGIC:
        return directory
    return {name: Table.load(dumped) for name, dumped in directory.items()}


def _read(path: str, offset: int, size: int) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.pread(fd, size, offset)
    finally:
        os.close(fd)


def _where(segment: Any, storage: Any, name: str) -> Optional[tuple[str, int, int]]:
    """(path, offset, length) of a segment's file on disk: inside its compound ``.seg`` file (Whoosh reads
    a compound segment through an ``OverlayStorage`` whose first storage is the compound one), or on its
    own; None when it is not there."""
    compound, plain = getattr(storage, "a", None), getattr(storage, "b", storage)
    folder = getattr(plain, "folder", None)
    if folder is None:
        return None
    if compound is not None and hasattr(compound, "range"):
        if not compound.file_exists(name):
            return None
        offset, length = compound.range(name)
        return os.path.join(folder, segment.make_filename(segment.COMPOUND_EXT)), offset, length
    path = os.path.join(folder, name)
    return (path, 0, os.path.getsize(path)) if os.path.exists(path) else None
