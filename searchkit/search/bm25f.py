"""BM25F over a query's concepts: each concept's score per unit, summed into a ``Ranking``.

* BM25F (Robertson & Zaragoza): a concept's frequencies in title and text are weighted, length-normalised
  per field and summed before one saturation, so a title match helps without counting twice. ``k1``, ``b`` and the
  field weights are in ``parameters.py``; idf is the Robertson-Sparck Jones form that Lucene uses (never negative).
* Query-term frequency: a concept asked for again weighs more (long queries repeat their key words), and
  each time a little less (``query_weight``: BM25's k3 saturation).

A long query scores tens of thousands of postings: each pass over them is one dict comprehension or
loop with the arithmetic inline (in Python 3.11 faster than chains of ``map`` over ``operator``
functions, measured), and passes that only ``--explain`` needs are skipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

from searchkit.postings.phrases import phrase_counts
from searchkit.postings.readers import Postings
from searchkit.query import limits
from searchkit.query.plan import Alt, Concept, alt_query
from searchkit.search import parameters
from searchkit.search.units import Raw, best_first, make_units, within

Scores = dict[int, float]
COMMON_WORD_IDF = 0.01


@dataclass
class Ranking:
    """Scores of every matching unit (passage or document), and the parts of each (for ``--explain``)."""

    scores: Scores = field(default_factory=dict)
    parts: dict[str, Scores] = field(default_factory=dict)
    expansion: list[tuple[str, float]] = field(default_factory=list)
    evidence: Optional[set[int]] = None  # passages matching in their own text (not only by the title)
    units: Any = None  # what the scores are keyed by: passages, or documents (units.py)
    dfs: list[int] = field(default_factory=list)  # per concept, how many units it occurs in
    raw: dict[Alt, tuple[Raw, int]] = field(default_factory=dict)  # each alternative's frequencies, df

    explained: bool = True  # keep ``parts`` (only --explain shows them; a long query pays for them)
    factor: float = 1.0  # ``scores`` are kept divided by this (``scale`` without a pass over them)

    def add(self, label: str, scores: Scores, factor: float = 1.0) -> None:
        if factor != 1.0:
            scores = {d: factor * s for d, s in scores.items()}
        if self.explained:
            merge_into(self.parts.setdefault(label, {}), scores)
        if self.factor != 1.0:
            scores = {d: s / self.factor for d, s in scores.items()}
        merge_into(self.scores, scores)

    def scale(self, factor: float) -> None:
        """Every score times ``factor``: recorded, not applied (order does not change; ``score`` applies
        it). With a power of two the result is exactly that of multiplying each score."""
        self.factor *= factor
        self.parts = {k: {d: s * factor for d, s in v.items()} for k, v in self.parts.items()}

    def score(self, unit: int) -> float:
        return self.scores.get(unit, 0.0) * self.factor

    def restrict(self, keep: set[int]) -> None:
        for scores in [self.scores, *self.parts.values()]:
            for d in scores.keys() - keep:
                del scores[d]

    def top(self, n: int) -> list[int]:
        return best_first(self.scores, n)


def idf(post: Any, df: int) -> float:
    """Robertson-Sparck Jones idf; ``post`` counts the units (passages, or documents). ``IDF`` "lucene"
    is Lucene's form, never negative; "rsj" the classic one, where a word in half the units or more
    weighs next to nothing: a long pasted query is full of such words, and they should not outweigh its
    rare ones. Next to nothing is a hundredth of Lucene's idf, so that such words still order the units
    that match nothing else, rarer ones first (in an index of a few documents most words are such)."""
    count = post.count if hasattr(post, "count") else post.doc_count
    lucene = math.log(1.0 + (count - df + 0.5) / (df + 0.5))
    if parameters.IDF == "rsj":
        return max(math.log((count - df + 0.5) / (df + 0.5)), COMMON_WORD_IDF * lucene)
    return lucene


def query_weight(concept: Concept) -> float:
    """How much a concept asked for ``weight`` times counts: as often as asked, or with ``QUERY_K3``
    saturating like a term's frequency in a document (BM25's k3), so that a long query's most repeated
    word does not outweigh the rest."""
    k3, asked = parameters.QUERY_K3, concept.weight
    return asked if not k3 else (k3 + 1.0) * asked / (k3 + asked)


def saturate(scores: dict[int, float], weight: float) -> Scores:
    k1 = parameters.K1
    return {d: weight * x * (k1 + 1.0) / (k1 + x) for d, x in scores.items()}


def bm25f(units: Any, raw: Raw, weight: float) -> Scores:
    """``saturate(units.combine(raw), weight)``, in one pass (the same arithmetic, in the same order)
    when passages are ranked and the term occurs in one field: the usual case, over every posting."""
    if units.by_doc or len(raw) != 1:
        return saturate(units.combine(raw), weight)
    ((field, freqs),) = raw.items()
    codes, norm = units.norms(field)
    k1 = parameters.K1
    return {d: weight * (x := tf * norm[codes[d]]) * (k1 + 1.0) / (k1 + x) for d, tf in freqs.items()}


def merge_into(total: Scores, scores: Scores) -> None:
    """Add ``scores`` into ``total``."""
    if not total:
        total.update(scores)
        return
    get = total.get
    for d, s in scores.items():
        total[d] = get(d, 0.0) + s


def evidence_fields(alt: Alt) -> tuple[str, ...]:
    """Fields whose match makes a passage a hit. The title is every passage's: it ranks, but a passage
    matching only through its document's title is no hit (unless only the title was asked for)."""
    own = tuple(f for f in alt.fields if f != "title")
    return own or alt.fields


