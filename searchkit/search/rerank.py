"""What re-ranks the best candidates after BM25F: a proximity boost, and pseudo-relevance feedback (RM3).

* Proximity: adjacent query words found within a few words of each other in a passage score as an extra
  pseudo-term (a sequential-dependence-style bigram), for the best candidates only. Their positions come
  from the candidates' stored text through the indexer's own analysis chain (``analysis/words.py``: the very
  positions the index holds) when that is cheaper than decoding the words' posting blocks: for common
  words in a large index, a hundred passages cost less than hundreds of blocks.
* Feedback (RM3, Lavrenko & Croft; Abdul-Jaleel et al.): for queries of several words, the best ten
  passages propose twenty expansion terms weighted by how typical they are of those passages; the final
  score mixes the original query and the expansion, at most half and half, over the first thousand
  candidates: less when those passages are diffuse or the query is long (``feedback_share``).
  Terms are those the index holds for the passages (a title only where it is indexed: a generic or
  lead-sentence title proposes nothing).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from typing import Any, Optional

from searchkit.analysis.wordfind import text_counts, text_positions
from searchkit.postings.blocks import positions_decoder
from searchkit.postings.phrases import term_values
from searchkit.postings.readers import Postings, length_of_code, open_postings
from searchkit.query.plan import TEXT_FIELDS, Alt, Concept
from searchkit.search import parameters
from searchkit.search.bm25f import Ranking, Scores, bm25f, idf, query_weight, raw_frequencies
from searchkit.search.units import Raw, within


def single_terms(concepts: list[Concept]) -> list[str]:
    return [c.alts[0].terms[0] for c in concepts
            if len(c.alts) == 1 and len(c.alts[0].terms) == 1 and "text" in c.alts[0].fields]


def add_proximity(post: Postings, units: Any, concepts: list[Concept], ranking: Ranking) -> None:
    """Adjacent query words close together in the text score as an extra BM25 term."""
    words = single_terms(concepts)
    pairs = [(a, b) for a, b in zip(words, words[1:]) if a != b]
    if not pairs or not ranking.scores or not parameters.PROXIMITY_WEIGHT:
        return
    candidates = units.passages(ranking.top(parameters.PROXIMITY_DEPTH))
    positions = term_positions(post, {w for p in pairs for w in p}, candidates)
    bonus: Scores = {}
    rarity = {c.alts[0].terms[0]: idf(units if parameters.DOC_IDF and units.by_doc else post, df)
              for c, df in zip(concepts, ranking.dfs) if c.alts[0].terms[0] in positions}
    for a, b in pairs:
        weight = parameters.PROXIMITY_WEIGHT * min(rarity.get(a, 0.0), rarity.get(b, 0.0))
        window = parameters.PROXIMITY_WINDOW
        counts = {d: float(near_count(positions[a].get(d, ()), positions[b].get(d, ()), window)) for d in candidates}
        counts = {d: n for d, n in counts.items() if n}
        for u, s in bm25f(units, {"text": counts}, weight).items():
            bonus[u] = bonus.get(u, 0.0) + s
    ranking.add("proximity", bonus)


def term_positions(post: Postings, words: set[str], docs: list[int]) -> dict[str, dict[int, list[int]]]:
    """Per word, its positions in the text of each of ``docs`` (sorted docnums) that holds it: from
    their stored text or from the words' posting blocks, whichever costs less to read."""
    if from_text(post, words, docs):
        out: dict[str, dict[int, list[int]]] = {w: {} for w in words}
        for d in docs:
            found = text_positions(post.searcher.stored_fields(d).get("text", ""))
            for w in words.intersection(found):
                out[w][d] = found[w]
        return out
    return {w: posting_positions(post, w, docs) for w in words}


