"""What bounds an exhaustive search in Python over Whoosh's posting format: decoding versus scoring.

    python bench/postings_floor.py INDEX [--queries bench/queries_scale.tsv] [--repeat 3]

For each query class of ``bench/scale.py`` this reads every posting of every single-word alternative of the
query (the fields it searches, as ``plan.compile_plan`` makes them), then adds a saturated term frequency
into a score per passage two ways: a Python dict (what a plain-Python scorer does per posting) and, when
numpy is installed, a dense float array indexed by docnum. It prints the median milliseconds of each step
per class and the postings read. Decoding is the floor of any scorer that reads whole posting lists; the
gap between the two accumulations is what moving per-posting work out of the interpreter is worth.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

from common import REPO

sys.path.insert(0, str(REPO))

from searchkit.query.plan import compile_plan  # noqa: E402
from searchkit.search.searcher import Searcher, read  # noqa: E402
from searchkit.store.store import Store  # noqa: E402

try:
    import numpy as np
except ImportError:  # the dense column is skipped
    np = None


def read_queries(path: Path) -> list[tuple[str, str]]:
    rows = (line.rstrip("\n").split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return [(row[0], row[1]) for row in rows if len(row) == 2 and not row[0].startswith("#")]


def field_terms(searcher: Searcher, query: str) -> list[tuple[str, str]]:
    plan = compile_plan(read(query), searcher.searcher.reader())
    return [(f, alt.terms[0]) for c in plan.concepts for alt in c.alts if len(alt.terms) == 1 for f in alt.fields]


def decode(searcher: Searcher, pairs: list[tuple[str, str]]) -> list[tuple[Any, Any]]:
    return [block for f, t in pairs for block in searcher.post.blocks(f, t)]


def with_dict(blocks: list[tuple[Any, Any]], size: int) -> list[int]:
    scores: dict[int, float] = {}
    get = scores.get
    for ids, tfs in blocks:
        for d, tf in zip(ids, tfs):
            scores[d] = get(d, 0.0) + tf / (tf + 1.2)
    return sorted(scores, key=scores.__getitem__, reverse=True)[:10]


def with_numpy(blocks: list[tuple[Any, Any]], size: int) -> list[int]:
    ids = np.concatenate([np.asarray(b[0], dtype=np.int64) for b in blocks]) if blocks else np.zeros(0, np.int64)
    tfs = np.concatenate([np.asarray(b[1], dtype=np.float64) for b in blocks]) if blocks else np.zeros(0)
    scores = np.bincount(ids, weights=tfs / (tfs + 1.2), minlength=size)
    top = np.argpartition(-scores, 10)[:10] if size > 10 else np.arange(size)
    return [int(d) for d in top[np.argsort(-scores[top])]]


def median_ms(step: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("index", type=Path)
    ap.add_argument("--queries", type=Path, default=REPO / "bench" / "queries_scale.tsv")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    searcher = Searcher(Store.open(args.index, lazy=True))
    size = searcher.searcher.reader().doc_count_all()
    rows: dict[str, list[tuple[int, float, float, float]]] = {}
    for kind, query in read_queries(args.queries):
        pairs = field_terms(searcher, query)
        blocks = decode(searcher, pairs)
        count = sum(len(ids) for ids, _ in blocks)
        dense = median_ms(lambda: with_numpy(blocks, size), args.repeat) if np else float("nan")
        rows.setdefault(kind, []).append((count, median_ms(lambda: decode(searcher, pairs), args.repeat),
                                          median_ms(lambda: with_dict(blocks, size), args.repeat), dense))
    print(f"{args.index}: {size:,} passages; medians over each class's queries, ms")
    print(f"{'class':<10}{'postings':>10}{'decode':>10}{'+dict':>10}{'+numpy':>10}")
    for kind, found in rows.items():
        med = [statistics.median(col) for col in zip(*found)]
        print(f"{kind:<10}{med[0]:>10,.0f}{med[1]:>10.1f}{med[2]:>10.1f}{med[3]:>10.1f}")


if __name__ == "__main__":
    main()
