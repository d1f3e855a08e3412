"""Quote lookup: where a quotation was said (every occurrence), or how it differs from the closest source.

Candidates come from the index (all passages holding every word of the quotation, plus the best-ranked
passages for its words); each is verified on its stored text, folded for typography (``typography``),
so that an ``exact`` verdict means the same words and punctuation. Ellipses match any gap inside one
paragraph; a quotation may run from one passage into the next (``cross_paragraph`` when the paragraph
changes). Otherwise the closest passages are aligned word by word (``align``): ``near`` with a diff, or
``none`` with the closest passage.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import islice
from typing import Any, Optional

from . import citation
from .align import align
from .analysis import terms
from .errors import QueryError
from .index import Store
from .locate import Locator
from .sources import Sources, Window
from .typography import DASHES, Folded, fold, is_boundary, split_ellipses, tokens, trim

NEAR = 0.7  # least similarity for "near": one word wrong in four still is; an invented sentence is not
ALL_WORDS_CAP = 500  # passages holding every word, verified in full
RANKED = 20  # best-ranked passages verified when none holds every word
ALIGNED = 8  # of those, the ones aligned word by word for near matches

_DASHED = re.compile(r"[\w']*[ \t]*[" + re.escape(DASHES) + r"]+\s*[\w']*")


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


@dataclass
class Part:
    """The text between two ellipses: folded, with its offset in the quotation and its tokens."""

    folded: Folded
    offset: int

    @property
    def words(self) -> list[str]:
        return [t for t, _, _ in tokens(self.folded)]


@dataclass
class Quotation:
    text: str
    parts: list[Part]
    all_terms: list[str]  # index terms of every word, for ranking
    sure_terms: list[str]  # terms every exact source must hold (words next to dashes may differ)


def parse_quotation(text: str) -> Quotation:
    """Split ``text`` at its ellipses and fold each part; a quotation without words is an error."""
    text = unicodedata.normalize("NFC", text)
    parts = []
    for start, end in split_ellipses(text):
        folded = trim(fold(text[start:end]))
        if folded.text:
            parts.append(Part(folded, start))
    if not parts:
        raise QueryError("the quotation has no words; give the words to look up")
    raw = " ".join(text[p.offset + p.folded.src[0] : p.offset + p.folded.src[-1] + 1] for p in parts)
    compat = unicodedata.normalize("NFKC", raw)
    all_terms = list(dict.fromkeys(terms(compat)))
    if not all_terms:
        raise QueryError("the quotation has only very common words; quote more of it to look it up")
    sure = list(dict.fromkeys(terms(_DASHED.sub(" ", compat))))
    return Quotation(text, parts, all_terms, sure)


def find_parts(window: Window, parts: list[str]) -> list[list[tuple[int, int]]]:
    """Every occurrence of the parts, in order, in the window's folded text: one span list each.

    A part must start and end on word boundaries; the gap an ellipsis stands for stays in one paragraph.
    """
    text = window.folded.text
    found: list[list[tuple[int, int]]] = []
    start = text.find(parts[0])
    while start != -1:
        spans = _rest(window, parts, start)
        if spans:
            found.append(spans)
        start = text.find(parts[0], (spans[-1][1] if spans else start + 1))
    return found


def _rest(window: Window, parts: list[str], start: int) -> Optional[list[tuple[int, int]]]:
    text = window.folded.text
    end = start + len(parts[0])
    if not (is_boundary(text, start) and is_boundary(text, end)):
        return None
    spans = [(start, end)]
    for part in parts[1:]:
        j = text.find(part, spans[-1][1])
        while j != -1 and not (is_boundary(text, j) and is_boundary(text, j + len(part))):
            j = text.find(part, j + 1)
        if j == -1 or window.para_at(spans[-1][1] - 1) != window.para_at(j):
            return None
        spans.append((j, j + len(part)))
    return spans


def overlaps_edge(folded: str, parts: list[str], tail: bool) -> bool:
    """Whether the quotation could run on past this passage's end (``tail``) or begin before its start."""
    for part in parts:
        cuts = [i for i in range(1, len(part)) if is_boundary(part, i) and part[i - 1 : i + 1].strip()]
        cuts += [i for i in range(1, len(part)) if part[i] == " "]
        for i in cuts:
            piece = part[:i].rstrip() if tail else part[i:].lstrip()
            if len(piece) >= 2 and (folded.endswith(piece) if tail else folded.startswith(piece)):
                return True
    return False


