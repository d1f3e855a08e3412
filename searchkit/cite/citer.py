"""Quote lookup: where a quotation was said (every occurrence), or how it differs from the closest source.

Candidates come from the index (all passages holding every word of the quotation, plus the best-ranked
passages for its words); each is verified on its stored text, folded for typography (``typography``),
so that an ``exact`` verdict means the same words and punctuation. Ellipses match any gap inside one
paragraph; a quotation may run from one passage into the next (``cross_paragraph`` when the paragraph
changes). Otherwise the closest passages are aligned word by word (``align``): ``near`` with a diff, or
``none`` with the closest passage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from searchkit import citation
from searchkit.cite.align import Alignment, align
from searchkit.cite.candidates import Candidates, Window
from searchkit.cite.quotation import Part, Quotation, find_parts, overlaps_edge, parse_quotation
from searchkit.cite.typography import tokens
from searchkit.errors import QueryError
from searchkit.ingest.locate import Locator
from searchkit.query import limits
from searchkit.store.store import Store

NEAR = 0.7  # least similarity for "near": one word wrong in four still is; an invented sentence is not
ALL_WORDS_CAP = 500  # passages holding every word, verified in full
RANKED = 20  # best-ranked passages verified when none holds every word
POOL = 150  # best-ranked passages considered for a near match, by the quotation's word pairs they hold
ALIGNED = 8  # of those, the ones aligned word by word


@dataclass
class Citation:
    """One occurrence of a quotation (or, for ``none``, the closest passage if any)."""

    verdict: str
    similarity: float
    doc_id: Optional[str] = None
    passage_id: Optional[str] = None
    para: Optional[int] = None
    para_label: Optional[str] = None
    path: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    char_start: Optional[int] = None
    char_end: Optional[int] = None
    quote: Optional[str] = None
    title: Optional[str] = None
    date: Optional[str] = None
    source: Optional[str] = None
    speaker: Optional[str] = None
    citation: Any = None
    cross_paragraph: bool = False
    diff: Optional[list[dict[str, str]]] = None
    url: Optional[str] = None


class Citer:
    """Looks up quotations in one open index; reuse it for a batch (it caches passages and files)."""

    def __init__(self, store: Store, style: str = "plain") -> None:
        self.candidates = Candidates(store)
        self.style = style
        self.locator = Locator(getattr(store.manifest, "docs", None))
        self.stale: set[str] = set()  # files changed since they were indexed (no line/column for them)
        self.limits: list[str] = []  # what the last lookup left out to stay within its limits

    def close(self) -> None:
        self.candidates.close()

    def __enter__(self) -> "Citer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cite(self, text: str) -> list[Citation]:
        """Every exact occurrence, earliest date first; else the near matches; else one ``none``. A
        quotation longer than ``Limits.query_chars`` is refused (a part of it would be another quotation);
        past the time limit, fewer candidates are verified (``limits.current().cuts`` says so)."""
        with limits.request() as budget:
            if len(text) > budget.limits.query_chars:
                raise limits.TooCostly(f"the quotation has {len(text):,} characters, more than the "
                                       f"{budget.limits.query_chars:,} cite reads ({limits.setting('query_chars')}); "
                                       "quote a sentence or a paragraph of it")
            try:
                return self._cite(text)
            finally:
                self.limits = list(budget.cuts)

    def _cite(self, text: str) -> list[Citation]:
        quote = parse_quotation(text)
        found, ranked = self._find_exact(quote)
        results = self._sorted(found) if found else self._near(quote, ranked)
        for result in results:
            self._locate(result)
        return results

    def _find_exact(self, quote: Quotation) -> tuple[list[Citation], list[int]]:
        """Exact occurrences, and the ranked candidates when it took them to look."""
        needles = quote.needles
        holding = self.candidates.holding_all(quote.sure_terms, ALL_WORDS_CAP)
        found = self._exact(holding, needles)
        if found:
            return found, []
        ranked = self.candidates.ranked(quote.all_terms, POOL)
        seen = set(holding)
        found = self._exact([d for d in ranked[:RANKED] if d not in seen], needles)
        if not found:
            pairs = self._split_pairs(quote) | self._edge_pairs(ranked[:RANKED], needles)
            found = self._across(pairs, needles)
        return found, ranked

    def _exact(self, docnums: list[int], parts: list[str]) -> list[Citation]:
        out = []
        budget = limits.current()
        for n, docnum in enumerate(docnums):
            if n and n % 16 == 0 and budget.exhausted(f"verifying after {n} of {len(docnums)} passages"):
                break
            window = self.candidates.window([docnum])
            out += [self._citation(window, spans, "exact", 1.0) for spans in find_parts(window, parts)]
        return out

    def _split_pairs(self, quote: Quotation) -> set[tuple[int, int]]:
        """Consecutive passages where one holds every word before a sentence end and the next every word after."""
        pairs = set()
        for head, tail in quote.splits():
            following = {d - 1 for d in self.candidates.holding_set(tail)}
            for docnum in sorted(self.candidates.holding_set(head) & following)[:ALL_WORDS_CAP]:
                if self.candidates.neighbour(docnum, +1) == docnum + 1:
                    pairs.add((docnum, docnum + 1))
        return pairs

    def _edge_pairs(self, docnums: list[int], parts: list[str]) -> set[tuple[int, int]]:
        """Candidates whose end could begin the quotation (with the next passage), or whose start end it."""
        pairs = set()
        for docnum in docnums:
            folded = self.candidates.window([docnum]).folded.text
            after = self.candidates.neighbour(docnum, +1) if overlaps_edge(folded, parts, tail=True) else None
            before = self.candidates.neighbour(docnum, -1) if overlaps_edge(folded, parts, tail=False) else None
            pairs.update([(docnum, after)] if after is not None else [])
            pairs.update([(before, docnum)] if before is not None else [])
        return pairs

    def _across(self, pairs: set[tuple[int, int]], parts: list[str]) -> list[Citation]:
        """Occurrences that begin in the first passage of a pair and end in the second."""
        out = []
        for pair in sorted(pairs):
            window = self.candidates.window(list(pair))
            for spans in find_parts(window, parts):
                if window.passage_at(spans[0][0]) == 0 and window.passage_at(spans[-1][1] - 1) == 1:
                    out.append(self._citation(window, spans, "exact", 1.0))
        return out

    def _near(self, quote: Quotation, ranked: list[int]) -> list[Citation]:
        """The best-aligned candidates: ``near`` (with every republication of that source) or one ``none``."""
        scored = [c for c in (self._align(quote, d) for d in self._closest(quote, ranked)) if c is not None]
        if not scored:
            return [Citation("none", 0.0)]
        top = max(c.similarity for c in scored)
        best = [c for c in scored if c.similarity == top]
        if best[0].verdict == "none":
            return self._sorted(best)[:1]
        return self._sorted(best + self._republished(best[0]))

    def _closest(self, quote: Quotation, ranked: list[int]) -> list[int]:
        """The candidates worth aligning: those holding the most of the quotation's word pairs.

        Ranking by words held ties when a quotation is made of a stock phrase ("I wonder if you have any
        comment on"); word pairs tell the passages that hold it in that order.
        """
        if len(ranked) <= ALIGNED:
            return ranked
        words = [w for part in quote.parts for w in part.words if w[0].isalnum()]
        pairs = {f"{a} {b}" for a, b in zip(words, words[1:])}
        hits = {d: sum(pair in self.candidates.stored(d).get("text", "").lower() for pair in pairs) for d in ranked}
        return sorted(ranked, key=lambda d: -hits[d])[:ALIGNED]

    def _align(self, quote: Quotation, docnum: int) -> Optional[Citation]:
        """Align the quotation with a candidate and its neighbours (it may run across them)."""
        around = [d for d in (self.candidates.neighbour(docnum, -1), docnum, self.candidates.neighbour(docnum, +1))
                  if d is not None]
        window = self.candidates.window(around)
        toks = tokens(window.folded)
        alignment = align([p.words for p in quote.parts], [t for t, _, _ in toks])
        spans = [(toks[j1][1], toks[j2 - 1][2]) for j1, j2 in alignment.regions if j2 > j1]
        if not alignment.matched or not spans:
            return None
        similarity = round(min(alignment.similarity, 0.99), 3)
        verdict = "near" if similarity >= NEAR else "none"
        cite = self._citation(window, spans, verdict, similarity)
        if verdict == "near":
            cite.diff = self._diff(quote, window, toks, alignment)
        return cite

    def _republished(self, near: Citation) -> list[Citation]:
        """Other passages holding the very words of the closest source: the statement republished."""
        try:
            source = parse_quotation(near.quote or "")
        except QueryError:
            return []
        found = self._exact(self.candidates.holding_all(source.sure_terms, ALL_WORDS_CAP), source.needles)
        for cite in found:
            cite.verdict, cite.similarity, cite.diff = near.verdict, near.similarity, near.diff
        return found

    def _diff(self, quote: Quotation, window: Window, toks: list, alignment: Alignment) -> list[dict[str, str]]:
        """Word-level diff of quotation against source, in each side's own surface text."""
        out: list[dict[str, str]] = []
        for k, (part, ops) in enumerate(zip(quote.parts, alignment.opcodes)):
            qtoks = tokens(part.folded)
            if k:
                gap_from, gap_to = alignment.regions[k - 1][1], ops[0][3]
                out.append({"op": "gap", "quote": "…", "source": _surface_src(window, toks, gap_from, gap_to)})
            for tag, i1, i2, j1, j2 in ops:
                out.append({"op": tag, "quote": _surface_quote(quote.text, part, qtoks, i1, i2),
                            "source": _surface_src(window, toks, j1, j2)})
        return out

    def _citation(self, window: Window, spans: list[tuple[int, int]], verdict: str, similarity: float) -> Citation:
        src = window.folded.src
        starts = [src[s] for s, _ in spans]
        ends = [src[e - 1] + 1 for _, e in spans]
        first, last = window.passage_of(starts[0]), window.passage_of(ends[-1] - 1)
        meta = window.stored[first]
        char_start = window.doc_offset(starts[0])
        char_end = window.doc_offset(ends[-1] - 1) + 1
        quote = " … ".join(window.text[s:e] for s, e in zip(starts, ends))
        return Citation(
            verdict=verdict, similarity=similarity, doc_id=meta["doc_id"], passage_id=meta["passage_id"],
            # Missing metadata is "" as in search's output; null is kept for "no passage at all".
            para=meta.get("para"), para_label=meta.get("para_label", ""), path=meta.get("path", ""),
            char_start=char_start, char_end=char_end, quote=quote, title=meta.get("title", ""),
            date=meta.get("date", ""), source=meta.get("source", ""), speaker=meta.get("speaker", ""),
            citation=citation.format_citation(meta, self.style),
            cross_paragraph=window.stored[last].get("para") != meta.get("para"), url=meta.get("url") or None,
        )

    def _locate(self, cite: Citation) -> None:
        """Line and column in the file; none when the file is gone or changed since it was indexed."""
        if not cite.path or cite.char_start is None:
            return
        located = self.locator.document(cite.path, cite.doc_id or "")
        if located is None or (cite.char_end or 0) > len(located.text):
            self.stale.add(cite.path)
            return
        cite.line, cite.column = located.line_column(cite.char_start)

    def _sorted(self, found: list[Citation]) -> list[Citation]:
        unique = {(c.doc_id, c.char_start, c.char_end): c for c in found}
        return sorted(unique.values(), key=lambda c: (not c.date, c.date or "", c.doc_id or "", c.char_start or 0))


def _surface_quote(text: str, part: Part, qtoks: list, i1: int, i2: int) -> str:
    if i2 <= i1:
        return ""
    start, end = part.folded.source_span(qtoks[i1][1], qtoks[i2 - 1][2])
    return text[part.offset + start : part.offset + end]


def _surface_src(window: Window, toks: list, j1: int, j2: int) -> str:
    if j2 <= j1:
        return ""
    start, end = window.folded.source_span(toks[j1][1], toks[j2 - 1][2])
    return window.text[start:end]


def cite(store: Store, text: str, style: str = "plain") -> list[Citation]:
    """Look up one quotation (see ``Citer.cite``)."""
    with Citer(store, style) as citer:
        return citer.cite(text)
