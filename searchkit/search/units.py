"""What ranking ranks: passages, or (for ``--by-doc``) whole documents made of them.

BM25F needs, per unit, each field's term frequency and length. A passage has its own; a document's are
summed over its passages (its title, repeated on every passage, counts once). Scoring gathers raw
frequencies per passage and lets the unit turn them into BM25F's weighted, length-normalised frequency.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from operator import itemgetter
from typing import Any, Iterator, Optional

from searchkit.postings.readers import Postings, length_of_code
from searchkit.search import parameters

NORM_FIELD = {"caps": "text"}  # acronyms are normalised by the passage's length, not by how many it has
SHARED_FIELDS = ("title",)  # the same on every passage of a document

Raw = dict[str, dict[int, float]]  # field -> passage docnum -> term (or phrase) frequency
Scores = dict[int, float]  # unit -> score


class ArrayFreqs(Mapping):
    """A field's frequencies per passage held as two numpy arrays (docnums ascending, frequencies): read
    as a dict only by whoever asks (a dict of tens of thousands costs more than scoring it)."""

    def __init__(self, ids: Any, tfs: Any) -> None:
        self.ids, self.tfs = ids, tfs
        self._dict: Optional[dict[int, float]] = None

    def as_dict(self) -> dict[int, float]:
        if self._dict is None:
            self._dict = dict(zip(self.ids.tolist(), self.tfs.tolist()))
        return self._dict

    def __getitem__(self, d: int) -> float:
        return self.as_dict()[d]

    def __iter__(self) -> Iterator[int]:
        return iter(self.as_dict())

    def __len__(self) -> int:
        return len(self.ids)

    def within(self, keep: set[int]) -> dict[int, float]:
        import numpy as np

        mask = np.isin(self.ids, np.fromiter(keep, dtype=np.int64, count=len(keep)))
        return dict(zip(self.ids[mask].tolist(), self.tfs[mask].tolist()))


def within(freqs: Any, keep: set[int]) -> dict[int, float]:
    """The frequencies of the passages in ``keep``."""
    if isinstance(freqs, ArrayFreqs):
        return freqs.within(keep)
    return {d: freqs[d] for d in freqs.keys() & keep}


class Passages:
    """Passages ranked on their own."""

    by_doc = False

    def __init__(self, post: Postings) -> None:
        self.post = post
        self.count = post.doc_count

    def norms(self, field: str) -> tuple[bytes, list[float]]:
        """Each passage's length code, and per code the factor that weights and length-normalises a
        frequency (the same for every term: kept per searcher)."""
        weight, b = parameters.FIELD_WEIGHTS.get(field, 1.0), parameters.B
        key = ("norms", field, weight, b)
        if key not in self.post.cache:
            norm_field = NORM_FIELD.get(field, field)
            avg = self.post.avg_length(norm_field)
            self.post.cache[key] = (self.post.length_bytes(norm_field),
                                    [weight / (1.0 - b + b * length_of_code(i) / avg) for i in range(256)])
        return self.post.cache[key]

    def combine(self, raw: Raw) -> dict[int, float]:
        """Per passage, the weighted, length-normalised frequencies summed over fields."""
        acc: dict[int, float] = {}
        for field, freqs in raw.items():
            codes, norm = self.norms(field)
            if not acc:
                acc = {d: tf * norm[codes[d]] for d, tf in freqs.items()}
                continue
            get = acc.get
            for d, tf in freqs.items():
                acc[d] = get(d, 0.0) + tf * norm[codes[d]]
        return acc

    def passages(self, units: list[int]) -> list[int]:
        return sorted(units)

    def unit_of(self, docnum: int) -> int:
        return docnum


class Documents:
    """Documents ranked as wholes: frequencies and lengths summed over their passages."""

    by_doc = True

    def __init__(self, post: Postings) -> None:
        self.post = post
        key = ("documents",)
        if key not in post.cache:
            post.cache[key] = document_map(post)
        self.of, self.members, self.names = post.cache[key]
        self.count = max(len(self.members), 1)
        self._norms: dict[str, list[float]] = {}

    def norms(self, field: str) -> list[float]:
        """Per document, the factor that weights and length-normalises a frequency in ``field``."""
        if field not in self._norms:
            norm_field = NORM_FIELD.get(field, field)
            codes = self.post.length_bytes(norm_field)
            lengths = [0.0] * len(self.members)
            for doc, passages in enumerate(self.members):
                values = [length_of_code(codes[d]) for d in passages]
                lengths[doc] = max(values) if norm_field in SHARED_FIELDS else sum(values)
            avg = max(sum(lengths) / max(len(lengths), 1), 1.0)
            weight, b = parameters.FIELD_WEIGHTS.get(field, 1.0), parameters.B
            self._norms[field] = [weight / (1.0 - b + b * n / avg) for n in lengths]
        return self._norms[field]

    def combine(self, raw: Raw) -> dict[int, float]:
        acc: dict[int, float] = {}
        of = self.of
        for field, freqs in raw.items():
            per_doc: dict[int, float] = {}
            get = per_doc.get
            if field in SHARED_FIELDS:
                for d, tf in freqs.items():
                    per_doc[of[d]] = max(get(of[d], 0.0), tf)
            else:
                for d, tf in freqs.items():
                    per_doc[of[d]] = get(of[d], 0.0) + tf
            norm = self.norms(field)
            for doc, tf in per_doc.items():
                acc[doc] = acc.get(doc, 0.0) + tf * norm[doc]
        return acc

    def passages(self, units: list[int]) -> list[int]:
        return sorted(d for u in units for d in self.members[u])

    def unit_of(self, docnum: int) -> int:
        return self.of[docnum]


def document_map(post: Postings) -> tuple[list[int], list[list[int]], list[str]]:
    """docnum -> document number, document number -> its passages (docnums), and the documents' ids."""
    reader = post.reader
    of = [-1] * reader.doc_count_all()
    members: list[list[int]] = []
    names: list[str] = []
    numbers: dict[str, int] = {}
    column = reader.column_reader("doc_id") if reader.has_column("doc_id") else None
    for docnum in reader.all_doc_ids():
        name = column[docnum] if column is not None else post.searcher.stored_fields(docnum)["doc_id"]
        number = numbers.get(name)
        if number is None:
            number = numbers[name] = len(names)
            names.append(name)
            members.append([])
        of[docnum] = number
        members[number].append(docnum)
    return of, members, names


def make_units(post: Postings, by_doc: bool) -> Any:
    return Documents(post) if by_doc else Passages(post)


def best_first(scores: Scores, n: Optional[int] = None) -> list[int]:
    """The ``n`` best units (all by default), best first, ties by number: exactly
    ``sorted(scores, key=lambda d: (-scores[d], d))[:n]``, with the sorting done in C (no key function),
    and for a few out of many, only the scores at or above the n-th best are sorted.

    >>> best_first({5: 1.0, 2: 3.0, 9: 1.0, 1: 1.0})
    [2, 1, 5, 9]
    >>> best_first({5: 1.0, 2: 3.0, 9: 1.0, 1: 1.0}, 2)
    [2, 1]
    """
    items: Any = scores.items()
    if n is not None and n < len(scores) // 4:
        if n <= 0:
            return []
        floor = heapq.nlargest(n, scores.values())[-1]
        items = [(d, s) for d, s in items if s >= floor]
    ordered = sorted(sorted(items), key=itemgetter(1), reverse=True)  # stable: ties keep number order
    return [d for d, _ in ordered[:n]]
