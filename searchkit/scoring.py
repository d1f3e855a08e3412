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
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from .analysis import terms
from .phrases import phrase_counts, term_values
from .plan import TEXT_FIELDS, Alt, Concept, alt_query
from .postings import Postings
from .units import K1, Raw, best_first, make_units

PROXIMITY_WINDOW, PROXIMITY_WEIGHT, PROXIMITY_DEPTH = 8, 0.5, 100
FEEDBACK_DOCS, FEEDBACK_TERMS, FEEDBACK_ORIGINAL, FEEDBACK_DEPTH = 10, 20, 0.5, 1000
FEEDBACK_MIN_CONCEPTS = 3
DOC_IDF = True

Scores = dict[int, float]


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
        return best_first(self.scores, n)


def idf(post: Any, df: int) -> float:
    """Robertson-Sparck Jones idf; ``post`` counts the units (passages, or documents)."""
    count = post.count if hasattr(post, "count") else post.doc_count
    return math.log(1.0 + (count - df + 0.5) / (df + 0.5))


def saturate(scores: dict[int, float], weight: float) -> Scores:
    return {d: weight * x * (K1 + 1.0) / (K1 + x) for d, x in scores.items()}


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
        for d in excluded.intersection(freqs) if excluded else ():
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
        counts: dict[int, float] = dict(phrase_counts(post.leaves, field, alt.terms))
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
    for alt in concept.alts:
        raw, df = raw_frequencies(post, alt, evidence=evidence, excluded=excluded)
        if seen is not None:
            seen[alt] = (raw, df)
        if not raw:
            continue
        freqs = units.combine(raw)
        df = len(freqs) if DOC_IDF and units.by_doc else df
        most = max(most, df)
        for u, s in saturate(freqs, idf(units if DOC_IDF and units.by_doc else post, df)).items():
            if s > best.get(u, 0.0):
                best[u] = s
    return best, most


def rank(post: Postings, concepts: list[Concept], allowed: Optional[set[int]] = None,
         excluded: frozenset[int] = frozenset(), feedback: bool = True, by_doc: bool = False) -> Ranking:
    """Score the passages (or documents) matching any concept: passages in ``allowed`` (all if None),
    never those ``excluded``. Ranking passages, one matching only through its document's title is left
    out; ranking documents, a title match is as good as any."""
    units = make_units(post, by_doc)
    evidence: set[int] = set()
    ranking = Ranking(units=units)
    for concept in concepts:
        scores, df = concept_scores(post, units, concept, evidence, excluded, ranking.raw)
        ranking.add(concept.label, scores, concept.weight)
        ranking.dfs.append(df)
    ranking.evidence = evidence
    if by_doc:
        keep = None if allowed is None else {units.unit_of(d) for d in allowed if d not in excluded}
    else:
        keep = evidence if allowed is None else evidence & allowed
    if keep is not None:
        ranking.restrict(keep, set())
    add_proximity(post, units, concepts, ranking)
    if feedback and len(concepts) >= FEEDBACK_MIN_CONCEPTS:
        add_feedback(post, units, concepts, ranking)
    return ranking


def passage_scores(post: Postings, concepts: list[Concept], passages: list[int],
                   seen: Optional[dict[Alt, tuple[Raw, int]]] = None) -> Scores:
    """Plain BM25F scores of a few passages (sorted docnums): which passage best stands for a document.
    Frequencies already read for the ranking (``seen``) are not read again."""
    units = make_units(post, False)
    total: Scores = {}
    keep = set(passages)
    for concept in concepts:
        best: Scores = {}
        for alt in concept.alts:
            if seen is not None and alt in seen:
                raw = {f: {d: n for d, n in freqs.items() if d in keep} for f, freqs in seen[alt][0].items()}
                df = seen[alt][1]
            else:
                raw, df = raw_frequencies(post, alt, passages)
            for d, s in saturate(units.combine(raw), idf(post, df)).items():
                best[d] = max(best.get(d, 0.0), s)
        for d, s in best.items():
            total[d] = total.get(d, 0.0) + concept.weight * s
    return total


def single_terms(concepts: list[Concept]) -> list[str]:
    return [c.alts[0].terms[0] for c in concepts
            if len(c.alts) == 1 and len(c.alts[0].terms) == 1 and "text" in c.alts[0].fields]


