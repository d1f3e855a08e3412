"""Measures and peer engines for ``bench/effectiveness.py``.

Measures follow trec_eval: a run is ordered by decreasing score, ties by decreasing docno; nDCG@10 uses the
graded judgments as gains with log2 discounts; MAP and Recall@100 count any grade above 0 as relevant. A
query the system answers with nothing scores 0 (every judged query counts, as ``trec_eval -c``).

Peers, each over title + text of every document, with the query as plain words:
plain Whoosh (BM25F, StemmingAnalyzer, OR query), SQLite FTS5 (``porter unicode61``, ``bm25()``), and,
when installed (``pip install -e ".[bench]"``), rank_bm25 (BM25Okapi) and bm25s (English stop words), both
with the Porter2 stemmer, and tantivy (``en_stem``, BM25).

``paired_test`` says whether a difference in mean nDCG@10 between two systems over the same queries could
be chance: a two-sided paired randomisation test (each query's pair of scores swapped at random).
"""

from __future__ import annotations

import math
import random
import re
import sqlite3
import tempfile
import time
from typing import Any, Callable, Optional

Run = dict[str, list[tuple[str, float]]]  # qid -> [(docid, score)]
Qrels = dict[str, dict[str, int]]


def trec_order(hits: list[tuple[str, float]]) -> list[str]:
    return [d for d, _ in sorted(hits, key=lambda h: (h[1], h[0]), reverse=True)]


def ndcg10(ranked: list[str], rels: dict[str, int]) -> float:
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:10]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def average_precision(ranked: list[str], rels: dict[str, int]) -> float:
    relevant = {d for d, r in rels.items() if r > 0}
    found, total = 0, 0.0
    for i, d in enumerate(ranked, start=1):
        if d in relevant:
            found += 1
            total += found / i
    return total / len(relevant) if relevant else 0.0


def recall(ranked: list[str], rels: dict[str, int], k: int = 100) -> float:
    relevant = {d for d, r in rels.items() if r > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def per_query_ndcg(run: Run, qrels: Qrels) -> dict[str, float]:
    """nDCG@10 of every judged query (0 for one the run answers with nothing)."""
    return {qid: ndcg10(trec_order(run.get(qid, []))[:100], rels) for qid, rels in qrels.items()}


def paired_test(first: dict[str, float], second: dict[str, float], rounds: int = 10000, seed: int = 1) -> float:
    """Two-sided p-value of the mean difference ``first - second`` over the queries both scored, by
    randomisation: under the null hypothesis each query's two scores are exchangeable, so each round
    flips the sign of every per-query difference with probability 1/2."""
    diffs = [first[q] - second[q] for q in first if q in second]
    if not diffs:
        return float("nan")
    observed = abs(sum(diffs))
    rng = random.Random(seed)
    as_large = sum(abs(sum(d if rng.random() < 0.5 else -d for d in diffs)) >= observed - 1e-12
                   for _ in range(rounds))
    return (as_large + 1) / (rounds + 1)


def evaluate(run: Run, qrels: Qrels) -> tuple[float, float, float]:
    """Mean nDCG@10, MAP (over the first 100) and Recall@100 over every judged query."""
    totals = [0.0, 0.0, 0.0]
    for qid, rels in qrels.items():
        ranked = trec_order(run.get(qid, []))[:100]
        totals[0] += ndcg10(ranked, rels)
        totals[1] += average_precision(ranked, rels)
        totals[2] += recall(ranked, rels)
    n = max(len(qrels), 1)
    return totals[0] / n, totals[1] / n, totals[2] / n


def timed(queries: list[tuple[str, str]], one: Callable[[str], list[tuple[str, float]]]) -> tuple[Run, list[float]]:
    run, times = {}, []
    for qid, text in queries:
        started = time.perf_counter()
        run[qid] = one(text)
        times.append(time.perf_counter() - started)
    return run, times


def plain_words(text: str) -> list[str]:
    """Query text as lower-case words: upper-case AND/OR/NOT must not reach a query parser as operators."""
    return re.findall(r"\w+", text.lower())


def whoosh_plain(docs: dict[str, tuple[str, str]], queries: list[tuple[str, str]]) -> tuple[Run, list[float]]:
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup
    from whoosh.scoring import BM25F

    with tempfile.TemporaryDirectory(prefix="whoosh-plain-") as tmp:
        schema = Schema(id=ID(stored=True), title=TEXT(analyzer=StemmingAnalyzer()),
                        text=TEXT(analyzer=StemmingAnalyzer()))
        ix = index.create_in(tmp, schema)
        writer = ix.writer(limitmb=256)
        for ident, (title, text) in docs.items():
            writer.add_document(id=ident, title=title, text=text)
        writer.commit()
        parser = MultifieldParser(["title", "text"], schema, group=OrGroup)
        with ix.searcher(weighting=BM25F()) as searcher:
            def one(text: str) -> list[tuple[str, float]]:
                hits = searcher.search(parser.parse(" ".join(plain_words(text))), limit=100)
                return [(h["id"], h.score) for h in hits]
            return timed(queries, one)


def whoosh_searcher(ix: Any) -> Callable[[str], list[str]]:
    """Plain Whoosh over a searchkit index: BM25F, the query's words ORed over title and text, top 100."""
    from whoosh.qparser import MultifieldParser, OrGroup
    from whoosh.scoring import BM25F

    parser = MultifieldParser(["title", "text"], ix.schema, group=OrGroup)
    searcher = ix.searcher(weighting=BM25F())

    def one(text: str) -> list[str]:
        return [h["doc_id"] for h in searcher.search(parser.parse(" ".join(plain_words(text))), limit=100)]
    return one


def fts5(docs: dict[str, tuple[str, str]], queries: list[tuple[str, str]]) -> tuple[Run, list[float]]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, text, tokenize='porter unicode61')")
    db.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, t, x) for i, (t, x) in docs.items()])

    def one(text: str) -> list[tuple[str, float]]:
        words = plain_words(text)
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        rows = db.execute("SELECT id, bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 100", (match,))
        return [(i, -s) for i, s in rows]
    return timed(queries, one)


