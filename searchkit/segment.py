"""Splitting a document into paragraph passages with metadata.

Paragraphs are blank-line separated blocks for now. Each passage keeps an ``OffsetMap`` from its cleaned
text to the document's decoded text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .ingest import Document
from .offsets import OffsetMap, fold_space

_BLOCK_BREAK = re.compile(r"(?:\r\n|\r|\n)[ \t\f\v]*(?:\r\n|\r|\n)\s*")


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
    offsets: OffsetMap = field(default_factory=lambda: OffsetMap(""))

    @property
    def passage_id(self) -> str:
        suffix = f".{self.piece}" if self.piece else ""
        return f"{self.doc_id}#{self.para}{suffix}"


def blocks(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of the non-blank blocks of ``text``."""
    spans, start = [], 0
    for match in _BLOCK_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def segment(doc: Document) -> list[Passage]:
    """The passages of ``doc``, numbered 1.. in reading order."""
    spans = blocks(doc.text)
    title = doc.meta.get("title") or (fold_space(doc.text[slice(*spans[0])].splitlines()[0]) if spans else "")
    meta = {k: doc.meta[k] for k in ("date", "source", "speaker", "country", "url") if k in doc.meta}
    year = int(meta["date"][:4]) if meta.get("date", "")[:4].isdigit() else None
    passages = []
    for para, (start, end) in enumerate(spans, start=1):
        omap = OffsetMap.build(doc.text[start:end], start)
        passages.append(
            Passage(
                doc_id=doc.doc_id,
                para=para,
                text=omap.text,
                char_start=omap.to_doc(0),
                char_end=omap.to_doc_end(len(omap.text)),
                path=doc.path,
                title=title,
                year=year,
                offsets=omap,
                **meta,
            )
        )
    return passages