def add_proximity(post: Postings, units: Any, concepts: list[Concept], ranking: Ranking) -> None:
    """Adjacent query words close together in the text score as an extra BM25 term."""
    words = single_terms(concepts)
    pairs = [(a, b) for a, b in zip(words, words[1:]) if a != b]
    if not pairs or not ranking.scores:
        return
    candidates = units.passages(ranking.top(PROXIMITY_DEPTH))
    positions = {w: term_positions(post, w, candidates) for w in {w for p in pairs for w in p}}
    bonus: Scores = {}
    rarity = {c.alts[0].terms[0]: idf(units if DOC_IDF and units.by_doc else post, df)
              for c, df in zip(concepts, ranking.dfs) if c.alts[0].terms[0] in positions}
    for a, b in pairs:
        weight = PROXIMITY_WEIGHT * min(rarity.get(a, 0.0), rarity.get(b, 0.0))
        counts = {d: float(near_count(positions[a].get(d, ()), positions[b].get(d, ()), PROXIMITY_WINDOW))
                  for d in candidates}
        counts = {d: n for d, n in counts.items() if n}
        for u, s in saturate(units.combine({"text": counts}), weight).items():
            bonus[u] = bonus.get(u, 0.0) + s
    ranking.add("proximity", bonus)


def term_positions(post: Postings, term: str, docs: list[int]) -> dict[int, list[int]]:
    """Positions of ``term`` in the text of each of ``docs`` (sorted docnums), read block by block
    (blocks holding none of ``docs`` skipped by their headers; see ``phrases.term_values``)."""
    out: dict[int, list[int]] = {}
    key = term.encode("utf-8")
    decode = post.reader.schema["text"].format.decode_positions
    for leaf, base in post.leaves:
        end = base + leaf.doc_count_all()
        local = [d - base for d in docs[bisect_left(docs, base):bisect_left(docs, end)]]
        if local and ("text", key) in leaf:
            for d, value in term_values(leaf.postings("text", key), local).items():
                out[base + d] = decode(value)
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


def add_feedback(post: Postings, units: Any, concepts: list[Concept], ranking: Ranking) -> None:
    """RM3: re-rank the best candidates with terms typical of the best few passages (or documents)."""
    top = ranking.top(FEEDBACK_DOCS)
    if len(top) < 2:
        return
    expansion = relevance_model(post, units, ranking, top)
    ranking.expansion = expansion
    wanted: Optional[list[int]] = units.passages(ranking.top(FEEDBACK_DEPTH))
    if wanted is not None and 4 * len(wanted) > post.doc_count:
        wanted = None  # most of the index: reading whole posting lists is cheaper than picking
    total_weight = sum(c.weight for c in concepts)
    for label in list(ranking.parts):
        ranking.parts[label] = {d: s * FEEDBACK_ORIGINAL for d, s in ranking.parts[label].items()}
    ranking.scores = {d: s * FEEDBACK_ORIGINAL for d, s in ranking.scores.items()}
    factor = (1.0 - FEEDBACK_ORIGINAL) * total_weight
    feedback: Scores = {}
    for term, p in expansion:
        raw, df = raw_frequencies(post, Alt(TEXT_FIELDS, (term,)), wanted)
        for u, s in saturate(units.combine(raw), idf(post, df)).items():
            if u in ranking.scores:  # feedback re-ranks what matched; it adds no new matches
                feedback[u] = feedback.get(u, 0.0) + factor * p * s
    ranking.add("feedback", feedback)


def relevance_model(post: Postings, units: Any, ranking: Ranking, top: list[int]) -> list[tuple[str, float]]:
    """RM1 over the feedback units: P(w|R) = sum over d of P(d|q) P(w|d), the best terms normalised."""
    best = ranking.scores[top[0]]
    weights = {u: math.exp(ranking.scores[u] - best) for u in top}
    total = sum(weights.values())
    model: Counter[str] = Counter()
    for u in top:
        counts: Counter[str] = Counter()
        for n, d in enumerate(units.passages([u])):
            stored = post.searcher.stored_fields(d)
            title = stored.get("title", "") if n == 0 else ""
            counts.update(terms(f"{title}\n{stored.get('text', '')}"))
        length = sum(counts.values()) or 1
        for term, n in counts.items():
            model[term] += weights[u] / total * n / length
    chosen = model.most_common(FEEDBACK_TERMS)
    norm = sum(v for _, v in chosen) or 1.0
    return [(t, v / norm) for t, v in chosen]
