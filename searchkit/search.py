"""Ranking passages for a query: parse (never failing on raw input), score with BM25F, highlight."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from whoosh import query as wq
from whoosh.qparser import MultifieldParser, OrGroup
from whoosh.scoring import BM25F

from . import citation
from .analysis import terms
from .errors import QueryError
from .highlight import Matchers, matchers_for, spans_for
from .index import Store
from .offsets import OffsetMap
from .snippet import stored_sentences

FIELD_BOOSTS = {"title": 2.0, "text": 1.0}


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
    sentences: list[tuple[int, int]] = field(default_factory=list)  # for fragments; not in --json


@dataclass
class SearchResult:
    query: str
    parsed: str
    total: int
    page: int
    hits: list[Hit] = field(default_factory=list)


def parse(store: Store, text: str) -> Any:
    """The Whoosh query for ``text``; input the parser cannot use is searched as plain words."""
    if not text.strip():
        raise QueryError("empty query; give some words to search for")
    parser = MultifieldParser(list(FIELD_BOOSTS), store.ix.schema, fieldboosts=FIELD_BOOSTS, group=OrGroup)
    try:
        parsed = parser.parse(text)
    except Exception:  # Whoosh's parser can raise on odd input; raw input must never fail
        parsed = wq.NullQuery
    if is_empty(parsed):
        parsed = words_query(text)
    return parsed


def is_empty(parsed: Any) -> bool:
    return parsed is wq.NullQuery or all(leaf is wq.NullQuery for leaf in parsed.leaves())


def words_query(text: str) -> Any:
    """An OR of the analyzed words of ``text`` over the text fields (NullQuery when there are none)."""
    words = terms(text)
    if not words:
        return wq.NullQuery
    return wq.Or([wq.Term(f, w, boost=b) for w in dict.fromkeys(words) for f, b in FIELD_BOOSTS.items()])


DEFAULT_KINDS = ("title", "body")  # captions, boilerplate and teasers only when asked for


def search(store: Store, text: str, limit: int = 10, page: int = 1, highlight: bool = True,
           kinds: Optional[tuple[str, ...]] = DEFAULT_KINDS) -> SearchResult:
    """The ``page``-th ``limit`` best passages for ``text`` (without spans when not ``highlight``)."""
    parsed = parse(store, text)
    result = SearchResult(text, str(parsed), 0, page)
    if parsed is wq.NullQuery:
        return result
    with store.ix.searcher(weighting=BM25F()) as searcher:
        only = wq.Or([wq.Term("kind", k) for k in kinds]) if kinds else None
        page_hits = searcher.search_page(parsed, page, pagelen=limit, filter=only)
        result.total = page_hits.total
        matchers = matchers_for(parsed, searcher.reader()) if highlight else Matchers()
        for offset, hit in enumerate(page_hits):
            result.hits.append(make_hit(page_hits.offset + offset + 1, hit.score, hit.fields(), matchers))
    return result


def make_hit(rank: int, score: Optional[float], stored: dict[str, Any], matchers: Matchers) -> Hit:
    text = stored.get("text", "")
    spans = spans_for(text, matchers)
    omap = OffsetMap.decode(text, stored.get("offsets", []))
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
        doc_spans=[omap.span_to_doc(s, e) for s, e in spans],
        matched_forms=sorted({text[s:e] for s, e in spans}),
        char_start=stored.get("char_start", 0),
        char_end=stored.get("char_end", 0),
        citation=citation.plain(stored),
        sentences=stored_sentences(stored.get("sentences"), text) or [],
    )
