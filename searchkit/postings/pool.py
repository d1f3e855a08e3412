"""A posting pool that keeps postings by term in flat arrays, and the segment flush that writes them.

Whoosh's ``PostingPool`` keeps one tuple per posting and sorts them all; past its size estimate
(``limitmb``) it pickles every posting into a temporary run file and merges the runs back with heapq; its
flush then reads each posting's field length back from the column file and hands postings one at a time
to the postings writer. In an index run that was most of the writing process's time. Postings arrive in
increasing document order (new passages, then merged segments, each numbered after the last), so keeping
them per (field, term) in arrays (document numbers, weights, value lengths, value bytes: about 20 bytes a
posting) leaves only the distinct terms to sort, and the flush fills Whoosh's postings writer a block at a
time. What is written is byte for byte what Whoosh's own flush writes (tests/postings/test_encode.py); past the
memory budget the pool falls back to Whoosh's run files.
"""

from __future__ import annotations

from array import array
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Iterator, Optional

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool

from searchkit.postings import phrasefile
from searchkit.postings.blocks import positions_decoder
from searchkit.postings.phrasefile import KEY_SHIFT

if TYPE_CHECKING:
    from searchkit.postings.prepare import FieldPostings

POSTING_BYTES = 20  # one posting in the arrays (document number, weight, value length, ~3 value bytes)
KEY_BYTES = 8  # one occurrence's key (phrasefile.py)
TERM_BYTES = 400  # one term's key and its four arrays
_LENGTH_OF_BYTE: list[Optional[int]] = [None] + [byte_to_length(b) for b in range(1, 256)]

# docnums "I", weights "d", value lengths "I", value bytes, and the occurrences' keys "Q" for the .phr file
# (None once a posting came without them: they are then decoded from the values when written).
Entry = list[Any]


def new_entry() -> Entry:
    return [array("I"), array("d"), array("I"), bytearray(), array("Q")]


