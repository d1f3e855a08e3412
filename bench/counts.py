"""Counting and concordancing at the scale of the UN General Debate Corpus, beside SQLite FTS5's GROUP BY.

    nice python bench/counts.py                        # 3,000 speeches (about 106,000 passages)
    nice python bench/counts.py --sizes all            # every speech (386,055 passages): a long build
    nice python bench/counts.py --sizes 3000 --index ix-3000   # an index already built from that subset

For each query (the keyword and phrase classes of ``queries_scale.tsv``) it prints, warm (one open
index, as ``searchkit serve`` runs them; the median of ``--repeat`` runs after one to warm up):
``search QUERY -n 10``, ``count QUERY --by year`` and FTS5's ``SELECT year, count(*) ... GROUP BY
year`` over the same passages; then cold (a fresh ``searchkit`` process each, the median of ``--cold``):
``search -n 10`` against ``count --by year``; and ``kwic -n 0`` of the phrase whose occurrences come
nearest 1,000. The targets: count at most twice search, and at most FTS5's time; kwic under a second.
The corpus is unpacked and the subsets linked as ``bench/scale.py`` does (the same cache).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional

import scale
import scale_workers as workers
from common import REPO

CLASSES = ("keyword", "phrase")


def median_ms(run: Callable[[], Any], repeat: int, least: float = 0.05) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``run()`` after one run to warm up (caches, the page cache).
    Each of the ``repeat`` samples runs it as many times as fill ``least`` seconds and takes the mean:
    the process clock ticks in steps of milliseconds on some machines, as long as a rare count takes.
    CPU time is this process's own: on a shared machine it says what the work costs."""
    started = time.perf_counter()
    run()
    times = max(1, int(least / max(time.perf_counter() - started, 1e-6)))
    wall, cpu = [], []
    for _ in range(repeat):
        started, used = time.perf_counter(), time.process_time()
        for _ in range(times):
            run()
        cpu.append((time.process_time() - used) * 1000 / times)
        wall.append((time.perf_counter() - started) * 1000 / times)
    return statistics.median(wall), statistics.median(cpu)


def cold_ms(cmd: list[str], repeat: int) -> tuple[float, float, str]:
    """The median wall and CPU time of a fresh process running ``cmd``, and its output."""
    wall, cpu, out = [], [], ""
    for _ in range(repeat):
        done = scale.run(cmd, cwd=REPO)
        if done.code not in (0, 1):
            raise SystemExit(f"{shlex.join(cmd)} failed ({done.code}): {done.err.strip()[-500:]}")
        wall.append(done.seconds * 1000)
        cpu.append(done.cpu * 1000)
        out = done.out
    return statistics.median(wall), statistics.median(cpu), out


def fts5_group_by(con: sqlite3.Connection, query: str) -> list[tuple[Any, int]]:
    match, where, params = workers.fts5_query(query)
    if not match:
        return []
    sql = f"SELECT year, count(*) FROM passages WHERE passages MATCH ?{where} GROUP BY year"
    return con.execute(sql, [match, *params]).fetchall()


def warm(index: Path, db: Optional[Path], queries: list[str], repeat: int) -> list[dict[str, Any]]:
    sys.path.insert(0, str(REPO))
    import numpy  # noqa: F401  (as searchkit serve, which imports it at start: common words use arrays)

    from searchkit.search.counts import count
    from searchkit.search.searcher import Options, Searcher
    from searchkit.store.store import Store

    searcher = Searcher(Store.open(index))
    con = sqlite3.connect(db) if db else None
    rows = []
    for query in queries:
        row: dict[str, Any] = {"query": query}
        row["search_ms"], row["search_cpu"] = median_ms(lambda: searcher.search(query, Options(limit=10)), repeat)
        row["count_ms"], row["count_cpu"] = median_ms(lambda: count(searcher, query, ["year"]), repeat)
        row["matches"] = count(searcher, query, ["year"]).matched
        if con is not None:
            row["fts5_ms"], row["fts5_cpu"] = median_ms(lambda: fts5_group_by(con, query), repeat)
            row["fts5_matches"] = sum(n for _, n in fts5_group_by(con, query))
        rows.append(row)
    searcher.close()
    return rows


