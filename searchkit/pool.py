"""A posting pool that groups postings by term as they arrive, and the segment flush that writes them.

Whoosh's ``PostingPool`` keeps one tuple per posting and sorts them all; past its size estimate
(``limitmb``) it pickles every posting into a temporary run file and merges the runs back with heapq, and
the flush then reads each posting's field length back from the column file, one seek per posting. In an
index run that was most of the writing process's time. Postings arrive in increasing document order
(new passages, then merged segments, each numbered after the last), so grouping them by (field, term)
leaves only the distinct terms to sort, and the lengths can be read once per field. What is written is
byte for byte what Whoosh's own flush writes; past the memory budget the pool falls back to Whoosh's runs.
"""

from __future__ import annotations

from typing import Any, Optional

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool

POSTING_BYTES = 150  # what one grouped posting costs in memory (tuple, float, value bytes), roughly
_LENGTH_OF_BYTE: list[Optional[int]] = [None] + [byte_to_length(b) for b in range(1, 256)]


class TermPool(PostingPool):
    """``PostingPool`` with postings kept per term: ``{(fieldname, tbytes): [(docnum, weight, vbytes)]}``."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.terms: dict[tuple[str, bytes], list[tuple[int, float, Optional[bytes]]]] = {}
        self.count = 0
        self.budget = max(1, self.limit // POSTING_BYTES)

    def add(self, item: tuple[str, bytes, int, float, Optional[bytes]]) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        postings = self.terms.get((fieldname, tbytes))
        if postings is None:
            postings = self.terms[(fieldname, tbytes)] = []
            self.fieldnames.add(fieldname)
        postings.append((docnum, weight, vbytes))
        self.count += 1
        if self.count > self.budget:
            self.spill()

    def spill(self) -> None:
        """Write the grouped postings out as one sorted Whoosh run (memory budget reached)."""
        self.current = [(f, t, *posting) for (f, t), postings in sorted(self.terms.items()) for posting in postings]
        self.terms, self.count = {}, 0
        PostingPool.save(self)

    def iter_postings(self) -> Any:
        if self.terms:
            self.spill() if self.runs else self.current.extend(self.flat())
        return PostingPool.iter_postings(self)

    def flat(self) -> Any:
        for (fieldname, tbytes), postings in sorted(self.terms.items()):
            for docnum, weight, vbytes in postings:
                yield fieldname, tbytes, docnum, weight, vbytes

    def by_field(self) -> Optional[dict[str, list[tuple[bytes, list[Any]]]]]:
        """The postings by field, terms in order; None once anything went to a run file."""
        if self.runs:
            return None
        fields: dict[str, list[tuple[bytes, list[Any]]]] = {}
        for (fieldname, tbytes), postings in sorted(self.terms.items()):
            fields.setdefault(fieldname, []).append((tbytes, postings))
        return fields


def field_lengths(pdr: Any, fieldname: str) -> Any:
    """Every document's length of ``fieldname`` as ``doc_field_length`` reports it (None for 0)."""
    column = pdr._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if pdr is not None else None
    if column is None:
        return _Zero()
    return [_LENGTH_OF_BYTE[b] for b in column.load()]


class _Zero:
    def __getitem__(self, docnum: int) -> int:
        return 0


def flush_grouped(writer: Any) -> bool:
    """``SegmentWriter._flush_segment`` for a ``TermPool`` that kept everything in memory; False otherwise."""
    fields = writer.pool.by_field() if isinstance(writer.pool, TermPool) else None
    if fields is None:
        return False
    writer.perdocwriter.close()
    pdr = writer.per_document_reader() if writer.codec.length_stats else None
    fw = writer.fieldwriter
    try:
        for fieldname in sorted(fields):
            fw.start_field(fieldname, writer.schema[fieldname])
            lengths, add = field_lengths(pdr, fieldname), fw.add
            for tbytes, postings in fields[fieldname]:
                fw.start_term(tbytes)
                for docnum, weight, vbytes in postings:
                    add(docnum, weight, b"" if vbytes is None else vbytes, lengths[docnum])
                fw.finish_term()
            fw.finish_field()
        fw.close()
    finally:
        if pdr is not None:
            pdr.close()
    writer.pool.terms = {}
    return True