class Citer:
    """Looks up quotations in one open index; reuse it for a batch (it caches passages and files)."""

    def __init__(self, store: Store, style: str = "plain") -> None:
        self.sources = Sources(store)
        self.style = style
        self.locator = Locator()
        self.stale: set[str] = set()  # files changed since they were indexed (no line/column for them)

    def close(self) -> None:
        self.sources.close()

    def __enter__(self) -> "Citer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cite(self, text: str) -> list[Citation]:
        """Every exact occurrence, earliest date first; else the near matches; else one ``none``."""
        quote = parse_quotation(text)
        parts = [p.folded.text for p in quote.parts]
        holding = self.sources.holding_all(quote.sure_terms, ALL_WORDS_CAP)
        found = self._exact(holding, parts)
        ranked: list[int] = []
        if not found:
            ranked = self.sources.ranked(quote.all_terms, RANKED)
            seen = set(holding)
            found = self._exact([d for d in ranked if d not in seen], parts)
            found = found or self._across(list(dict.fromkeys(ranked + holding)), parts)
        results = self._sorted(found) if found else self._near(quote, ranked)
        for result in results:
            self._locate(result)
        return results

    def _exact(self, docnums: list[int], parts: list[str]) -> list[Citation]:
        out = []
        for docnum in docnums:
            window = self.sources.window([docnum])
            out += [self._citation(window, spans, "exact", 1.0) for spans in find_parts(window, parts)]
        return out

    def _across(self, docnums: list[int], parts: list[str]) -> list[Citation]:
        """Occurrences that run from a candidate passage into the next one (or from the one before)."""
        pairs: dict[tuple[int, int], None] = {}
        for docnum in docnums:
            folded = self.sources.window([docnum]).folded.text
            if overlaps_edge(folded, parts, tail=True):
                after = self.sources.neighbour(docnum, +1)
                if after is not None:
                    pairs[(docnum, after)] = None
            if overlaps_edge(folded, parts, tail=False):
                before = self.sources.neighbour(docnum, -1)
                if before is not None:
                    pairs[(before, docnum)] = None
        out = []
        for pair in pairs:
            window = self.sources.window(list(pair))
            for spans in find_parts(window, parts):
                if window.passage_at(spans[0][0]) == 0 and window.passage_at(spans[-1][1] - 1) == 1:
                    out.append(self._citation(window, spans, "exact", 1.0))
        return out

    def _near(self, quote: Quotation, ranked: list[int]) -> list[Citation]:
        words = [p.words for p in quote.parts]
        best: list[Citation] = []
        for docnum in ranked[:ALIGNED]:
            around = [d for d in (self.sources.neighbour(docnum, -1), docnum, self.sources.neighbour(docnum, +1))
                      if d is not None]
            window = self.sources.window(around)
            toks = tokens(window.folded)
            alignment = align(words, [t for t, _, _ in toks])
            if not alignment.matched:
                continue
            spans = [(toks[j1][1], toks[j2 - 1][2]) for j1, j2 in alignment.regions if j2 > j1]
            if not spans:
                continue
            similarity = round(min(alignment.similarity, 0.99), 3)
            verdict = "near" if similarity >= NEAR else "none"
            cite = self._citation(window, spans, verdict, similarity)
            if verdict == "near":
                cite.diff = self._diff(quote, window, toks, alignment)
            best.append(cite)
        if not best:
            return [Citation("none", 0.0)]
        top = max(c.similarity for c in best)
        keep = self._sorted([c for c in best if c.similarity == top])
        return keep if keep[0].verdict == "near" else keep[:1]

    def _diff(self, quote: Quotation, window: Window, toks: list, alignment: Any) -> list[dict[str, str]]:
        """Word-level diff of quotation against source, in each side's own surface text."""
        joined = window.text
        out: list[dict[str, str]] = []
        for k, (part, ops) in enumerate(zip(quote.parts, alignment.opcodes)):
            qtoks = tokens(part.folded)
            if k:
                gap_from, gap_to = alignment.regions[k - 1][1], ops[0][3]
                out.append({"op": "gap", "quote": "…", "source": _surface_src(window, toks, gap_from, gap_to)})
            for tag, i1, i2, j1, j2 in ops:
                qtext = _surface_quote(quote.text, part, qtoks, i1, i2)
                stext = _surface_src(window, toks, j1, j2)
                out.append({"op": tag, "quote": qtext, "source": stext})
        del joined
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
            para=meta.get("para"), para_label=meta.get("para_label") or None, path=meta.get("path"),
            char_start=char_start, char_end=char_end, quote=quote, title=meta.get("title") or None,
            date=meta.get("date") or None, source=meta.get("source") or None, speaker=meta.get("speaker") or None,
            citation=citation.format_citation(meta, self.style),
            cross_paragraph=window.stored[last].get("para") != meta.get("para"), url=meta.get("url") or None,
        )

    def _locate(self, cite: Citation) -> None:
        """Line and column in the file; none when the file is gone or changed since it was indexed."""
        if not cite.path or cite.char_start is None:
            return
        located = self.locator.document(cite.path, cite.doc_id or "")
        if located is None or not _same_words(located.text[cite.char_start : cite.char_end], cite.quote or ""):
            self.stale.add(cite.path)
            return
        cite.line, cite.column = located.line_column(cite.char_start)

    def _sorted(self, found: list[Citation]) -> list[Citation]:
        unique = {(c.doc_id, c.char_start, c.char_end): c for c in found}
        return sorted(unique.values(), key=lambda c: (not c.date, c.date or "", c.doc_id or "", c.char_start or 0))


def _same_words(doc_text: str, quote: str) -> bool:
    """The file still holds what was indexed here: the span begins and ends with the quote's letters."""
    a = "".join(c for c in doc_text.lower() if c.isalnum())
    b = "".join(c for c in quote.lower() if c.isalnum())
    return a[:12] == b[:12] and a[-12:] == b[-12:]


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
