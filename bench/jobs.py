"""How to use more than one core for indexing: searchkit's own worker pool vs Whoosh's MpWriter.

    python bench/jobs.py [--corpus DIR] [--rounds N]

Times, on the same folder of speeches (default: one session of the UN sample), each into a new index:
  - ``searchkit index --jobs 1``;
  - ``searchkit index --jobs 2``: workers read, segment and analyse; this process writes;
  - Whoosh's ``MpWriter(procs=2)``: this process reads and segments (after training Punkt, as searchkit
    does), two forked sub-writers analyse and write sub-segments that the parent merges at commit (what
    ``ix.writer(procs=2)`` gives).
Prints seconds per variant (the best of ``--rounds``) and the machine's load; figures only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CORPORA, REPO

sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = CORPORA / "ungdc-sample" / "Session 70 - 2015"


def searchkit(corpus: Path, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "searchkit", "--index", str(Path(tmp) / "ix"), "index", str(corpus),
                        "--jobs", str(jobs)], cwd=REPO, check=True, capture_output=True)
        return time.perf_counter() - started


def mpwriter(corpus: Path, procs: int) -> float:
    """Read and segment here, hand the passages to Whoosh's multiprocessing writer (as a script would)."""
    code = f"""
import sys
from pathlib import Path
from whoosh import index as windex
from searchkit.postings.schema import make_schema, passage_fields
from searchkit.ingest.files import Skipped, read_file, walk
from searchkit.ingest.passages import split_document
from searchkit.ingest.sentences import ensure_params, load_cached
files = [p for p in walk(Path(sys.argv[2])) if isinstance(p, Path)]
sentencer = load_cached(str(ensure_params(Path(sys.argv[1]), True, [str(f) for f in files])))  # as searchkit does
ix = windex.create_in(sys.argv[1], make_schema(), indexname="searchkit")
writer = ix.writer(procs={procs}, limitmb=128)
for path in files:
    for doc in read_file(path, path.name):
        if not isinstance(doc, Skipped):
            for passage in split_document(doc, sentencer):
                writer.add_document(**passage_fields(passage))
writer.commit()
"""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, tmp, str(corpus)], cwd=REPO, check=True, capture_output=True)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"no corpus at {args.corpus}; give --corpus")
    variants = [("searchkit --jobs 1", lambda: searchkit(args.corpus, 1)),
                ("searchkit --jobs 2", lambda: searchkit(args.corpus, 2)),
                ("Whoosh MpWriter procs=2", lambda: mpwriter(args.corpus, 2))]
    print(f"corpus   {args.corpus.name}: {sum(1 for _ in args.corpus.rglob('*.txt'))} files; "
          f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for name, variant in variants:
        best = min(variant() for _ in range(args.rounds))
        print(f"{name:<26} {best:6.1f} s   (load now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
