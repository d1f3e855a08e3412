"""Choose the ranking parameters by leave-one-collection-out over every collection in ../shared/eval.

    nice python bench/tune.py                          # the grid below, every collection
    nice python bench/tune.py --only cranfield,adi     # a few collections (development)
    nice python bench/tune.py --no-run --all-scored    # the folds over every setting scored so far

Each collection is indexed once, as a user would (``searchkit index corpus.jsonl``), into ``--cache`` (default
``searchkit-tune`` in the system temporary folder). The parameters in ``searchkit/search/parameters.py`` are
read at query time, so every setting of the grid ranks the same index: its queries run in process exactly as
``searchkit search --batch queries.jsonl --format trec --by-doc -n 100`` runs them. Per setting and collection
the per-query nDCG@10 is kept in ``--cache/scores.json``; a rerun scores only new settings.

Fold k holds collection k out: the setting with the best macro nDCG@10 over the other collections is
chosen, and its score on collection k is that fold's held-out score. The mean of the held-out scores
estimates how the chosen way of choosing does on a collection nobody tuned on; the setting finally chosen
is the best over all collections, printed with how many folds chose it.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import eval_peers as peers
from common import REPO, SHARED
from effectiveness import cli, load

sys.path.insert(0, str(REPO))
from searchkit.errors import QueryError  # noqa: E402
from searchkit.search import parameters  # noqa: E402
from searchkit.search.searcher import Options, Searcher  # noqa: E402
from searchkit.store.store import Store  # noqa: E402

EVAL = SHARED / "eval"
# The knobs of parameters.py the grid sets, with the values tried; a knob with one value is held fixed (B and
# FEEDBACK_ORIGINAL at the textbook 0.75 and 0.5; FEEDBACK_DOCS and FEEDBACK_TERMS at what the folds chose
# from 10/20 and 20/30, since a second value of each would double the grid). Every setting names these knobs,
# so a cached score keeps its meaning when parameters.py changes; a knob left out is parameters.py's value
# at scoring time.
GRID: dict[str, list[Any]] = {
    "IDF": ["rsj", "lucene"],
    "K1": [1.2, 1.5],
    "B": [0.75],
    "QUERY_K3": [8.0, 16.0],
    "TITLE_WEIGHT": [2.0, 1.0],
    "PROXIMITY_WEIGHT": [0.0, 0.5],
    "FEEDBACK_ORIGINAL": [0.5],
    "FEEDBACK_DOCS": [20],
    "FEEDBACK_TERMS": [30],
    "FEEDBACK_FOCUS": [4.0, 0.0],  # 0: never damped
    "FEEDBACK_LONG": [True, False],
}
# The setting before tuning: every fold's held-out score is printed beside its score.
BEFORE = {"IDF": "lucene", "K1": 1.2, "B": 0.75, "TITLE_WEIGHT": 2.0, "PROXIMITY_WEIGHT": 0.5,
          "FEEDBACK_ORIGINAL": 0.5, "FEEDBACK_FOCUS": 0.0, "FEEDBACK_LONG": False, "QUERY_K3": 0.0,
          "FEEDBACK_DOCS": 10, "FEEDBACK_TERMS": 20}


def settings(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values; a knob it leaves out keeps GRID's first value."""
    grid = {**{n: v[:1] for n, v in GRID.items()}, **grid}
    names = list(grid)
    return [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]


def key_of(setting: dict[str, Any]) -> str:
    return json.dumps(setting, sort_keys=True)


def apply(setting: dict[str, Any]) -> None:
    """Set the module-level knobs of parameters.py (the title weight is an entry of FIELD_WEIGHTS)."""
    for name, value in setting.items():
        if name == "TITLE_WEIGHT":
            parameters.FIELD_WEIGHTS = {**parameters.FIELD_WEIGHTS, "title": value}
        else:
            setattr(parameters, name, value)


def built(cache: Path, directory: Path) -> Path:
    """The collection's index under ``cache``, built by the CLI the first time."""
    index = cache / directory.name
    if not index.is_dir() or not any(index.glob("*.toc")):
        done = cli(index, "index", str(directory / "corpus.jsonl"), "--json")
        if done.returncode != 0:
            sys.exit(f"indexing {directory.name} failed: {done.stderr.strip()}")
    return index


def per_query(searcher: Searcher, queries: list[tuple[str, str]], qrels: peers.Qrels) -> dict[str, float]:
    """nDCG@10 of each judged query, ranked as the batch command ranks it."""
    options = Options(limit=100, by_doc=True, highlight=False)
    run: peers.Run = {}
    for qid, text in queries:
        try:
            hits = searcher.search(text, options).hits
        except QueryError:  # the batch command warns and goes on: the query scores 0
            hits = []
        run[qid] = [(h.doc_id, float(f"{h.score:g}")) for h in hits]  # TREC lines print scores with %g
    return {qid: peers.ndcg10(peers.trec_order(run.get(qid, []))[:100], rels) for qid, rels in qrels.items()}


