"""A document's passages prepared for the index writer: everything but the document numbers.

An index run's writing process is the one part that cannot run in parallel, and with ``--jobs`` it also
unpickles what workers send. So workers hand over a document in the form the writer stores it: each
passage's stored fields already pickled and compressed as Whoosh's ``_stored`` column keeps them, field
lengths and column values per passage, and the postings grouped by term in flat arrays (a few objects per
field instead of four per posting). The writer numbers the passages and appends the arrays to its pool
(``pool.TermPool.add_document``); what ends up on disk is what ``add_document`` writes (tests/indexing/test_writer.py).
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from dataclasses import dataclass, field
from itertools import accumulate, chain, repeat
from operator import add
from typing import TYPE_CHECKING, Any, Optional

from searchkit.postings.phrasefile import KEY_SHIFT
from searchkit.postings.schema import Analyzed, analyze

if TYPE_CHECKING:
    from whoosh.fields import Schema

    from searchkit.ingest.passages import Passage

STORED_LEVEL = 3  # Whoosh's _stored column: PickleColumn(CompressedBytesColumn()), zlib level 3


@dataclass
class FieldPostings:
    """One field's postings in one document, term by term: the ``ends[k]`` and ``vends[k]`` of term k close
    its run of ``ids``/``weights``/``vlens`` and of ``vdata`` (the postings' value bytes, concatenated)."""

    terms: list[bytes] = field(default_factory=list)
    ends: array = field(default_factory=lambda: array("I"))
    vends: array = field(default_factory=lambda: array("I"))
    ids: array = field(default_factory=lambda: array("I"))  # passage number within the document
    weights: array = field(default_factory=lambda: array("d"))
    vlens: array = field(default_factory=lambda: array("I"))
    vdata: bytes = b""
    # A field with positions: each occurrence's (passage << KEY_SHIFT | position), term by term as above
    # (``kends[k]`` closes term k's run), for the segment's ``.phr`` file. None: not known for this document.
    keys: Optional[array] = None
    kends: array = field(default_factory=lambda: array("I"))


@dataclass
class Prepared:
    """A document's passages, as the writer stores them."""

    count: int
    stored: list[bytes]  # per passage: the _stored column's bytes (empty: nothing stored)
    # Per field name, in the order Whoosh meets them (sorted): each passage's length (None: not a scored
    # field) and column value (None: no value), or None for the whole list.
    fields: list[tuple[str, Optional[list[int]], Optional[list[Any]]]]
    postings: dict[str, FieldPostings]


def prepare(schema: "Schema", passages: list["Passage"]) -> Prepared:
    """Analyse ``passages`` (one document's, in order) into a ``Prepared``."""
    analyzed = [analyze(schema, p) for p in passages]
    stored = [stored_bytes(a) for a in analyzed]
    return Prepared(len(analyzed), stored, per_field(analyzed), grouped(analyzed))


def stored_bytes(a: Analyzed) -> bytes:
    """What ``add_document`` puts in the _stored column: the stored values' dict, pickled and compressed."""
    values = {name: value for name, value in a.stored.items() if value is not None}
    return zlib.compress(pickle.dumps(values, 2), STORED_LEVEL) if values else b""


def per_field(analyzed: list[Analyzed]) -> list[tuple[str, Optional[list[int]], Optional[list[Any]]]]:
    lengths: dict[str, list[int]] = {}
    columns: dict[str, list[Any]] = {}
    count = len(analyzed)
    for n, a in enumerate(analyzed):
        for name, _, length in a.postings:
            if length:
                lengths.setdefault(name, [0] * count)[n] = length
        for name, value in a.columns.items():
            columns.setdefault(name, [None] * count)[n] = value
    return [(name, lengths.get(name), columns.get(name)) for name in sorted(lengths.keys() | columns.keys())]


def grouped(analyzed: list[Analyzed]) -> dict[str, FieldPostings]:
    """Each field's postings by term (terms sorted; passage numbers ascending within a term)."""
    by_field: dict[str, list[Any]] = {}
    for n, a in enumerate(analyzed):
        for name, items, _ in a.postings:
            if not items:
                continue
            columns = by_field.get(name)
            if columns is None:
                columns = by_field[name] = [[], [], [], [], [] if name in a.positions else None]
            terms, _, weights, values = zip(*items)
            columns[0].extend([n] * len(items))
            columns[1].extend(terms)
            columns[2].extend(weights)
            columns[3].extend(values)
            if columns[4] is not None:
                held = a.positions.get(name)
                if held is None:  # this passage's positions are unknown: the document gets no keys
                    columns[4] = None
                else:
                    columns[4].extend(held)
    return {name: flatten(*columns) for name, columns in by_field.items()}


def flatten(ids: list[int], terms: list[bytes], weights: list[float], values: list[bytes],
            positions: Optional[list[list[int]]] = None) -> FieldPostings:
    """Postings in passage order regrouped by term: a stable sort keeps each term's passages in order."""
    order = sorted(range(len(terms)), key=terms.__getitem__)
    values = [values[i] or b"" for i in order]
    vlens = array("I", [len(v) for v in values])
    out = FieldPostings(ids=array("I", [ids[i] for i in order]), weights=array("d", [weights[i] for i in order]),
                        vlens=vlens, vdata=b"".join(values))
    last, vsize = None, 0
    for k, i in enumerate(order):
        term = terms[i]
        if term != last:
            if last is not None:
                out.ends.append(k)
                out.vends.append(vsize)
            out.terms.append(term)
            last = term
        vsize += vlens[k]
    if last is not None:
        out.ends.append(len(order))
        out.vends.append(vsize)
    if positions is not None:
        out.keys, out.kends = sorted_keys(positions, order, out.ids, out.ends)
    return out


def sorted_keys(positions: list[list[int]], order: list[int], ids: array, ends: array) -> tuple[array, array]:
    """The postings' keys (``ids[k] << KEY_SHIFT | position``) in ``order``, and where each term's run of
    them ends (``ends``: where each term's run of postings ends). Only C-level iterators, no Python loop
    per occurrence: this runs for every word of the corpus."""
    moved = list(map(positions.__getitem__, order))
    counts = list(map(len, moved))
    upto = [0, *accumulate(counts)]
    bases = chain.from_iterable(map(repeat, map((1 << KEY_SHIFT).__mul__, ids), counts))
    keys = array("Q", map(add, bases, chain.from_iterable(moved)))
    return keys, array("I", map(upto.__getitem__, ends))
