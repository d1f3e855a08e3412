"""Index the UN General Debate sample and time searches: passages/s, index size, query latency.

    python bench/sample.py [--corpus DIR] [--index DIR] [--rounds N]

Prints figures only; nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import CORPORA, REPO, percentile

sys.path.insert(0, str(REPO))

from searchkit.indexing.run import run_index  # noqa: E402
from searchkit.search.searcher import search  # noqa: E402
from searchkit.store.store import Store  # noqa: E402

DEFAULT_CORPUS = CORPORA / "ungdc-sample"
QUERIES = [
    "nuclear disarmament", "climate change", "sustainable development goals", "human rights",
    '"international peace and security"', '"the Charter of the United Nations"', "Palestine",
    "apartheid South Africa", "small island developing states sea level rise", "terrorism",
    "Security Council reform permanent members", "decolonization", '"Millennium Development Goals"',
    "refugees migration", "COVID-19 pandemic vaccines", "Ukraine", "landlocked developing countries",
    '"weapons of mass destruction"', "poverty eradication hunger", "Viet Nam",
]


def build(corpus: Path, directory: Path) -> Store:
    started = time.perf_counter()
    with Store.writing(directory, rebuild=True) as store:
        report = run_index(store, [str(corpus)])
    seconds = time.perf_counter() - started
    print(f"corpus          {corpus.name}: {report.documents} documents, {report.passages} passages")
    print(f"index build     {seconds:.1f} s, {report.passages / seconds:.0f} passages/s")
    print(f"index size      {store.size_bytes() / 2**20:.1f} MB")
    return Store.open(directory)


def time_queries(store: Store, rounds: int) -> list[float]:
    search(store, "warm up")
    times = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            search(store, query, limit=10)
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--index", type=Path, default=None, help="index directory (default: a temporary one)")
    parser.add_argument("--rounds", type=int, default=5, help="times each query is run warm")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"bench: {args.corpus} not found; pass --corpus DIR (the ungdc-sample folder)")
    directory = args.index or Path(tempfile.mkdtemp(prefix="searchkit-bench-")) / "ix"
    store = build(args.corpus, directory)
    times = time_queries(store, args.rounds)
    print(f"query latency   median {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms "
          f"({len(QUERIES)} queries x {args.rounds}, top 10 with highlights)")


if __name__ == "__main__":
    main()
