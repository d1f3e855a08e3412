"""Splitting a document into paragraph passages with metadata.

The layout module finds the paragraphs; here each becomes cleaned text (wrapped lines joined, line-end
hyphenation repaired, the UN record's paragraph number moved to ``para_label``) with an ``OffsetMap``
back to the document's decoded text. Kinds, document metadata and speakers come from their own modules;
a paragraph over ``MAX_WORDS`` words becomes consecutive pieces cut at Punkt's sentence ends.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from searchkit.ingest.files import Document
from searchkit.ingest.hyphens import Evidence, Vocabulary
from searchkit.ingest.kinds import classify
from searchkit.ingest.layout import LABEL, Block, detect_layout, given_layout
from searchkit.ingest.lines import Line, split_lines
from searchkit.ingest.markers import named_turns
from searchkit.ingest.metadata import document_meta, speakers, strip_debris
from searchkit.ingest.offsets import OffsetMap, Piece
from searchkit.ingest.sentences import Sentencer
from searchkit.ingest.turns import find_turns, link_turns

# An unpunctuated number opens a paragraph only when it continues the document's numbering ("82 I ...").
_BARE_LABEL = re.compile(r"(\d{1,3}) +(?=[A-Z\"“])")
MAX_WORDS = 250  # a longer paragraph is cut at sentence ends into pieces doc_id#para.k


@dataclass
class Passage:
    """One paragraph (or one piece of a long paragraph) of a document, ready to index."""

    doc_id: str
    para: int
    text: str
    char_start: int
    char_end: int
    path: str = ""
    kind: str = "body"
    title: str = ""
    para_label: str = ""
    piece: int = 0  # k for the k-th piece of a long paragraph; 0 when the paragraph is whole
    date: str = ""
    date_inferred: bool = False
    year: Optional[int] = None
    source: str = ""
    place: str = ""
    country: str = ""
    speaker: str = ""
    url: str = ""
    turn: str = ""  # question, answer or statement in a Q/A transcript (turns.py)
    question: str = ""  # an answer's question (passage id)
    answers: list[str] = field(default_factory=list)  # a question's answers (passage ids)
    title_indexed: bool = True  # False when the title shown is the lead sentence, not a headline
    page_start: int = 0  # a PDF's pages the passage runs over (0: the format has no pages)
    page_end: int = 0
    symbol: str = ""  # the document's UN symbol ("S/2018/221")
    ocr: bool = False  # the text was read from page images
    sentences: list[tuple[int, int]] = field(default_factory=list)  # [start, end) offsets into text
    offsets: OffsetMap = field(default_factory=lambda: OffsetMap(""))

    @property
    def passage_id(self) -> str:
        suffix = f".{self.piece}" if self.piece else ""
        return f"{self.doc_id}#{self.para}{suffix}"


@dataclass
class Paragraph:
    """A paragraph's cleaned text and map, before it becomes one or more passages."""

    omap: OffsetMap
    label: str = ""
    kind: str = "body"
    speaker: str = ""


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of a document's decoded text, in reading order, labels split off."""
    return read_layout(text)[0]


def read_layout(text: str, corpus: Optional[Evidence] = None, given: bool = False) -> tuple[list[Paragraph], str]:
    """The paragraphs of a document and the name of its layout (blank, line, wrapped; given when a page, PDF
    or Word reader found them); ``corpus`` is what the corpus says of line-end hyphens (hyphens.py)."""
    lines = split_lines(text)
    layout = given_layout(lines) if given else detect_layout(lines)
    vocab = Vocabulary(text, corpus)
    paras = [Paragraph(assemble(lines, block, vocab)) for block in layout.blocks]
    split_labels(paras)
    return [p for p in paras if p.omap.text], layout.name


def assemble(lines: list[Line], block: Block, vocab: Vocabulary) -> OffsetMap:
    """One paragraph's text from its lines: a space at each line break, hyphenation repaired."""
    pieces: list[Piece] = []
    for k, index in enumerate(block.lines):
        line = lines[index]
        own = list(line.pieces)
        join = block.joins[k] if k < len(block.joins) else ""
        if join == "hyphen":
            if vocab.drop_hyphen(line.text, lines[block.lines[k + 1]].text):
                last = own[-1]
                own[-1] = (last[0][:-1], *last[1:])  # type: ignore[assignment]
        pieces.extend(own)
        if join == " " and own:
            last = own[-1]
            pieces.append((" ", last[1] + (last[2] if len(last) > 2 and last[2] else len(last[0]))))  # type: ignore[misc]
    return OffsetMap.from_pieces(pieces)


