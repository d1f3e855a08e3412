"""Searching and citing while ``searchkit index --rebuild`` runs: readers must keep the old index.

    python bench/rebuild_live.py [--size 1000] [--period 0.2] [--cache DIR]

Builds an index of ``--size`` UN General Debate speeches (unpacked as bench/scale.py does), draws real
quotations (whole sentences of indexed passages) and keywords from it, then starts a rebuild in a child
process and, every ``--period`` seconds until it ends, runs ``search`` for a keyword and ``cite`` for a
quotation (each opening the index afresh, as a command typed in a shell does). Prints how many searches
found nothing and how many quotations got ``none``, which must both be 0, and the rebuild's time.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner
from common import REPO, percentile
from scale import ARCHIVE, load, subset, unpack

sys.path.insert(0, str(REPO))

from searchkit.cli.main import main as cli  # noqa: E402
from searchkit.store.store import Store  # noqa: E402

KEYWORDS = ["disarmament", "climate change", "self-determination", "Security Council reform", "apartheid"]


def quotations(index: Path, count: int, seed: int) -> list[str]:
    """Whole sentences of 8 to 30 words from random body passages of the index."""
    store = Store.open(index)
    with store.ix.searcher() as searcher:
        stored = [fields for fields in searcher.all_stored_fields() if fields.get("kind") == "body"]
    rng, found = random.Random(seed), []
    while len(found) < count:
        sentences = [s.strip() for s in rng.choice(stored)["text"].split(". ")]
        picked = [s for s in sentences if 8 <= len(s.split()) <= 30]
        if picked:
            found.append(rng.choice(picked))
    return found


def ask(runner: CliRunner, index: Path, *args: str) -> tuple[int, str, float]:
    started = time.perf_counter()
    result = runner.invoke(cli, ["--index", str(index), *args])
    return result.exit_code, result.stdout, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--period", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "searchkit-bench-ungdc")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    docs = subset(unpack(ARCHIVE, args.cache), args.size, args.seed, args.cache)
    index = args.cache / f"rebuild-live-{args.size}"
    shutil.rmtree(index, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "searchkit", "--index", str(index), "index", str(docs)],
                   cwd=REPO, check=True, capture_output=True)
    quotes = quotations(index, 20, args.seed)
    runner = CliRunner()
    print(f"$ python bench/rebuild_live.py --size {args.size} --period {args.period}\n{load()}")
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "searchkit", "--index", str(index), "index", "--rebuild"],
                             cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    empty = none = errors = rounds = 0
    seconds: list[float] = []
    while child.poll() is None:
        tick = time.perf_counter()
        code, out, took = ask(runner, index, "search", KEYWORDS[rounds % len(KEYWORDS)], "--json")
        empty, errors, seconds = empty + (code == 1), errors + (code >= 2), seconds + [took]
        code, out, took = ask(runner, index, "cite", quotes[rounds % len(quotes)], "--json")
        verdicts = [json.loads(line)["verdict"] for line in out.splitlines()]
        none, errors, seconds = none + ("none" in verdicts[:1]), errors + (code >= 2), seconds + [took]
        rounds += 1
        time.sleep(max(0.0, args.period - (time.perf_counter() - tick)))
    rebuild = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"the rebuild failed: {child.stderr.read().decode()[-2000:]}")
    print(f"rebuild of {args.size} speeches: {rebuild:.1f} s; {rounds} rounds of search + cite during it")
    print(f"searches with no hit: {empty}; cite verdicts 'none': {none}; errors: {errors}")
    print(f"command time p50 {percentile(seconds, 0.5):.3f} s, p95 {percentile(seconds, 0.95):.3f} s")


if __name__ == "__main__":
    main()