def cold(cli: list[str], index: Path, queries: list[str], repeat: int) -> list[dict[str, Any]]:
    rows = []
    for query in queries:
        base = [*cli, "--index", str(index)]
        search, search_cpu, _ = cold_ms([*base, "search", query, "-n", "10"], repeat)
        counted, count_cpu, _ = cold_ms([*base, "count", query, "--by", "year"], repeat)
        rows.append({"query": query, "search_ms": search, "count_ms": counted, "search_cpu": search_cpu,
                     "count_cpu": count_cpu})
    return rows


def kwic_figure(cli: list[str], index: Path, phrases: list[str], repeat: int) -> dict[str, Any]:
    """``kwic -n 0`` of the phrase whose occurrences come nearest 1,000 (a fresh process, printing all)."""
    sizes = {}
    for phrase in phrases:
        *_, out = cold_ms([*cli, "--index", str(index), "kwic", phrase, "-n", "0", "--format", "json"], 1)
        sizes[phrase] = len(out.splitlines())
    phrase = min(sizes, key=lambda p: abs(sizes[p] - 1000))
    ms, cpu, _ = cold_ms([*cli, "--index", str(index), "kwic", phrase, "-n", "0"], repeat)
    search, search_cpu, _ = cold_ms([*cli, "--index", str(index), "search", phrase, "-n", "10"], repeat)
    from searchkit.search.kwic import concordance
    from searchkit.search.searcher import Searcher
    from searchkit.store.store import Store

    with Searcher(Store.open(index)) as searcher:
        warm, warm_cpu = median_ms(lambda: concordance(searcher, phrase, None), repeat)
    return {"phrase": phrase, "occurrences": sizes[phrase], "cold_ms": ms, "cold_cpu": cpu, "cold_search_ms": search,
            "cold_search_cpu": search_cpu, "warm_ms": warm, "warm_cpu": warm_cpu, "all": sizes}


