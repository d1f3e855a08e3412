"""Ranking: BM25F over concepts, a proximity boost, and pseudo-relevance feedback (RM3).

* BM25F (Robertson & Zaragoza): a concept's frequencies in title and text are weighted, length-normalised
  per field and summed before one saturation, so a title match helps without counting twice. ``k1`` and
  ``b`` are the textbook values; idf is the Robertson-Sparck Jones form that Lucene uses (never negative).
* Query-term frequency: a concept asked for twice weighs twice (long queries repeat their key words).
* Proximity: adjacent query words found within a few words of each other in a passage score as an extra
  pseudo-term (a sequential-dependence-style bigram), for the best candidates only.
* Feedback (RM3, Lavrenko & Croft; Abdul-Jaleel et al.): for queries of several words, the best ten
  passages propose twenty expansion terms weighted by how typical they are of those passages; the final
  score mixes the original query and the expansion half and half, over the first thousand candidates.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Optional

from .analysis import ANALYZER
from .plan import TEXT_FIELDS, Alt, Concept, alt_query
from .phrases import phrase_counts
from .postings import Postings, length_of_code

K1, B = 1.2, 0.75
FIELD_WEIGHTS = {"text": 1.0, "title": 2.0, "caps": 1.0, "source": 1.0, "speaker": 1.0}
NORM_FIELD = {"caps": "text"}  # acronyms are normalised by the passage's length, not by how many it has
PROXIMITY_WINDOW, PROXIMITY_WEIGHT, PROXIMITY_DEPTH = 5, 0.5, 100
FEEDBACK_DOCS, FEEDBACK_TERMS, FEEDBACK_ORIGINAL, FEEDBACK_DEPTH = 10, 20, 0.5, 1000
FEEDBACK_MIN_CONCEPTS = 3

Scores = dict[int, float]


@dataclass
class Ranking:
    """Scores of every matching passage, and the parts of each (for ``--explain``)."""

    scores: Scores = field(default_factory=dict)
    parts: dict[str, Scores] = field(default_factory=dict)
    expansion: list[tuple[str, float]] = field(default_factory=list)
    evidence: Optional[set[int]] = None  # passages matching in their own text (not only by the title)

    def add(self, label: str, scores: Scores, factor: float = 1.0) -> None:
        part = self.parts.setdefault(label, {})
        for d, s in scores.items():
            self.scores[d] = self.scores.get(d, 0.0) + factor * s
            part[d] = part.get(d, 0.0) + factor * s

    def restrict(self, keep: Optional[set[int]], drop: set[int]) -> None:
        def wanted(d: int) -> bool:
            return (keep is None or d in keep) and d not in drop
        self.scores = {d: s for d, s in self.scores.items() if wanted(d)}
        self.parts = {k: {d: s for d, s in v.items() if wanted(d)} for k, v in self.parts.items()}

    def top(self, n: int) -> list[int]:
        return best_first(self.scores)[:n]


def best_first(scores: Scores) -> list[int]:
    """Docnums by score, best first, ties by docnum: ``sorted(scores, key=lambda d: (-scores[d], d))``,
    as two sorts without a Python key function (several times faster on many thousand scores).

    >>> best_first({5: 1.0, 2: 3.0, 9: 1.0, 1: 1.0})
    [2, 1, 5, 9]
    """
    ordered = sorted(sorted(scores.items()), key=itemgetter(1), reverse=True)  # stable: ties keep docnum order
    return [d for d, _ in ordered]


def idf(post: Postings, df: int) -> float:
    return math.log(1.0 + (post.doc_count - df + 0.5) / (df + 0.5))


def saturate(scores: dict[int, float], weight: float) -> Scores:
    return {d: weight * x * (K1 + 1.0) / (K1 + x) for d, x in scores.items()}


def evidence_fields(alt: Alt) -> tuple[str, ...]:
    """Fields whose match makes a passage a hit. The title is every passage's: it ranks, but a passage
    matching only through its document's title is no hit (unless only the title was asked for)."""
    own = tuple(f for f in alt.fields if f != "title")
    return own or alt.fields