def score_all(names: list[str], grid: list[dict[str, Any]], cache: Path, eval_dir: Path) -> dict[str, Any]:
    """Per setting key and collection, each query's nDCG@10 (cached in scores.json). Setting by setting,
    so that an interrupted run leaves whole settings behind."""
    path = cache / "scores.json"
    scores: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    defaults = {n: getattr(parameters, n) for n in dir(parameters) if n.isupper()}
    collections = {name: load(eval_dir / name) for name in names}
    searchers = {name: Searcher(Store.open(built(cache, eval_dir / name))) for name in names}
    for setting in grid:
        for name in names:
            if name in scores.get(key_of(setting), {}):
                continue
            started = time.perf_counter()
            apply(setting)
            _, queries, qrels = collections[name]
            scores.setdefault(key_of(setting), {})[name] = per_query(searchers[name], queries, qrels)
            for knob, value in defaults.items():
                setattr(parameters, knob, value)
            mean = statistics.mean(scores[key_of(setting)][name].values())
            print(f"  {name:14} {mean:.4f} {time.perf_counter() - started:5.1f} s  {key_of(setting)}",
                  file=sys.stderr, flush=True)
        path.write_text(json.dumps(scores))
    for searcher in searchers.values():
        searcher.close()
    return scores


def mean_of(scores: dict[str, Any], setting: dict[str, Any], name: str) -> float:
    return statistics.mean(scores[key_of(setting)][name].values())


def folds(scores: dict[str, Any], grid: list[dict[str, Any]], names: list[str]) -> list[tuple[str, dict, float]]:
    """Per held-out collection: the setting best over the others, and its held-out nDCG@10."""
    out = []
    for held in names:
        rest = [n for n in names if n != held]
        best = max(grid, key=lambda s: statistics.mean(mean_of(scores, s, n) for n in rest))
        out.append((held, best, mean_of(scores, best, held)))
    return out


def report(scores: dict[str, Any], grid: list[dict[str, Any]], names: list[str]) -> None:
    today = BEFORE
    print(f"{'held out':14} {'held-out nDCG@10':>16} {'before':>7}  setting chosen on the other collections")
    results = folds(scores, grid, names)
    for held, best, value in results:
        print(f"{held:14} {value:16.4f} {mean_of(scores, today, held):7.4f}  {key_of(best)}")
    loo = statistics.mean(v for _, _, v in results)
    print(f"{'LOO macro':14} {loo:16.4f} {statistics.mean(mean_of(scores, today, n) for n in names):7.4f}")
    chosen = max(grid, key=lambda s: statistics.mean(mean_of(scores, s, n) for n in names))
    agree = sum(best == chosen for _, best, _ in results)
    print(f"\nchosen over all {len(names)} collections (as {agree} of {len(names)} folds chose): {key_of(chosen)}")
    print("  " + "  ".join(f"{n} {mean_of(scores, chosen, n):.4f}" for n in names)
          + f"  macro {statistics.mean(mean_of(scores, chosen, n) for n in names):.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="folder of collections (default ../shared/eval)")
    parser.add_argument("--only", default="", help="comma-separated collection names")
    parser.add_argument("--today", action="store_true", help="score only the setting before tuning (BEFORE)")
    parser.add_argument("--grid", type=json.loads, default=None,
                        help='another grid, as JSON: {"KNOB": [values...], ...} (default: GRID above)')
    parser.add_argument("--no-run", action="store_true",
                        help="rank nothing: report on the settings of the grid already scored in --cache")
    parser.add_argument("--all-scored", action="store_true",
                        help="with --no-run: the folds choose among every setting scored in --cache, whatever grid "
                             "scored it (what was tried, not only one grid)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "searchkit-tune",
                        help="where the indexes and scores are kept")
    args = parser.parse_args()
    if not args.eval.is_dir():
        sys.exit(f"no test collections at {args.eval}; give --eval DIR")
    names = [n for n in args.only.split(",") if n] or sorted(
        p.name for p in args.eval.iterdir() if (p / "qrels.tsv").is_file())
    args.cache.mkdir(parents=True, exist_ok=True)
    grid = [BEFORE] if args.today else settings(args.grid or GRID)
    try:
        scores = score_all(names, [] if args.no_run else grid, args.cache, args.eval)
    except KeyboardInterrupt:  # report on the settings scored so far
        scores = json.loads((args.cache / "scores.json").read_text())
    if args.all_scored:
        grid = [json.loads(key) for key in scores]
    done = [s for s in grid if all(n in scores.get(key_of(s), {}) for n in names)]
    if not args.no_run and not all(n in scores.get(key_of(BEFORE), {}) for n in names):
        scores = score_all(names, [BEFORE], args.cache, args.eval)
    print(f"{len(done)} of {len(grid)} settings scored on all {len(names)} collections")
    if not done:
        return
    report(scores, done, names)


if __name__ == "__main__":
    main()
