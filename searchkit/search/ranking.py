"""Ranking a query: BM25F over its concepts (``bm25f.py``), then the re-rankers (``rerank.py``).

``rank`` is the one entry point: it scores every matching unit (passage, or document with ``--by-doc``),
keeps those with evidence of their own, then adds the proximity boost (when weighted) and, for queries of
a few concepts or more, pseudo-relevance feedback (RM3).
"""

from __future__ import annotations

from typing import Optional

from searchkit.postings.readers import Postings
from searchkit.query import limits
from searchkit.query.plan import Alt, Concept
from searchkit.search import parameters
from searchkit.search.bm25f import Ranking, concept_scores, evidence_fields, phrase_frequencies, query_weight
from searchkit.search.dense import DENSE_POSTINGS, DenseScores, arrays_pay, concept_arrays
from searchkit.search.rerank import add_feedback, add_proximity
from searchkit.search.units import make_units


def rank(post: Postings, concepts: list[Concept], allowed: Optional[set[int]] = None,
         excluded: frozenset[int] = frozenset(), feedback: bool = True, by_doc: bool = False,
         explained: bool = True) -> Ranking:
    """Score the passages (or documents) matching any concept: passages in ``allowed`` (all if None),
    never those ``excluded``. Ranking passages, one matching only through its document's title is left
    out; ranking documents, a title match is as good as any. Without ``explained``, the score's parts
    are not kept."""
    units = make_units(post, by_doc)
    ranking = Ranking(units=units, explained=explained)
    if not explained and not by_doc and arrays_pay(post, concepts, DENSE_POSTINGS):
        concepts = score_as_arrays(post, units, concepts, excluded, ranking)
    else:
        concepts = score_as_dicts(post, units, concepts, excluded, ranking)
    evidence, budget = ranking.evidence or set(), limits.current()
    if by_doc:
        keep = None if allowed is None else {units.unit_of(d) for d in allowed if d not in excluded}
    else:
        keep = evidence if allowed is None else evidence & allowed
    if keep is not None:
        ranking.restrict(keep)
    if budget.exhausted("ranking before the proximity boost"):
        return ranking
    add_proximity(post, units, concepts, ranking)
    if (feedback and len(concepts) >= parameters.FEEDBACK_MIN_CONCEPTS
            and not budget.exhausted("ranking before feedback")):
        add_feedback(post, units, concepts, ranking, excluded)
    return ranking


def score_as_dicts(post: Postings, units: object, concepts: list[Concept], excluded: frozenset[int],
                   ranking: Ranking) -> list[Concept]:
    """BM25F of every concept into ``ranking`` (with its evidence); the concepts scored before the
    time budget ran out."""
    evidence: set[int] = set()
    ranking.evidence = evidence
    budget = limits.current()
    for n, concept in enumerate(concepts):
        if n and budget.exhausted(f"ranking after {n} of the query's {len(concepts)} words and phrases"):
            return concepts[:n]
        scores, df = concept_scores(post, units, concept, evidence, excluded, ranking.raw)
        ranking.add(concept.label, scores, query_weight(concept))
        ranking.dfs.append(df)
    return concepts


def score_as_arrays(post: Postings, units: object, concepts: list[Concept], excluded: frozenset[int],
                    ranking: Ranking) -> list[Concept]:
    """``score_as_dicts`` summed in arrays (``dense.py``): the same scores, for queries of many postings."""
    evidence: set[int] = set()
    ranking.evidence = evidence
    budget = limits.current()
    total = DenseScores(post.reader.doc_count_all())
    for n, concept in enumerate(concepts):
        if n and budget.exhausted(f"ranking after {n} of the query's {len(concepts)} words and phrases"):
            concepts = concepts[:n]
            break
        ids, scores, df = concept_arrays(post, units, concept, evidence, excluded, ranking.raw)
        asked = query_weight(concept)
        total.add(ids, scores if asked == 1.0 else asked * scores)
        ranking.dfs.append(df)
    ranking.scores = total.as_dict()
    return concepts


def matching(post: Postings, concepts: list[Concept], allowed: Optional[set[int]] = None,
             excluded: frozenset[int] = frozenset()) -> set[int]:
    """The passages ``rank`` would score, without scoring them: those matching some concept in their own
    text (not only through their document's title), in ``allowed`` (all if None), none ``excluded``."""
    evidence: set[int] = set()
    for concept in concepts:
        for alt in concept.alts:  # only the fields that make a passage a hit need reading
            for f in evidence_fields(alt):
                if len(alt.terms) == 1:
                    evidence |= post.passages(f, alt.terms[0])
                else:
                    evidence.update(phrase_frequencies(post, Alt((f,), alt.terms, alt.near)))
    evidence -= excluded
    return evidence if allowed is None else evidence & allowed
