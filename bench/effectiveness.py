"""Ranking quality on IR test collections: searchkit against plain Whoosh, FTS5, rank_bm25, bm25s, tantivy.

    python bench/effectiveness.py                     # every collection in ../shared/eval
    python bench/effectiveness.py --only cranfield,med --no-peers
    python bench/effectiveness.py --no-peers --no-latency --capitals   # the queries again, in capitals

For each collection (``corpus.jsonl``, ``queries.jsonl``, ``qrels.tsv``) the benchmark indexes the corpus
with ``searchkit index corpus.jsonl`` into a temporary directory, runs every query with
``searchkit search --batch queries.jsonl --format trec --by-doc -n 100`` and scores the run: nDCG@10
(graded), MAP and Recall@100. The peers run in the same process on the same documents (see
``eval_peers.py``). Query latency is measured warm, in process, for searchkit (as the batch runs it) and
for plain Whoosh on searchkit's own index, alternating query by query; wall and CPU time are both printed
(CPU time is the steadier comparison when other work shares the machine). The macro average is over every
collection run; per collection the best peer is named, with the gap and a paired randomisation test over
the queries (``eval_peers.paired_test``), so that a small gap is not read as a win or a loss. With
``--capitals`` every query runs again in capitals (as pasted from an old UN document): the ranking should not
change with the case of what is pasted. Figures come
from one run on a shared machine; the load average is printed with them.
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
MACRO_MARGIN, PEER_MARGIN = 0.02, 0.01  # the target: macro above the best peer's, no collection far below


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
    return batch(index, directory / "queries.jsonl"), seconds


def batch(index: Path, queries: Path) -> peers.Run:
    found = cli(index, "search", "--batch", str(queries), "--format", "trec", "--by-doc", "-n", "100")
    if found.returncode not in (0, 1):
        sys.exit(f"searching {queries} failed: {found.stderr.strip()}")
    run: peers.Run = {}
    for line in found.stdout.splitlines():
        qid, _, doc, _, score, _ = line.split()
        run.setdefault(qid, []).append((doc, float(score)))
    return run


def in_capitals(index: Path, queries: list[tuple[str, str]], qrels: peers.Qrels) -> tuple[float, float, float]:
    """The same queries as an old document or a shouting post pastes them: every letter a capital."""
    shouted = index.parent / "queries-in-capitals.jsonl"
    with shouted.open("w", encoding="utf-8") as out:
        for qid, text in queries:
            out.write(json.dumps({"id": qid, "text": text.upper()}) + "\n")
    return peers.evaluate(batch(index, shouted), qrels)


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


def measure(directory: Path, with_peers: bool, with_latency: bool, capitals: bool = False) -> dict[str, Any]:
    name = directory.name
    docs, queries, qrels = load(directory)
    row: dict[str, Any] = {"name": name, "docs": len(docs), "queries": len(queries), "latency": None}
    with tempfile.TemporaryDirectory(prefix=f"eval-{name}-") as tmp:
        index = Path(tmp) / "ix"
        run, row["index_s"] = searchkit_run(directory, index)
        row["searchkit"] = peers.evaluate(run, qrels)
        row["per_query"] = {"searchkit": peers.per_query_ndcg(run, qrels)}
        row["capitals"] = in_capitals(index, queries, qrels) if capitals else None
        if with_latency:
            row["latency"] = {k: percentiles(v) for k, v in latencies(index, queries).items()}
    whoosh_run, _ = peers.whoosh_plain(docs, queries)
    row["whoosh"] = peers.evaluate(whoosh_run, qrels)
    row["peers"] = {"whoosh": row["whoosh"]}
    row["per_query"]["whoosh"] = peers.per_query_ndcg(whoosh_run, qrels)
    for peer, fn in peers.PEERS.items() if with_peers else ():
        result = fn(docs, queries)
        if result is not None:
            row["peers"][peer] = peers.evaluate(result[0], qrels)
            row["per_query"][peer] = peers.per_query_ndcg(result[0], qrels)
    row["best"] = max(row["peers"], key=lambda p: row["peers"][p][0])
    row["p"] = peers.paired_test(row["per_query"]["searchkit"], row["per_query"][row["best"]])
    return row


def fmt(m: tuple[float, float, float]) -> str:
    return f"{m[0]:.4f} {m[1]:.4f} {m[2]:.4f}"


def report(rows: list[dict[str, Any]]) -> None:
    names = [p for p in ("whoosh", *peers.PEERS) if any(p in r["peers"] for r in rows)]
    print(f"{'collection':13} {'docs':>6} {'qs':>4} | {'searchkit nDCG@10 MAP R@100':27}"
          + "".join(f" | {p:>9}" for p in names) + " | best peer            gap      p")
    for row in rows:
        best = row["peers"][row["best"]][0]
        print(f"{row['name']:13} {row['docs']:>6} {row['queries']:>4} | {fmt(row['searchkit']):27}"
              + "".join(f" | {row['peers'][p][0]:>9.4f}" if p in row["peers"] else f" | {'-':>9}" for p in names)
              + f" | {row['best']:10} {best:.4f} {row['searchkit'][0] - best:+.4f} {row['p']:6.4f}")
    capitals_report([r for r in rows if r["capitals"]])
    latency_report([r for r in rows if r["latency"]])
    macro = statistics.mean(r["searchkit"][0] for r in rows)
    peer_macro = {p: statistics.mean(r["peers"][p][0] for r in rows) for p in names
                  if all(p in r["peers"] for r in rows)}
    print(f"\nmacro nDCG@10 over all {len(rows)} ({', '.join(r['name'] for r in rows)}): searchkit {macro:.4f}"
          + "".join(f"  {p} {v:.4f}" for p, v in peer_macro.items()))
    print("p: two-sided paired randomisation test over the queries, searchkit against the best peer")
    best_macro = max(peer_macro.values())
    lagging = [r["name"] for r in rows if r["searchkit"][0] < r["peers"][r["best"]][0] - PEER_MARGIN]
    print(f"target macro >= best peer's macro + {MACRO_MARGIN} ({best_macro + MACRO_MARGIN:.4f}): "
          f"{'met' if macro >= best_macro + MACRO_MARGIN else 'NOT met'};  no collection more than "
          f"{PEER_MARGIN} below its best peer: {'met' if not lagging else 'NOT met (' + ', '.join(lagging) + ')'}")


def capitals_report(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    print(f"\n{'in capitals':13} | {'as typed':>8} | {'CAPITALS':>8} | {'change':>7}")
    for row in rows:
        typed, shouted = row["searchkit"][0], row["capitals"][0]
        print(f"{row['name']:13} | {typed:8.4f} | {shouted:8.4f} | {shouted - typed:+7.4f}")
    worst = min(r["capitals"][0] - r["searchkit"][0] for r in rows)
    print(f"queries in capitals at most 0.01 below as typed: {'met' if worst >= -PEER_MARGIN else 'NOT met'} "
          f"(largest fall {max(0.0, -worst):.4f})")


def latency_report(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    print(f"\n{'latency ms':13} | {'searchkit wall p50/p95':22} | {'whoosh wall p50/p95':20} | "
          f"{'searchkit CPU p50/p95':21} | {'whoosh CPU p50/p95':19} | p50 ratio wall  CPU")
    for row in rows:
        lat = row["latency"]
        print(f"{row['name']:13} | {lat['sk_wall'][0]:9.1f} /{lat['sk_wall'][1]:7.1f}    | "
              f"{lat['wh_wall'][0]:8.1f} /{lat['wh_wall'][1]:7.1f}  | "
              f"{lat['sk_cpu'][0]:8.1f} /{lat['sk_cpu'][1]:7.1f}   "
              f"| {lat['wh_cpu'][0]:7.1f} /{lat['wh_cpu'][1]:7.1f}  | "
              f"{lat['sk_wall'][0] / lat['wh_wall'][0]:9.2f} {lat['sk_cpu'][0] / lat['wh_cpu'][0]:5.2f}")
    worst = max(r["latency"]["sk_cpu"][0] / r["latency"]["wh_cpu"][0] for r in rows)
    print(f"latency (p50 CPU) at most 2x plain Whoosh: {'met' if worst <= 2 else 'NOT met'} (worst {worst:.2f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="folder of collections (default ../shared/eval)")
    parser.add_argument("--only", default="", help="comma-separated collection names")
    parser.add_argument("--no-peers", action="store_true", help="skip FTS5, rank_bm25, bm25s and tantivy")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency comparison")
    parser.add_argument("--capitals", action="store_true",
                        help="also run every query in capitals, as pasted from an old document, and compare")
    args = parser.parse_args()
    if not args.eval.is_dir():
        sys.exit(f"no test collections at {args.eval}; give --eval DIR")
    names = [n for n in args.only.split(",") if n] or sorted(
        p.name for p in args.eval.iterdir() if (p / "qrels.tsv").is_file())
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at start; python {sys.version.split()[0]}")
    rows = []
    for name in names:
        rows.append(measure(args.eval / name, not args.no_peers, not args.no_latency, args.capitals))
        print(f"  {name}: searchkit nDCG@10 {rows[-1]['searchkit'][0]:.4f} (indexed in {rows[-1]['index_s']:.1f} s)",
              file=sys.stderr, flush=True)
    report(rows)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at end")


if __name__ == "__main__":
    main()