def ms(value: float) -> str:
    """Milliseconds to one decimal, two below 1 ms (where most counts are)."""
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def report(label: str, passages: int, warm_rows: list[dict[str, Any]], cold_rows: list[dict[str, Any]],
           kwic: dict[str, Any]) -> list[str]:
    """Markdown tables: warm wall times, warm CPU times, cold process times (wall and CPU), and the targets
    checked on CPU time (the wall time of a shared machine moves with the others' load)."""
    lines = [f"\n## {label} speeches, {passages:,} passages ({scale.load()})", "",
             "| query | matches | search -n 10 ms | count --by year ms | FTS5 GROUP BY ms "
             "| CPU: search | CPU: count | CPU: FTS5 | cold search ms (CPU) | cold count ms (CPU) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for w, c in zip(warm_rows, cold_rows):
        fts = (ms(w["fts5_ms"]), ms(w["fts5_cpu"])) if "fts5_ms" in w else ("", "")
        lines.append(
            f"| `{w['query']}` | {w['matches']:,} | {ms(w['search_ms'])} | {ms(w['count_ms'])} | {fts[0]} "
            f"| {ms(w['search_cpu'])} | {ms(w['count_cpu'])} | {fts[1]} "
            f"| {c['search_ms']:.0f} ({c['search_cpu']:.0f}) | {c['count_ms']:.0f} ({c['count_cpu']:.0f}) |")
    ratio = [w["count_cpu"] / max(w["search_cpu"], 0.05) for w in warm_rows]
    cold_ratio = [c["count_cpu"] / c["search_cpu"] for c in cold_rows]
    lines += ["", f"- count/search, CPU: warm at most {max(ratio):.2f} (median {statistics.median(ratio):.2f}); "
                  f"cold at most {max(cold_ratio):.2f} (target <= 2)"]
    if all("fts5_ms" in w for w in warm_rows):
        over = [w["query"] for w in warm_rows if w["count_cpu"] > w["fts5_cpu"]]
        closest = max(warm_rows, key=lambda w: w["count_cpu"] / w["fts5_cpu"])
        lines.append(f"- warm count CPU <= FTS5 GROUP BY CPU for {len(warm_rows) - len(over)} of {len(warm_rows)} "
                     "queries" + (f" (not: {', '.join(over)})" if over else "")
                     + f"; closest: {closest['query']}, {closest['count_cpu']:.3f} against "
                     f"{closest['fts5_cpu']:.3f} ms")
    lines.append(f"- kwic -n 0 of {kwic['phrase']} ({kwic['occurrences']:,} occurrences): cold "
                 f"{kwic['cold_ms']:.0f} ms, CPU {kwic['cold_cpu']:.0f} ms (target < 1000; a cold search -n 10 "
                 f"of it {kwic['cold_search_ms']:.0f} ms, CPU {kwic['cold_search_cpu']:.0f}); warm "
                 f"{kwic['warm_ms']:.0f} ms, CPU {kwic['warm_cpu']:.0f}")
    return lines


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="3000", help="comma-separated document counts, 'all' for every one")
    ap.add_argument("--archive", type=Path, default=scale.ARCHIVE, help="the UNGDC .tar.gz")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "searchkit-bench-ungdc")
    ap.add_argument("--seed", type=int, default=8, help="seed of the document order (as bench/scale.py)")
    ap.add_argument("--index", type=Path, default=None, help="use this index (built from the one size given)")
    ap.add_argument("--repeat", type=int, default=5, help="timed warm runs per query")
    ap.add_argument("--cold", type=int, default=3, help="fresh processes per query")
    ap.add_argument("--no-fts5", action="store_true", help="skip SQLite FTS5")
    ap.add_argument("--cli", type=shlex.split, default=scale.DEFAULT_CLI, help="how to run searchkit")
    return ap.parse_args(argv)


def measure(args: argparse.Namespace, size: str, files: list[Path]) -> list[str]:
    docs = scale.subset(files, None if size == "all" else int(size), args.seed, args.cache)
    index = args.index or args.cache / f"ix-counts-{size}"
    if not (index / "punkt.json").exists():
        print(f"[{size}] building {index} ...", file=sys.stderr)
        scale.build_searchkit(args.cli, docs, index, None)
    db = None if args.no_fts5 else args.cache / f"fts5-counts-{size}.sqlite"
    if db is not None and not db.exists():
        print(f"[{size}] FTS5 ...", file=sys.stderr)
        building = db.with_suffix(".building")
        workers.fts5_build(index, building)
        building.rename(db)  # a run stopped while building leaves no half-built database behind
    queries = [q for kind, q in workers.read_queries(scale.QUERIES) if kind in CLASSES]
    print(f"[{size}] warm ...", file=sys.stderr)
    warm_rows = warm(index, db, queries, args.repeat)
    print(f"[{size}] cold ...", file=sys.stderr)
    cold_rows = cold(args.cli, index, queries, args.cold)
    phrases = [q for kind, q in workers.read_queries(scale.QUERIES) if kind == "phrase"]
    kwic = kwic_figure(args.cli, index, phrases, args.cold)
    return report(size, count_passages(index), warm_rows, cold_rows, kwic)


def count_passages(index: Path) -> int:
    from searchkit.store.store import Store

    with Store.open(index).ix.searcher() as searcher:
        return searcher.doc_count()


def main(argv: Optional[list[str]] = None) -> None:
    scale.lift_time_limit()
    args = parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    files = scale.unpack(args.archive, args.cache)
    print(f"$ python bench/counts.py {shlex.join(sys.argv[1:] if argv is None else argv)}")
    print(f"{os.cpu_count()} CPUs; python {sys.version.split()[0]}; searchkit {scale.revision()}")
    for size in args.sizes.split(","):
        print("\n".join(measure(args, size, files)), flush=True)


if __name__ == "__main__":
    main()
