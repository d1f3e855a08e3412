"""BM25F over many postings as arrays: what ``bm25f.py`` computes with a dict per concept, for the queries
where those dicts cost more than the arithmetic (a pasted sentence of common words: tens of thousands of
passages per word).

The arithmetic is the same, in the same order, one element at a time (IEEE doubles, no fused steps), so
every score is the very float the dict path gives, and so is every ranking: ``tests/search/test_dense.py``
compares both. ``rank`` in ``ranking.py`` chooses this path by the number of postings a query scores;
numpy is imported only then.
"""

from __future__ import annotations

import sys
from typing import Any, Optional

from searchkit.postings.arrays import term_arrays
from searchkit.postings.readers import Postings
from searchkit.query.plan import Alt, Concept
from searchkit.search import parameters
from searchkit.search.bm25f import Scores, concept_scores, evidence_fields, idf
from searchkit.search.units import ArrayFreqs

DENSE_POSTINGS = 20_000  # postings scored by a query from which arrays cost less than dicts
# ... once numpy is imported; importing it costs what scoring this many postings in arrays saves (a fresh
# process answering a short query is faster without it).
IMPORT_POSTINGS = 200_000


def postings_to_score(post: Postings, concepts: list[Concept]) -> int:
    """How many postings ranking ``concepts`` reads (each alternative's first word, in each field)."""
    return sum(post.doc_frequency(f, alt.terms[0]) for c in concepts for alt in c.alts for f in alt.fields)


def arrays_pay(post: Postings, concepts: list[Concept], least: int = DENSE_POSTINGS) -> bool:
    """Whether scoring ``concepts`` in arrays costs less than in dicts (the answer is the same)."""
    postings = postings_to_score(post, concepts)
    return postings >= least and ("numpy" in sys.modules or postings >= max(least, IMPORT_POSTINGS))


class DenseScores:
    """Scores summed per docnum in one array; which docnums have any, in another."""

    def __init__(self, size: int) -> None:
        import numpy as np

        self.np = np
        self.total = np.zeros(size, dtype=np.float64)
        self.seen = np.zeros(size, dtype=bool)

    def add(self, ids: Any, scores: Any) -> None:
        """Add one concept's scores (``ids`` distinct): ``merge_into`` for arrays."""
        self.total[ids] += scores
        self.seen[ids] = True

    def as_dict(self) -> Scores:
        ids = self.np.flatnonzero(self.seen)
        return dict(zip(ids.tolist(), self.total[ids].tolist()))


def concept_arrays(post: Postings, units: Any, concept: Concept, evidence: Optional[set[int]],
                   excluded: frozenset[int], seen: dict[Any, Any]) -> tuple[Any, Any, int]:
    """``concept_scores`` as (docnums, scores) arrays. A word in one field, the usual case, is scored
    with array arithmetic; anything else (alternatives, several fields) through ``concept_scores``."""
    import numpy as np

    alt = concept.alts[0]
    if len(concept.alts) != 1 or len(alt.terms) != 1 or concept.typed is not None or units.by_doc:
        return from_dict(*concept_scores(post, units, concept, evidence, excluded, seen))
    raw, df = raw_arrays(post, alt, evidence, excluded)
    seen[alt] = (raw, df)
    if not raw:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64), 0
    ids, x = combined(units, raw)
    k1 = parameters.K1
    return ids, idf(post, df) * x * (k1 + 1.0) / (k1 + x), df


def raw_arrays(post: Postings, alt: Alt, evidence: Optional[set[int]], excluded: frozenset[int]
               ) -> tuple[dict[str, ArrayFreqs], int]:
    """``bm25f.raw_frequencies`` of one word, with each field's frequencies kept as arrays."""
    import numpy as np

    raw: dict[str, ArrayFreqs] = {}
    df = 0
    proof = evidence_fields(alt)
    for f in alt.fields:
        ids, tfs = term_arrays(post, f, alt.terms[0])
        df = max(df, len(ids))
        if excluded and len(ids):
            keep = ~np.isin(ids, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
            ids, tfs = ids[keep], tfs[keep]
        if len(ids):
            raw[f] = ArrayFreqs(ids, tfs)
            if evidence is not None and f in proof:
                evidence.update(ids.tolist())
    return raw, df


def combined(units: Any, raw: Any) -> tuple[Any, Any]:
    """``Passages.combine`` as arrays: per passage, the weighted, length-normalised frequencies summed
    over fields (in field order, from 0.0: the same sums)."""
    import numpy as np

    parts = []
    for field, freqs in raw.items():
        ids, tfs = freqs.ids, freqs.tfs
        codes, norm = units.norms(field)
        parts.append((ids, tfs * np.asarray(norm, dtype=np.float64)[np.frombuffer(codes, dtype=np.uint8)[ids]]))
    if len(parts) == 1:
        return parts[0]
    union, where = np.unique(np.concatenate([ids for ids, _ in parts]), return_inverse=True)
    total, start = np.zeros(len(union), dtype=np.float64), 0
    for ids, x in parts:
        np.add.at(total, where[start:start + len(ids)], x)
        start += len(ids)
    return union, total


def from_dict(scores: Scores, df: int) -> tuple[Any, Any, int]:
    import numpy as np

    ids = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
    return ids, np.fromiter(scores.values(), dtype=np.float64, count=len(scores)), df