def term_frequencies(post: Postings, alt: Alt, wanted: Optional[list[int]] = None,
                     evidence: Optional[set[int]] = None) -> tuple[dict[int, float], int]:
    """BM25F pseudo-frequencies of one term over its fields, and its document frequency."""
    acc: dict[int, float] = {}
    df = 0
    proof = evidence_fields(alt)
    for f in alt.fields:
        norm_field = NORM_FIELD.get(f, f)
        codes = post.length_bytes(norm_field)
        avg = post.avg_length(norm_field)
        norm = [FIELD_WEIGHTS.get(f, 1.0) / (1.0 - B + B * length_of_code(i) / avg) for i in range(256)]
        get = acc.get
        for ids, tfs in post.blocks(f, alt.terms[0], wanted):
            for d, tf in zip(ids, tfs):
                acc[d] = get(d, 0.0) + tf * norm[codes[d]]
            if evidence is not None and f in proof:
                evidence.update(ids)
        df = max(df, post.doc_frequency(f, alt.terms[0]))
    return acc, df


def phrase_frequencies(post: Postings, alt: Alt, evidence: Optional[set[int]] = None) -> tuple[dict[int, float], int]:
    """Pseudo-frequencies of a phrase (how often it occurs, per field)."""
    acc: dict[int, float] = {}
    proof = evidence_fields(alt)
    for f in alt.fields:
        codes = post.length_bytes(f)
        avg = post.avg_length(f)
        weight = FIELD_WEIGHTS.get(f, 1.0)
        exact = not alt.near and post.reader.schema[f].format.supports("positions")
        counts = phrase_counts(post.leaves, f, alt.terms) if exact else span_counts(post, f, alt)
        for d, count in counts.items():
            acc[d] = acc.get(d, 0.0) + weight * count / (1.0 - B + B * length_of_code(codes[d]) / avg)
        if evidence is not None and f in proof:
            evidence.update(counts)
    return acc, len(acc)


def span_counts(post: Postings, f: str, alt: Alt) -> dict[int, int]:
    """Occurrences per passage from Whoosh's span matcher (words near each other, in any order; or a
    phrase in a field without positions, which Whoosh refuses as it always did)."""
    counts: dict[int, int] = {}
    matcher = alt_query(Alt((f,), alt.terms, alt.near)).matcher(post.searcher)
    while matcher.is_active():
        try:
            counts[matcher.id()] = max(len(matcher.spans()), 1)
        except Exception:  # a matcher without spans still says the words are there
            counts[matcher.id()] = 1
        matcher.next()
    return counts


def concept_scores(post: Postings, concept: Concept, evidence: Optional[set[int]] = None) -> Scores:
    """A concept's BM25F score per passage: the best of its alternatives."""
    best: Scores = {}
    for alt in concept.alts:
        if len(alt.terms) == 1:
            freqs, df = term_frequencies(post, alt, evidence=evidence)
        else:
            freqs, df = phrase_frequencies(post, alt, evidence)
        if not freqs:
            continue
        for d, s in saturate(freqs, idf(post, df)).items():
            if s > best.get(d, 0.0):
                best[d] = s
    return best


def rank(post: Postings, concepts: list[Concept], allowed: Optional[set[int]] = None,
         excluded: Optional[set[int]] = None, feedback: bool = True, by_doc: bool = False) -> Ranking:
    """Score the passages matching any concept (only those in ``allowed``, none in ``excluded``).

    Ranking passages, one matching only through its document's title is left out; ranking documents,
    a title match is as good as any."""
    ranking = Ranking()
    evidence: set[int] = set()
    for concept in concepts:
        ranking.add(concept.label, concept_scores(post, concept, evidence), concept.weight)
    ranking.evidence = evidence if concepts else None
    keep = None if allowed is None else set(allowed)
    if not by_doc and concepts:
        keep = evidence if keep is None else keep & evidence
    if keep is not None or excluded:
        ranking.restrict(keep, excluded or set())
    add_proximity(post, concepts, ranking)
    if feedback and len(concepts) >= FEEDBACK_MIN_CONCEPTS:
        add_feedback(post, concepts, ranking)
    return ranking


def single_terms(concepts: list[Concept]) -> list[str]:
    return [c.alts[0].terms[0] for c in concepts
            if len(c.alts) == 1 and len(c.alts[0].terms) == 1 and "text" in c.alts[0].fields]


