"""A ranked passage as the library hands it on: its stored fields, score and highlight spans (``Hit``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from searchkit import citation
from searchkit.highlight.fragments import stored_sentences
from searchkit.highlight.spans import Matchers, spans_for
from searchkit.ingest.offsets import OffsetMap


@dataclass
class Hit:
    """One ranked passage with its highlight spans (into ``text``) and the same spans in the document."""

    rank: int
    score: float
    doc_id: str
    passage_id: str
    para: int
    para_label: str
    title: str
    date: str
    source: str
    path: str
    kind: str
    speaker: str
    text: str
    spans: list[tuple[int, int]]
    doc_spans: list[tuple[int, int]]
    matched_forms: list[str]
    char_start: int
    char_end: int
    citation: str
    turn: str = ""  # question, answer or statement in a Q/A transcript; "" elsewhere
    question: str = ""  # an answer's question (passage id)
    answers: list[str] = field(default_factory=list)  # a question's answers (passage ids)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # for fragments; not in --json
    more: Optional[int] = None  # with --by-doc: the document's other matching passages
    explain: Optional[dict[str, float]] = None  # with --explain: the score's parts
    limits: Optional[list[str]] = None  # what the search left out to stay within its limits, if anything
    url: str = ""  # the source's address when known (for citations); not in --json
    answer: Optional[str] = None  # with --with-answers, under a question: the text of its answer's start


def make_hit(rank: int, score: Optional[float], stored: dict[str, Any], matchers: Matchers) -> Hit:
    text = stored.get("text", "")
    spans = spans_for(text, matchers) if matchers else []
    omap = OffsetMap.decode(text, stored.get("offsets", [])) if spans else None
    return Hit(
        rank=rank,
        score=round(float(score or 0.0), 4),
        doc_id=stored["doc_id"],
        passage_id=stored["passage_id"],
        para=stored["para"],
        para_label=stored.get("para_label", ""),
        title=stored.get("title", ""),
        date=stored.get("date", ""),
        source=stored.get("source", ""),
        path=stored.get("path", ""),
        kind=stored.get("kind", "body"),
        speaker=stored.get("speaker", ""),
        text=text,
        spans=spans,
        doc_spans=[omap.span_to_doc(s, e) for s, e in spans] if omap else [],
        matched_forms=sorted({text[s:e] for s, e in spans}),
        char_start=stored.get("char_start", 0),
        char_end=stored.get("char_end", 0),
        citation=citation.plain(stored),
        turn=stored.get("turn", ""),
        question=stored.get("question", ""),
        answers=list(stored.get("answers") or []),
        sentences=stored_sentences(stored.get("sentences"), text) or [],
        url=stored.get("url", ""),
    )