def from_text(post: Postings, words: set[str], docs: list[int]) -> bool:
    """Whether analysing the passages costs less than decoding the words' posting blocks that hold them
    (a block of 128 postings costs about as much as analysing 100 words; a stored passage 60). A common
    word among short passages is cheaper from the text; a long document is cheaper from the postings."""
    codes = post.length_bytes("text")
    text_cost = sum(length_of_code(codes[d]) for d in docs) + 60 * len(docs)
    blocks = sum(min(len(docs), post.doc_frequency("text", w) // 128 + len(post.leaves)) for w in words)
    return text_cost < 100 * blocks


def posting_positions(post: Postings, term: str, docs: list[int]) -> dict[int, list[int]]:
    """Positions of ``term`` in the text of each of ``docs``, read block by block (blocks holding none of
    ``docs`` skipped by their headers; see ``phrases.term_values``)."""
    out: dict[int, list[int]] = {}
    decode = positions_decoder(post.reader.schema["text"].format)
    for (leaf, base), info in zip(post.leaves, post.term_infos("text", term)):
        end = base + leaf.doc_count_all()
        local = [d - base for d in docs[bisect_left(docs, base):bisect_left(docs, end)]]
        if local and info is not None:
            matcher = open_postings(leaf, "text", term.encode("utf-8"), info)
            for d, value in term_values(matcher, local).items():
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


def add_feedback(post: Postings, units: Any, concepts: list[Concept], ranking: Ranking,
                 excluded: frozenset[int] = frozenset()) -> None:
    """RM3: re-rank the best candidates with terms typical of the best few passages (or documents), the
    more so the more focused those are (``feedback_share``)."""
    ranked = ranking.top(parameters.FEEDBACK_DEPTH)
    top = ranked[:parameters.FEEDBACK_DOCS]
    if len(top) < 2 or parameters.FEEDBACK_ORIGINAL >= 1.0:
        return
    expansion = relevance_model(post, units, ranking, top)
    share = feedback_share(post, expansion, len(concepts))
    if share <= 0.0:
        return
    ranking.expansion = expansion
    wanted: Optional[list[int]] = units.passages(ranked)
    if wanted is not None and 4 * len(wanted) > post.doc_count:
        wanted = None  # most of the index: reading whole posting lists is cheaper than picking
    ranking.scale(1.0 - share)
    factor = share * sum(map(query_weight, concepts))
    feedback: Scores = {}
    found = expansion_frequencies(post, ranking, [t for t, _ in expansion], wanted,
                                  reuse=not (units.by_doc and excluded))
    for term, p in expansion:
        raw, df = found[term]
        for u, s in bm25f(units, raw, factor * p * idf(post, df)).items():
            if u in ranking.scores:  # feedback re-ranks what matched; it adds no new matches
                feedback[u] = feedback.get(u, 0.0) + s
    ranking.add("feedback", feedback)


def feedback_share(post: Postings, expansion: list[tuple[str, float]], concepts: int = 1) -> float:
    """The expansion's share of the final score: ``1 - FEEDBACK_ORIGINAL``, damped when the best results
    are diffuse. How focused they are is the clarity of their terms (Cronen-Townsend et al.): the
    relevance model's divergence from the collection's, in nats. Results about one thing share rare
    words; results that drift (or that are a fair part of a small collection) share only common ones.
    With ``FEEDBACK_LONG``, a query of more concepts than the expansion has terms (a pasted page) says
    more than feedback can add: the share shrinks in proportion."""
    full = 1.0 - parameters.FEEDBACK_ORIGINAL
    if parameters.FEEDBACK_LONG and concepts > parameters.FEEDBACK_TERMS:
        full *= parameters.FEEDBACK_TERMS / concepts
    if not parameters.FEEDBACK_FOCUS:
        return full
    total = sum(post.reader.field_length(f) for f in TEXT_FIELDS if f in post.reader.schema) or 1
    clarity = 0.0
    for term, p in expansion:
        count = sum(post.reader.frequency(f, term) for f in TEXT_FIELDS if f in post.reader.schema)
        clarity += p * math.log(p * total / max(count, 1))
    return full * min(1.0, max(clarity, 0.0) / parameters.FEEDBACK_FOCUS)


def expansion_frequencies(post: Postings, ranking: Ranking, terms: list[str], wanted: Optional[list[int]],
                          reuse: bool) -> dict[str, tuple[Raw, int]]:
    """Each expansion term's frequencies in the ``wanted`` passages, and its document frequency: a query
    word's as already read by the ranking (the same passages were left out of them when ``reuse``); the
    others' from the passages' stored text or from their postings, whichever costs less to read."""
    out: dict[str, tuple[Raw, int]] = {}
    keep = set(wanted) if wanted is not None else None
    for term in terms:
        alt = Alt(TEXT_FIELDS, (term,))
        if reuse and alt in ranking.raw:
            raw, df = ranking.raw[alt]
            out[term] = (raw if keep is None else {f: within(freqs, keep) for f, freqs in raw.items()}, df)
    fresh = [t for t in terms if t not in out]
    if wanted is not None and fresh and from_text(post, set(fresh), wanted):
        counted = text_frequencies(post, set(fresh), wanted)
        for term in fresh:
            out[term] = (counted[term], max(post.doc_frequency(f, term) for f in TEXT_FIELDS))
    for term in fresh:
        if term not in out:
            out[term] = raw_frequencies(post, Alt(TEXT_FIELDS, (term,)), wanted)
    return out


def text_frequencies(post: Postings, terms: set[str], docs: list[int]) -> dict[str, Raw]:
    """Per term, its frequency in the text (and the indexed title) of each of ``docs`` holding it: what its
    postings say, counted from the stored passages by the indexer's own chain."""
    titled = post.length_bytes("title")
    out: dict[str, Raw] = {t: {} for t in terms}
    for d in docs:
        stored = post.searcher.stored_fields(d)
        for field in ("text", "title") if titled[d] else ("text",):
            found = text_counts(stored.get(field, ""))
            for term in terms.intersection(found):
                out[term].setdefault(field, {})[d] = float(found[term])
    return out


def relevance_model(post: Postings, units: Any, ranking: Ranking, top: list[int]) -> list[tuple[str, float]]:
    """RM1 over the feedback units: P(w|R) = sum over d of P(d|q) P(w|d), the best terms normalised.
    A passage's terms are those the index holds for it: its title's only where the title is indexed."""
    best = ranking.scores[top[0]]
    weights = {u: math.exp(ranking.scores[u] - best) for u in top}
    total = sum(weights.values())
    titled = post.length_bytes("title")
    model: Counter[str] = Counter()
    for u in top:
        counts: Counter[str] = Counter()
        for n, d in enumerate(units.passages([u])):
            stored = post.searcher.stored_fields(d)
            counts.update(text_counts(stored.get("text", "")))
            if n == 0 and titled[d]:
                counts.update(text_counts(stored.get("title", "")))
        length = sum(counts.values()) or 1
        for term, n in counts.items():
            model[term] += weights[u] / total * n / length
    chosen = model.most_common(parameters.FEEDBACK_TERMS)
    norm = sum(v for _, v in chosen) or 1.0
    return [(t, v / norm) for t, v in chosen]