def add_proximity(post: Postings, concepts: list[Concept], ranking: Ranking) -> None:
    """Adjacent query words close together in the text score as an extra BM25 term."""
    words = single_terms(concepts)
    pairs = [(a, b) for a, b in zip(words, words[1:]) if a != b]
    if not pairs or not ranking.scores:
        return
    candidates = sorted(ranking.top(PROXIMITY_DEPTH))
    positions = {w: term_positions(post, w, candidates) for w in {w for p in pairs for w in p}}
    codes, avg = post.length_bytes("text"), post.avg_length("text")
    bonus: Scores = {}
    for a, b in pairs:
        weight = PROXIMITY_WEIGHT * min(idf(post, post.doc_frequency("text", a)), idf(post, post.doc_frequency("text", b)))
        for d in candidates:
            count = near_count(positions[a].get(d, ()), positions[b].get(d, ()), PROXIMITY_WINDOW)
            if count:
                x = count / (1.0 - B + B * length_of_code(codes[d]) / avg)
                bonus[d] = bonus.get(d, 0.0) + weight * x * (K1 + 1.0) / (K1 + x)
    ranking.add("proximity", bonus)


def term_positions(post: Postings, term: str, docs: list[int]) -> dict[int, list[int]]:
    """Positions of ``term`` in the text of each of ``docs`` (sorted docnums)."""
    out: dict[int, list[int]] = {}
    if ("text", term.encode("utf-8")) not in post.reader:
        return out
    matcher = post.reader.postings("text", term)
    for d in docs:
        if not matcher.is_active():
            break
        matcher.skip_to(d)
        if matcher.is_active() and matcher.id() == d:
            out[d] = matcher.value_as("positions")
    return out


def near_count(first: list[int], second: list[int], window: int) -> int:
    """How many occurrences of the first word have the second within ``window`` words (either side)."""
    if not first or not second:
        return 0
    count, j = 0, 0
    for p in first:
        while j < len(second) and second[j] < p - window:
            j += 1
        if j < len(second) and second[j] <= p + window and second[j] != p:
            count += 1
    return count


def add_feedback(post: Postings, concepts: list[Concept], ranking: Ranking) -> None:
    """RM3: re-rank the best candidates with terms typical of the best few passages."""
    top = ranking.top(FEEDBACK_DOCS)
    if len(top) < 2:
        return
    expansion = relevance_model(post, ranking, top)
    ranking.expansion = expansion
    candidates = sorted(ranking.top(FEEDBACK_DEPTH))
    total_weight = sum(c.weight for c in concepts)
    for label in list(ranking.parts):
        ranking.parts[label] = {d: s * FEEDBACK_ORIGINAL for d, s in ranking.parts[label].items()}
    ranking.scores = {d: s * FEEDBACK_ORIGINAL for d, s in ranking.scores.items()}
    factor = (1.0 - FEEDBACK_ORIGINAL) * total_weight
    feedback: Scores = {}
    for term, p in expansion:
        freqs, df = term_frequencies(post, Alt(TEXT_FIELDS, (term,)), candidates)
        for d, s in saturate(freqs, idf(post, df)).items():
            feedback[d] = feedback.get(d, 0.0) + factor * p * s
    ranking.add("feedback", feedback)


def relevance_model(post: Postings, ranking: Ranking, top: list[int]) -> list[tuple[str, float]]:
    """RM1 over the feedback passages: P(w|R) = sum over d of P(d|q) P(w|d), the best terms normalised."""
    best = ranking.scores[top[0]]
    weights = {d: math.exp(ranking.scores[d] - best) for d in top}
    total = sum(weights.values())
    model: Counter[str] = Counter()
    for d in top:
        stored = post.searcher.stored_fields(d)
        counts = Counter(t.text for t in ANALYZER(f"{stored.get('title', '')}\n{stored.get('text', '')}"))
        length = sum(counts.values()) or 1
        for term, n in counts.items():
            model[term] += weights[d] / total * n / length
    chosen = model.most_common(FEEDBACK_TERMS)
    norm = sum(v for _, v in chosen) or 1.0
    return [(t, v / norm) for t, v in chosen]