def raw_frequencies(post: Postings, alt: Alt, wanted: Optional[list[int]] = None,
                    evidence: Optional[set[int]] = None, excluded: frozenset[int] = frozenset()) -> tuple[Raw, int]:
    """Per field, each passage's frequency of a term or phrase (only ``wanted`` passages, if given, and
    none of ``excluded``), and its document frequency; passages matching in an evidence field are added
    to ``evidence``."""
    raw: Raw = {}
    df = 0
    proof = evidence_fields(alt)
    for f in alt.fields:
        if len(alt.terms) == 1:
            freqs: dict[int, float] = {}
            for ids, tfs in post.blocks(f, alt.terms[0], wanted):
                freqs.update(zip(ids, tfs))
            df = max(df, len(freqs) if wanted is None else post.doc_frequency(f, alt.terms[0]))
        else:
            freqs = phrase_frequencies(post, Alt((f,), alt.terms, alt.near), wanted)
            df = max(df, len(freqs))
        for d in freqs.keys() & excluded if excluded else ():  # iterates the smaller (a few hidden passages)
            del freqs[d]
        if freqs:
            raw[f] = freqs
            if evidence is not None and f in proof:
                evidence.update(freqs)
    return raw, df


def phrase_frequencies(post: Postings, alt: Alt, wanted: Optional[list[int]] = None) -> dict[int, float]:
    """How often a phrase (adjacent, in order: phrases.py's fast counts) or a nearness query (Whoosh's
    span matcher) occurs in each passage of its one field."""
    field = alt.fields[0]
    if not alt.near and post.reader.schema[field].format.supports("positions"):
        infos = [post.term_infos(field, w) for w in alt.terms]
        counts: dict[int, float] = dict(phrase_counts(post.leaves, field, alt.terms, infos))
    else:
        counts = {}
        matcher = alt_query(alt).matcher(post.searcher)
        while matcher.is_active():
            try:
                counts[matcher.id()] = float(max(len(matcher.spans()), 1))
            except Exception:  # a matcher without spans still says the words are there
                counts[matcher.id()] = 1.0
            matcher.next()
    if wanted is not None:
        keep = set(wanted)
        counts = {d: n for d, n in counts.items() if d in keep}
    return counts


def concept_scores(post: Postings, units: Any, concept: Concept, evidence: Optional[set[int]] = None,
                   excluded: frozenset[int] = frozenset(), seen: Optional[dict[Alt, tuple[Raw, int]]] = None
                   ) -> tuple[Scores, int]:
    """A concept's BM25F score per unit (the best of its alternatives), and its unit frequency; each
    alternative's raw frequencies are kept in ``seen``."""
    best: Scores = {}
    most = 0
    budget = limits.current()
    typed_df = 0  # of a fuzzy word: the typed word's frequency, whose idf every form takes
    for n, alt in enumerate(concept.alts):
        if n and budget.exhausted(f"ranking {concept.label!r} after {n} of its {len(concept.alts)} terms"):
            break
        raw, df = raw_frequencies(post, alt, evidence=evidence, excluded=excluded)
        if seen is not None:
            seen[alt] = (raw, df)
        if not raw:
            continue
        share = parameters.FUZZY_WEIGHT if concept.typed is not None and alt != concept.typed else 1.0
        if parameters.DOC_IDF and units.by_doc:
            freqs = units.combine(raw)
            df = len(freqs)
            typed_df = df if alt == concept.typed else typed_df
            scores = saturate(freqs, share * idf(units, typed_df or df))
        else:
            typed_df = df if alt == concept.typed else typed_df
            scores = bm25f(units, raw, share * idf(post, typed_df or df))
        most = max(most, df)
        if not best:
            best = scores
            continue
        for u, s in scores.items():
            if s > best.get(u, 0.0):
                best[u] = s
    return best, most


def passage_scores(post: Postings, concepts: list[Concept], passages: list[int],
                   seen: Optional[dict[Alt, tuple[Raw, int]]] = None) -> Scores:
    """Plain BM25F scores of a few passages (sorted docnums): which passage best stands for a document.
    Frequencies already read for the ranking (``seen``) are not read again."""
    units = make_units(post, False)
    total: Scores = {}
    keep = set(passages)
    for concept in concepts:
        best: Scores = {}
        typed_df = 0
        for alt in concept.alts:
            if seen is not None and alt in seen:
                raw = {f: within(freqs, keep) for f, freqs in seen[alt][0].items()}
                df = seen[alt][1]
            else:
                raw, df = raw_frequencies(post, alt, passages)
            typed_df = df if alt == concept.typed else typed_df
            share = parameters.FUZZY_WEIGHT if concept.typed is not None and alt != concept.typed else 1.0
            for d, s in bm25f(units, raw, share * idf(post, typed_df or df)).items():
                best[d] = max(best.get(d, 0.0), s)
        for d, s in best.items():
            total[d] = total.get(d, 0.0) + query_weight(concept) * s
    return total
