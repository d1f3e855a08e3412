"""What highlighting costs: median query time with and without highlights of the top 10, in one run.

Target (issue 5): highlighting the top 10 hits adds at most 25% to the median query time on the UN sample.

    python bench/highlight.py [--corpus DIR] [--index DIR] [--rounds N] [--rebuild]

The index is built once (through the CLI) into a temporary folder and reused by later runs. Each query is
timed as a fresh process would run it: the analyzer's word caches are emptied before every search, in both
modes. "With highlights" is the search with spans and doc_spans for every hit plus the fragments that plain
output shows; "without" is the same search with highlighting switched off.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CORPORA, REPO

sys.path.insert(0, str(REPO))

from searchkit.analysis.chain import ANALYZER  # noqa: E402
from searchkit.errors import SearchkitError  # noqa: E402
from searchkit.highlight import spans as highlight  # noqa: E402
from searchkit.render.text import View, hit_fragments  # noqa: E402
from searchkit.search.searcher import search  # noqa: E402
from searchkit.store.store import Store  # noqa: E402

CORPUS = CORPORA / "ungdc-sample"
QUERIES = {
    "keyword": ["terrorism", "climate change", "nuclear disarmament", "refugees", "human rights",
                "poverty eradication", "peacekeeping operations", "Middle East"],
    "phrase": ['"United Nations"', '"right to development"', '"small island developing States"',
               '"Security Council reform"', '"international community"', '"weapons of mass destruction"'],
    "stemmed": ["cooperating", "negotiations", "developing countries", "globalization", "democratic elections",
                "sanctioned"],
    "wildcard": ["terror*", "refuge*", "disarm*", "climat*", "sustain*", "nucl*"],
}


def open_index(index: Path, corpus: Path, rebuild: bool) -> Store:
    """The benchmark index, built through the CLI when missing, unreadable or asked for."""
    if not rebuild:
        try:
            return Store.open(index)
        except SearchkitError:
            pass
    print(f"indexing {corpus} into {index} ...", file=sys.stderr)
    command = [sys.executable, "-m", "searchkit", "--index", str(index), "index", "--rebuild", str(corpus)]
    subprocess.run(command, cwd=REPO, check=True, stdout=sys.stderr)
    return Store.open(index)


def cold_caches() -> None:
    """Forget analyzed words, as a new process would have."""
    highlight.clear_caches()
    for item in getattr(ANALYZER, "items", []):
        if hasattr(item, "clear"):
            item.clear()


def timed(store: Store, query: str, with_highlights: bool, view: View) -> tuple[float, int]:
    cold_caches()
    start = time.perf_counter()
    result = search(store, query, limit=10, highlight=with_highlights)
    if with_highlights:
        for hit in result.hits:
            hit_fragments(hit, view)
    return time.perf_counter() - start, result.total


def run(store: Store, rounds: int) -> dict[str, dict[bool, list[float]]]:
    """Seconds per query class and mode; the two modes alternate so that load drifts hit both alike."""
    view = View(width=80)
    times: dict[str, dict[bool, list[float]]] = {c: {False: [], True: []} for c in QUERIES}
    for kind, queries in QUERIES.items():  # warm the searcher and the disk cache, untimed
        for query in queries:
            search(store, query)
    for n in range(rounds):
        for kind, queries in QUERIES.items():
            for query in queries:
                for mode in ((False, True) if n % 2 == 0 else (True, False)):
                    times[kind][mode].append(timed(store, query, mode, view)[0])
    return times


def report(store: Store, times: dict[str, dict[bool, list[float]]], rounds: int) -> None:
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    print(f"index: {store.directory} ({store.passage_count()} passages); {rounds} rounds; "
          f"load average {os.getloadavg()[0]:.2f} at the end")
    print(f"{'class':<10} {'queries':>7} {'without ms':>11} {'with ms':>9} {'added ms':>9} {'added':>7}")
    for kind, modes in times.items():
        off, on = ms(modes[False]), ms(modes[True])
        print(f"{kind:<10} {len(QUERIES[kind]):>7} {off:>11.1f} {on:>9.1f} {on - off:>9.1f} "
              f"{(on / off - 1) * 100:>6.1f}%")
    off = ms([t for m in times.values() for t in m[False]])
    on = ms([t for m in times.values() for t in m[True]])
    verdict = "met" if on <= off * 1.25 else "NOT met"
    print(f"median query time without highlights: {off:.1f} ms; with highlights of the top 10: {on:.1f} ms; "
          f"added {on - off:.1f} ms = {(on / off - 1) * 100:.1f}% (target at most 25%: {verdict})")
    # Under load the medians drift; each query's fastest run in each mode is steadier.
    best = [(min(m[False][i::n]), min(m[True][i::n])) for m, n in ((m, len(QUERIES[k])) for k, m in times.items())
            for i in range(n)]
    print(f"fastest run per query, median over queries: without {ms([b[0] for b in best]):.1f} ms, with "
          f"{ms([b[1] for b in best]):.1f} ms; highlighting adds {ms([b[1] - b[0] for b in best]):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of UN speeches (.txt)")
    parser.add_argument("--index", type=Path, default=Path(tempfile.gettempdir()) / "searchkit-bench-ungdc-sample")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index first")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}; give --corpus DIR")
    store = open_index(args.index, args.corpus, args.rebuild)
    report(store, run(store, args.rounds), args.rounds)


if __name__ == "__main__":
    main()
