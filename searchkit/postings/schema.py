"""What the index stores and indexes for a passage: the Whoosh schema, and a passage analyzed for it.

``make_schema`` names every field; ``passage_fields`` fills them from an ingested ``Passage``; ``analyze``
turns a passage into what ``SegmentWriter.add_document`` would compute, as plain picklable data, so that
analysis (most of indexing's cost) can run in worker processes apart from the writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from whoosh.columns import RefBytesColumn
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema

from searchkit.analysis.chain import ACRONYM_ANALYZER, ANALYZER
from searchkit.ingest.countries import names as country_names
from searchkit.postings.encode import index_field

if TYPE_CHECKING:  # segmentation is indexing's business: a search does not import it
    from searchkit.ingest.passages import Passage


def facet() -> RefBytesColumn:
    """A column of few distinct values (kinds, countries, speakers, months): each value once per segment
    and a one- or two-byte reference per passage, read whole when counting (``postings/columns.py``)."""
    return RefBytesColumn()


def make_schema() -> Schema:
    text = dict(analyzer=ANALYZER, stored=True, phrase=True)
    facet_text = dict(text, sortable=facet())
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True, sortable=True),  # a column: --by-doc groups every matching passage
        para=STORED,  # never searched: a NUMERIC field would index 8 tiered terms for every passage
        piece=STORED,
        para_label=STORED,
        path=STORED,
        kind=ID(stored=True, sortable=facet()),
        title=TEXT(**text),
        text=TEXT(**text),
        date=ID(stored=True, sortable=True),  # a column: --sort date
        date_inferred=STORED,
        year=NUMERIC(int, bits=16, shift_step=16, stored=True),  # one term a passage; a year range is short
        month=COLUMN(facet()),  # YYYY-MM (or YYYY): what counts per year and month group by
        source=TEXT(**facet_text),
        place=TEXT(**text),
        country=TEXT(**facet_text),  # indexed: the code and every English name; stored and column: the code
        speaker=TEXT(**facet_text),
        turn=ID(stored=True, sortable=facet()),  # question, answer, statement: in Q/A transcripts only
        question=STORED,  # an answer's question (a passage id)
        answers=STORED,  # a question's answers (passage ids)
        url=STORED,
        page_start=STORED,  # a PDF's pages; 0 (not stored) for other formats
        page_end=STORED,
        symbol=ID(stored=True),  # indexed lower-cased, stored as printed: `symbol:s/2018/221`
        ocr=STORED,
        char_start=STORED,
        char_end=STORED,
        offsets=STORED,
        sentences=STORED,
        caps=TEXT(analyzer=ACRONYM_ANALYZER, phrase=False),  # acronyms as written: `DOC` is not "doc"
    )


# Indexed between a passage's sentences (a letter no one types, so a word of its own): it takes a position,
# so no phrase matches across a sentence end ("United Nations. On Security Council" is no "United Nations
# Security Council"). The stored text has none.
SENTENCE_BREAK = "ǁ"


def with_sentence_breaks(text: str, sentences: list[tuple[int, int]]) -> str:
    """``text`` with ``SENTENCE_BREAK`` before every sentence but the first.

    >>> with_sentence_breaks("We met. They left.", [(0, 7), (8, 18)])
    'We met. ǁ They left.'
    """
    out, last = [], 0
    for start, _ in sentences[1:]:
        out += [text[last:start], SENTENCE_BREAK, " "]
        last = start
    out.append(text[last:])
    return "".join(out)


def passage_fields(p: Passage) -> dict[str, Any]:
    """The stored and indexed fields of one passage (empty values left out)."""
    fields = dict(
        passage_id=p.passage_id, doc_id=p.doc_id, para=p.para, piece=p.piece, para_label=p.para_label,
        path=p.path, kind=p.kind, title=p.title, text=p.text, date=p.date, date_inferred=p.date_inferred,
        year=p.year, month=p.date[:7].encode() if p.date else None, source=p.source, place=p.place,
        country=p.country, speaker=p.speaker, url=p.url, turn=p.turn, question=p.question,
        answers=p.answers or None, page_start=p.page_start or None, page_end=p.page_end or None,
        symbol=p.symbol.lower(), ocr=p.ocr or None,
        char_start=p.char_start, char_end=p.char_end, offsets=p.offsets.encode(),
        sentences=[n for span in p.sentences for n in span],
        caps=f"{p.title}\n{p.text}" if p.title_indexed else p.text,
    )
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    if len(p.sentences) > 1:  # indexed with a break between sentences; stored as written
        fields["text"], fields["_stored_text"] = with_sentence_breaks(p.text, p.sentences), p.text
    if p.country:
        fields["country"] = " ".join([p.country, *country_names(p.country)])
        fields["_stored_country"] = p.country
    if p.symbol:
        fields["_stored_symbol"] = p.symbol
    if p.title and not p.title_indexed:  # a lead sentence shown as the title earns no title boost
        fields["title"], fields["_stored_title"] = "", p.title
    return fields


@dataclass
class Analyzed:
    """A passage analyzed for one schema: stored values, column values, and per indexed field its postings
    and length. Analysis is most of indexing's cost; done apart from the writer it can run in worker processes.
    """

    stored: dict[str, Any]
    postings: list[tuple[str, list[tuple[bytes, int, float, bytes]], int]]
    columns: dict[str, Any] = field(default_factory=dict)
    # Per field with positions: each posting's positions, for the .phr keys (None: a field Whoosh indexed)
    positions: dict[str, list[list[int]]] = field(default_factory=dict)


def analyze(schema: Schema, passage: Passage) -> Analyzed:
    """What ``SegmentWriter.add_document`` would compute for ``passage``, as plain picklable data (and the
    positions of its fields with positions, for the ``.phr`` keys: see ``encode.index_field``)."""
    fields = passage_fields(passage)
    result = Analyzed({}, [])
    for name, value in sorted(fields.items()):
        if name.startswith("_"):
            continue
        fieldtype = schema[name]
        if fieldtype.indexed:
            positions: list[list[int]] = []
            items = index_field(fieldtype, value, positions)  # Whoosh's own postings, computed by encode.py
            if positions and len(positions) == len(items):
                result.positions[name] = positions
            length = sum(map(itemgetter(1), items)) if fieldtype.scorable else 0  # the frequencies
            result.postings.append((name, items, length))
        # As add_document does: "_stored_<name>" is stored (and put in the column) in place of the value.
        custom = fields.get(f"_stored_{name}", value)
        result.stored[name] = custom if fieldtype.stored else None
        if fieldtype.column_type and custom is not None:
            result.columns[name] = fieldtype.to_column_value(custom)
    return result