def _stem_tokens(text: str, stops: frozenset[str]) -> list[str]:
    from whoosh.lang.porter2 import stem

    return [stem(w) for w in plain_words(text) if w not in stops]


def rank_bm25(docs: dict[str, tuple[str, str]], queries: list[tuple[str, str]]) -> Optional[tuple[Run, list[float]]]:
    try:
        from rank_bm25 import BM25Okapi
    except ImportError:
        return None
    from whoosh.analysis import STOP_WORDS

    ids = list(docs)
    model = BM25Okapi([_stem_tokens(f"{t} {x}", STOP_WORDS) or ["_"] for t, x in docs.values()])

    def one(text: str) -> list[tuple[str, float]]:
        scores = model.get_scores(_stem_tokens(text, STOP_WORDS))
        best = sorted(range(len(ids)), key=lambda i: -scores[i])[:100]
        return [(ids[i], float(scores[i])) for i in best if scores[i] > 0]
    return timed(queries, one)


def bm25s_run(docs: dict[str, tuple[str, str]], queries: list[tuple[str, str]]) -> Optional[tuple[Run, list[float]]]:
    try:
        import bm25s
    except ImportError:
        return None
    from whoosh.lang.porter2 import stem

    class Stemmer:
        def stemWords(self, words: list[str]) -> list[str]:  # the PyStemmer interface bm25s calls
            return [stem(w) for w in words]

    ids = list(docs)
    corpus = bm25s.tokenize([f"{t} {x}" for t, x in docs.values()], stopwords="en", stemmer=Stemmer(),
                            show_progress=False)
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)

    def one(text: str) -> list[tuple[str, float]]:
        tokens = bm25s.tokenize([text], stopwords="en", stemmer=Stemmer(), show_progress=False, return_ids=False)
        if not tokens[0]:
            return []
        found, scores = model.retrieve(tokens, k=min(100, len(ids)), show_progress=False)
        return [(ids[int(i)], float(s)) for i, s in zip(found[0], scores[0]) if s > 0]
    return timed(queries, one)


def tantivy_run(docs: dict[str, tuple[str, str]], queries: list[tuple[str, str]]) -> Optional[tuple[Run, list[float]]]:
    try:
        import tantivy
    except ImportError:
        return None
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for field in ("title", "text"):
        builder.add_text_field(field, tokenizer_name="en_stem")
    index = tantivy.Index(builder.build())
    writer = index.writer()
    for ident, (title, text) in docs.items():
        writer.add_document(tantivy.Document(id=ident, title=title, text=text))
    writer.commit()
    index.reload()
    searcher = index.searcher()

    def one(text: str) -> list[tuple[str, float]]:
        words = plain_words(text)
        if not words:
            return []
        hits = searcher.search(index.parse_query(" ".join(words), ["title", "text"]), 100).hits
        return [(searcher.doc(address)["id"][0], float(score)) for score, address in hits]
    return timed(queries, one)


PEERS: dict[str, Callable[..., Any]] = {"fts5": fts5, "rank_bm25": rank_bm25, "bm25s": bm25s_run,
                                        "tantivy": tantivy_run}