def split_labels(paras: list[Paragraph]) -> None:
    """Move the document's own paragraph numbers (``33: ``, ``34.\\t``, ``29. ``) to ``label``.

    Only in a document numbered that way throughout, so that a list item "1. " elsewhere stays text.
    """
    found = [LABEL.match(p.omap.text) for p in paras]
    if sum(1 for m in found if m) < max(3, len(paras) // 3):
        split_numbered_runs(paras, found)
        return
    previous = 0
    for para, match in zip(paras, found):
        if match is None:
            bare = _BARE_LABEL.match(para.omap.text)
            match = bare if bare and int(bare.group(1)) == previous + 1 else None
        if match is None:
            continue
        para.label = match.group(1)
        previous = int(para.label)
        para.omap = para.omap.slice(match.end(), len(para.omap.text))


RUN = 3  # consecutive paragraphs numbered n, n+1, n+2...: the document's own numbering, in part of it


def split_numbered_runs(paras: list[Paragraph], found: list[Optional[re.Match[str]]]) -> None:
    """In a document numbered only in part (a speech whose first paragraphs carry ``1.``, ``2.``...),
    move the numbers of each run of ``RUN`` or more consecutively numbered paragraphs to ``label``, so
    that no passage begins with its own paragraph number."""
    start = 0
    while start < len(paras):
        end = start
        while end < len(paras) and found[end] and (
                end == start or int(found[end].group(1)) == int(found[end - 1].group(1)) + 1):
            end += 1
        if end - start >= RUN:
            for para, match in zip(paras[start:end], found[start:end]):
                para.label = match.group(1)
                para.omap = para.omap.slice(match.end(), len(para.omap.text))
        start = max(end, start + 1)


def split_document(doc: Document, sentencer: Optional[Sentencer] = None,
                   corpus: Optional[Evidence] = None) -> list[Passage]:
    """The passages of ``doc``, numbered 1.. in reading order, with the document's metadata."""
    paras, layout = read_layout(doc.text, corpus, doc.layout == "given")
    for para in paras:
        para.omap = para.omap.slice(0, strip_debris(para.omap.text))
    texts = [p.omap.text for p in paras]
    kinds, headline = classify(texts, doc.meta.get("title", ""), page=layout == "blank" or doc.path.lower().endswith(
        (".html", ".htm")))
    for i, para in enumerate(paras):
        kinds[i] = doc.kind_at(para.omap.to_doc(0)) or kinds[i]
    info = document_meta(doc.doc_id, doc.meta, texts, kinds, headline)
    who = named_turns(texts, speakers(texts, info.speaker))
    sentencer = sentencer or default_sentencer()
    passages = []
    for number, (para, kind, speaker) in enumerate(zip(paras, kinds, who), start=1):
        spans = sentencer.spans(para.omap.text)
        cuts = split_long(para.omap.text, spans)
        for piece, (start, end) in enumerate(cuts, start=1 if len(cuts) > 1 else 0):
            omap = para.omap.slice(start, end) if len(cuts) > 1 else para.omap
            passages.append(Passage(
                doc_id=doc.doc_id, para=number, text=omap.text, char_start=omap.to_doc(0),
                char_end=omap.to_doc_end(len(omap.text)), path=doc.path, kind=kind, title=info.title,
                para_label=para.label, piece=piece, date=info.date, date_inferred=info.date_inferred,
                year=info.year, source=info.source, place=info.place, country=info.country, speaker=speaker,
                url=info.url, title_indexed=info.title_indexed, offsets=omap,
                page_start=doc.page_at(omap.to_doc(0)), page_end=doc.page_at(omap.to_doc_end(len(omap.text)) - 1),
                symbol=doc.meta.get("symbol", ""), ocr=doc.meta.get("ocr") == "true",
                sentences=[(s - start, e - start) for s, e in spans if s >= start and e <= end],
            ))
    link_turns(passages, find_turns(who, kinds))
    return passages


def split_long(text: str, spans: list[tuple[int, int]], limit: int = MAX_WORDS) -> list[tuple[int, int]]:
    """A paragraph over ``limit`` words cut at sentence ends into pieces of about equal length."""
    words = len(text.split())
    if words <= limit or len(spans) < 2:
        return [(0, len(text))]
    target = words / math.ceil(words / limit)
    cuts, start, count = [], spans[0][0], 0
    for i, (s, e) in enumerate(spans):
        n = len(text[s:e].split())
        if count and count + n / 2 > target:  # this sentence lies mostly past the target: cut before it
            cuts.append((start, spans[i - 1][1]))
            start, count = s, 0
        count += n
    cuts.append((start, spans[-1][1]))
    return cuts


@lru_cache(maxsize=1)
def default_sentencer() -> Sentencer:
    """Punkt with no training (common abbreviations only), for segmenting outside an index."""
    from nltk.tokenize.punkt import PunktParameters

    return Sentencer(PunktParameters())
