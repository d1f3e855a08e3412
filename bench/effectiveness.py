"""Ranking quality on classic IR test collections: searchkit against plain Whoosh, SQLite FTS5, rank_bm25, bm25s.

    python bench/effectiveness.py                     # every collection in ../shared/eval
    python bench/effectiveness.py --only cranfield,med --no-peers

For each collection (``corpus.jsonl``, ``queries.jsonl``, ``qrels.tsv``) the benchmark indexes the corpus
with ``searchkit index corpus.jsonl`` into a temporary directory, runs every query with
``searchkit search --batch queries.jsonl --format trec --by-doc -n 100`` and scores the run: nDCG@10
(graded), MAP and Recall@100. The peers run in the same process on the same documents (see
``eval_peers.py``). Query latency is measured warm, in process, for searchkit (as the batch runs it) and
for plain Whoosh on searchkit's own index, alternating query by query; wall and CPU time are both printed
(CPU time is the steadier comparison when other work shares the machine). The macro average leaves out
ADI (82 documents): it is printed on its own line. Figures come from one run on a shared machine; the load
average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import eval_peers as peers
from common import REPO, SHARED

EVAL = SHARED / "eval"
AVERAGED = ("cranfield", "cisi", "med", "time", "npl")
TARGET_MACRO, PEER_MARGIN = 0.535, 0.01


def load(directory: Path) -> tuple[dict[str, tuple[str, str]], list[tuple[str, str]], peers.Qrels]:
    docs = {}
    for line in (directory / "corpus.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        docs[str(record["id"])] = (record.get("title") or "", record["text"])
    queries = [(str(q["id"]), q["text"]) for q in map(json.loads, (directory / "queries.jsonl").open(encoding="utf-8"))]
    qrels: peers.Qrels = {}
    for line in (directory / "qrels.tsv").open(encoding="utf-8"):
        qid, _, doc, rel = line.split()
        qrels.setdefault(qid, {})[doc] = int(rel)
    return docs, queries, qrels


def cli(index: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "searchkit", "--index", str(index), *args],
                          capture_output=True, text=True, env=env, cwd=REPO)


def searchkit_run(directory: Path, index: Path) -> tuple[peers.Run, float]:
    """Index and run the queries through the CLI, exactly as a user (or the issue's check) would."""
    started = time.perf_counter()
    built = cli(index, "index", str(directory / "corpus.jsonl"), "--json")
    if built.returncode != 0:
        sys.exit(f"indexing {directory.name} failed: {built.stderr.strip()}")
    seconds = time.perf_counter() - started
    found = cli(index, "search", "--batch", str(directory / "queries.jsonl"), "--format", "trec", "--by-doc",
                "-n", "100")
    if found.returncode not in (0, 1):
        sys.exit(f"searching {directory.name} failed: {found.stderr.strip()}")
    run: peers.Run = {}
    for line in found.stdout.splitlines():
        qid, _, doc, _, score, _ = line.split()
        run.setdefault(qid, []).append((doc, float(score)))
    return run, seconds


def latencies(index: Path, queries: list[tuple[str, str]]) -> dict[str, list[float]]:
    """Warm per-query seconds, wall and CPU, of what the batch run does for each query and of plain
    Whoosh (BM25F, OR of the words) on the same index. The two alternate query by query, twice over (the
    first round warms caches and is dropped), so that both see the same load on a shared machine."""
    sys.path.insert(0, str(REPO))
    from searchkit.search.searcher import Options, Searcher
    from searchkit.store.store import Store

    options = Options(limit=100, by_doc=True, highlight=False)
    store = Store.open(index)
    plain = peers.whoosh_searcher(store.ix)
    times: dict[str, list[float]] = {k: [] for k in ("sk_wall", "sk_cpu", "wh_wall", "wh_cpu")}
    with Searcher(store) as searcher:
        for round_ in range(2):
            for _, text in queries:
                for name, one in (("sk", lambda: [h.doc_id for h in searcher.search(text, options).hits]),
                                  ("wh", lambda: plain(text))):
                    wall, cpu = time.perf_counter(), time.process_time()
                    one()
                    if round_:
                        times[f"{name}_wall"].append(time.perf_counter() - wall)
                        times[f"{name}_cpu"].append(time.process_time() - cpu)
    return times


def percentiles(times: list[float]) -> tuple[float, float]:
    # Not common.percentile: the latency columns in docs/benchmarks.md were measured with this median
    # (interpolated) and this p95 (rank int(0.95 * n)); another rule would shift them.
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def measure(directory: Path, with_peers: bool) -> dict[str, Any]:
    name = directory.name
    docs, queries, qrels = load(directory)
    row: dict[str, Any] = {"name": name, "docs": len(docs), "queries": len(queries)}
    with tempfile.TemporaryDirectory(prefix=f"eval-{name}-") as tmp:
        index = Path(tmp) / "ix"
        run, row["index_s"] = searchkit_run(directory, index)
        row["searchkit"] = peers.evaluate(run, qrels)
        row["latency"] = {k: percentiles(v) for k, v in latencies(index, queries).items()}
    whoosh_run, _ = peers.whoosh_plain(docs, queries)
    row["whoosh"] = peers.evaluate(whoosh_run, qrels)
    row["peers"] = {}
    for peer, fn in peers.PEERS.items() if with_peers else ():
        result = fn(docs, queries)
        if result is not None:
            row["peers"][peer] = peers.evaluate(result[0], qrels)
    return row


def fmt(m: tuple[float, float, float]) -> str:
    return f"{m[0]:.4f} {m[1]:.4f} {m[2]:.4f}"


def report(rows: list[dict[str, Any]]) -> None:
    names = sorted({p for r in rows for p in r["peers"]}, key=list(peers.PEERS).index)
    print(f"{'collection':10} {'docs':>6} {'qs':>4} | {'searchkit nDCG@10 MAP R@100':27} | "
          f"{'whoosh nDCG@10 MAP R@100':27}" + "".join(f" | {p + ' nDCG':>14}" for p in names)
          + " | best peer   gap")
    for row in rows:
        best = max((row["peers"][p][0] for p in names), default=float("nan"))
        print(f"{row['name']:10} {row['docs']:>6} {row['queries']:>4} | {fmt(row['searchkit']):27} | "
              f"{fmt(row['whoosh']):27}" + "".join(f" | {row['peers'][p][0]:>14.4f}" for p in names)
              + f" | {best:9.4f} {row['searchkit'][0] - best:+.4f}")
    print(f"\n{'latency ms':10} | {'searchkit wall p50/p95':22} | {'whoosh wall p50/p95':20} | "
          f"{'searchkit CPU p50/p95':21} | {'whoosh CPU p50/p95':19} | p50 ratio wall  CPU")
    for row in rows:
        lat = row["latency"]
        print(f"{row['name']:10} | {lat['sk_wall'][0]:9.1f} /{lat['sk_wall'][1]:7.1f}    | "
              f"{lat['wh_wall'][0]:8.1f} /{lat['wh_wall'][1]:7.1f}  | "
              f"{lat['sk_cpu'][0]:8.1f} /{lat['sk_cpu'][1]:7.1f}   "
              f"| {lat['wh_cpu'][0]:7.1f} /{lat['wh_cpu'][1]:7.1f}  | "
              f"{lat['sk_wall'][0] / lat['wh_wall'][0]:9.2f} {lat['sk_cpu'][0] / lat['wh_cpu'][0]:5.2f}")
    averaged = [r for r in rows if r["name"] in AVERAGED]
    if not averaged:
        return
    macro = {k: statistics.mean(r[k][0] for r in averaged) for k in ("searchkit", "whoosh")}
    peer_macro = {p: statistics.mean(r["peers"][p][0] for r in averaged) for p in names
                  if all(p in r["peers"] for r in averaged)}
    print(f"\nmacro nDCG@10 over {', '.join(r['name'] for r in averaged)}: searchkit {macro['searchkit']:.4f}  "
          f"whoosh {macro['whoosh']:.4f}" + "".join(f"  {p} {v:.4f}" for p, v in peer_macro.items()))
    lagging = [r["name"] for r in averaged if names and
               r["searchkit"][0] < max(r["peers"][p][0] for p in names) - PEER_MARGIN]
    worst = max(r["latency"]["sk_cpu"][0] / r["latency"]["wh_cpu"][0] for r in averaged)
    print(f"target macro >= {TARGET_MACRO}: {'met' if macro['searchkit'] >= TARGET_MACRO else 'NOT met'};  "
          f"no collection more than {PEER_MARGIN} below its best peer: "
          f"{'met' if not lagging else 'NOT met (' + ', '.join(lagging) + ')' if names else 'no peers run'};  "
          f"latency (p50 CPU) at most 2x plain Whoosh: {'met' if worst <= 2 else 'NOT met'} (worst {worst:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="folder of collections (default ../shared/eval)")
    parser.add_argument("--only", default="", help="comma-separated collection names")
    parser.add_argument("--no-peers", action="store_true", help="skip FTS5, rank_bm25 and bm25s")
    args = parser.parse_args()
    if not args.eval.is_dir():
        sys.exit(f"no test collections at {args.eval}; give --eval DIR")
    names = [n for n in args.only.split(",") if n] or sorted(
        (p.name for p in args.eval.iterdir() if (p / "qrels.tsv").is_file()), key=lambda n: (n not in AVERAGED, n))
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at start; python {sys.version.split()[0]}")
    rows = []
    for name in names:
        rows.append(measure(args.eval / name, not args.no_peers))
        print(f"  {name}: searchkit nDCG@10 {rows[-1]['searchkit'][0]:.4f} (indexed in {rows[-1]['index_s']:.1f} s)",
              file=sys.stderr, flush=True)
    report([r for r in rows if r["name"] in AVERAGED] + [r for r in rows if r["name"] not in AVERAGED])
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at end")


if __name__ == "__main__":
    main()