class TermPool(PostingPool):
    """``PostingPool`` with postings kept per term: ``{fieldname: {tbytes: Entry}}``."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.terms: dict[str, dict[bytes, Entry]] = {}
        self.count = 0  # postings held
        self.vbytes = 0  # value bytes held
        self.held = 0  # terms held
        self.keys = 0  # occurrence keys held

    def memory(self) -> int:
        """Roughly what the held postings cost in memory, in bytes."""
        return self.count * POSTING_BYTES + self.vbytes + self.held * TERM_BYTES + self.keys * KEY_BYTES

    def field(self, fieldname: str) -> dict[bytes, Entry]:
        terms = self.terms.get(fieldname)
        if terms is None:
            terms = self.terms[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item: tuple[str, bytes, int, float, Optional[bytes]]) -> None:
        """One posting (Whoosh's interface: segments merged at commit time come this way)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self.field(fieldname)
        entry = terms.get(tbytes)
        if entry is None:
            entry = terms[tbytes] = new_entry()
            self.held += 1
        vbytes = vbytes or b""
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(len(vbytes))
        entry[3].extend(vbytes)
        entry[4] = None  # merged in from a segment: keys come from the values when written
        self.count += 1
        self.vbytes += len(vbytes)
        self.check_budget()

    def add_document(self, base: int, postings: dict[str, "FieldPostings"]) -> None:
        """A prepared document's postings, its passages numbered from ``base``. The busiest loop of the
        writing process (once per term of each field of each document): kept to in-place array appends."""
        for fieldname, fp in postings.items():
            terms = self.field(fieldname)
            get = terms.get
            ids = array("I", [base + n for n in fp.ids])
            weights, vlens, vdata = fp.weights, fp.vlens, fp.vdata
            keys = fp.keys
            if keys is not None and base:
                keys = array("Q", map((base << KEY_SHIFT).__add__, keys))
            start = vstart = kstart = new = 0
            for tbytes, end, vend, kend in zip(fp.terms, fp.ends, fp.vends, fp.kends or fp.ends):
                entry = get(tbytes)
                if entry is None:
                    entry = terms[tbytes] = new_entry()
                    new += 1
                docnums, weighted, sizes, values, held = entry
                docnums += ids[start:end]
                weighted += weights[start:end]
                sizes += vlens[start:end]
                values += vdata[vstart:vend]
                if held is not None:
                    if keys is None:
                        entry[4] = None
                    else:
                        held += keys[kstart:kend]
                start, vstart, kstart = end, vend, kend
            self.count += len(ids)
            self.vbytes += len(vdata)
            self.keys += len(keys) if keys is not None else 0
            self.held += new
        self.check_budget()

    def check_budget(self) -> None:
        if self.memory() > self.limit:
            self.spill()

    def spill(self) -> None:
        """Write the held postings out as one sorted Whoosh run (memory budget reached)."""
        self.current = list(self.flat())
        self.terms, self.count, self.vbytes, self.held, self.keys = {}, 0, 0, 0, 0
        PostingPool.save(self)

    def iter_postings(self) -> Any:
        if self.terms:
            self.spill() if self.runs else self.current.extend(self.flat())
            self.terms, self.count, self.vbytes, self.held, self.keys = {}, 0, 0, 0, 0
        return PostingPool.iter_postings(self)

    def flat(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for fieldname, terms in sorted(self.terms.items()):
            for tbytes, (ids, weights, vlens, vdata, _) in sorted(terms.items()):
                offset = 0
                for docnum, weight, size in zip(ids, weights, vlens):
                    yield fieldname, tbytes, docnum, weight, bytes(vdata[offset:offset + size])
                    offset += size

    def by_field(self) -> Optional[dict[str, list[tuple[bytes, Entry]]]]:
        """The postings by field, terms in order; None once anything went to a run file."""
        if self.runs:
            return None
        return {fieldname: sorted(terms.items()) for fieldname, terms in self.terms.items() if terms}


def add_document(pool: Any, base: int, postings: dict[str, "FieldPostings"]) -> None:
    """A prepared document's postings into ``pool``: a ``TermPool``, or Whoosh's own one posting at a time."""
    if isinstance(pool, TermPool):
        pool.add_document(base, postings)
        return
    for fieldname, fp in postings.items():
        start = vstart = 0
        for tbytes, end in zip(fp.terms, fp.ends):
            for n in range(start, end):
                value = fp.vdata[vstart:vstart + fp.vlens[n]]
                pool.add((fieldname, tbytes, base + fp.ids[n], fp.weights[n], value))
                vstart += fp.vlens[n]
            start = end


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
            lengths = field_lengths(pdr, fieldname)
            for tbytes, entry in fields[fieldname]:
                fw.start_term(tbytes)
                write_blocks(fw._postwriter, entry, lengths)
                fw.finish_term()
            fw.finish_field()
        fw.close()
        formats = {name: writer.schema[name].format for name in fields}
        positional = {name: terms for name, terms in fields.items() if formats[name].supports("positions")}
        decoders = {name: positions_decoder(formats[name]) for name in positional}
        phrasefile.write(writer.get_segment(), writer.storage, positional, decoders)
    finally:
        if pdr is not None:
            pdr.close()
    writer.pool.terms = {}
    return True


def write_blocks(pw: Any, entry: Entry, lengths: Any) -> None:
    """Fill Whoosh's ``W3PostingsWriter`` with one term's postings a block at a time, leaving it in the
    state its ``add_posting`` calls would: every full block written, the last one buffered for
    ``finish_postings``. The block statistics are the ones ``add_posting`` keeps (lengths: only non-zero;
    max weight: from 0, the weights as given, before the block stores them as 32-bit floats)."""
    ids, weights, vlens, vdata, _ = entry
    limit, total, offset = pw._blocklimit, len(ids), 0
    data = bytes(vdata)
    for start in range(0, total, limit):
        end = min(start + limit, total)
        block = ids[start:end]
        given = weights[start:end]
        # The block's values cut from the bytes with C-level iterators (this runs for every posting):
        # an empty value is not kept, as add_posting does not keep it.
        bounds = list(accumulate(vlens[start:end], initial=offset))
        offset = bounds[-1]
        values = list(filter(None, map(data.__getitem__, map(slice, bounds, bounds[1:]))))
        known = list(filter(None, map(lengths.__getitem__, block)))
        heaviest = max(given)
        pw._ids, pw._weights, pw._values = block, array("f", given), values
        pw._maxweight = heaviest if heaviest > 0 else 0
        pw._minlength, pw._maxlength = (min(known), max(known)) if known else (None, 0)
        if end < total:
            pw._write_block()
