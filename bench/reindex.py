"""Re-indexing cost and peak memory on the UN General Debate corpus.

    python bench/reindex.py [--archive TAR.GZ] [--limit N] [--work DIR] [--jobs N] [--keep]

Extracts the corpus (or its first N speeches) into a temporary folder, then runs ``searchkit index`` as a
user would, each run in its own process: a first run into a new index, an unchanged re-run, and a re-run
after changing, adding and deleting a few files. Prints seconds per run, the unchanged re-run as a share of
the first (target: under 5%), and the first run's peak memory (target: under 1 GB): the largest single
process (``ru_maxrss``) and the whole process tree (sampled from /proc every 0.1 s, which counts --jobs
workers too). Prints figures only; nothing here is a pass/fail test. The machine's load is printed too:
figures from a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

from common import CORPORA, REPO

DEFAULT_ARCHIVE = CORPORA / "ungdc" / "UNGDC_1946-2024.tar.gz"


def extract(archive: Path, target: Path, limit: int) -> Path:
    """The first ``limit`` speeches (in the archive's sorted order; 0: all) below ``target``."""
    with tarfile.open(archive) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt")
                          and not m.name.endswith("README.txt")), key=lambda m: m.name)
        if limit:
            members = members[:limit]
        tar.extractall(target, members=members, filter="data")  # keeps the archive's mtimes
    return target / members[0].name.split("/")[0]


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def index(corpus: Path, ix: Path, jobs: int) -> tuple[dict, float, int]:
    """One ``searchkit index`` run: its JSON report, wall seconds, and the peak RSS of its process tree."""
    command = [sys.executable, "-m", "searchkit", "--index", str(ix), "index", str(corpus), "--json",
               "--jobs", str(jobs)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"searchkit index failed ({process.returncode}): {err.strip()}")
    return json.loads(out), seconds, peak[0]


def change_a_few(corpus: Path) -> None:
    files = sorted(corpus.rglob("*.txt"))
    for path in files[:5]:
        path.write_text(path.read_text(encoding="utf-8-sig") + "\n\nA closing remark added later.\n",
                        encoding="utf-8")
    for path in files[5:8]:
        path.unlink()
    (corpus / "Session 99 - 2099").mkdir(exist_ok=True)
    for n in range(4):
        (corpus / "Session 99 - 2099" / f"NEW_99_2099_{n}.txt").write_text(
            f"A new speech, number {n}.\n\nOn the climate and on peace.\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--limit", type=int, default=0, help="first N speeches only (0: all 10,952)")
    parser.add_argument("--work", type=Path, default=None, help="folder for corpus and index (default: a temp one)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the extracted corpus and the index")
    args = parser.parse_args()
    if not args.archive.is_file():
        raise SystemExit(f"no corpus archive at {args.archive}; give --archive")
    work = args.work or Path(tempfile.mkdtemp(prefix="searchkit-reindex-"))
    try:
        run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, work: Path) -> None:
    print(f"load before     {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"(1/5/15 min, {os.cpu_count()} cores)")
    started = time.perf_counter()
    corpus = extract(args.archive, work / "corpus", args.limit)
    print(f"extract         {time.perf_counter() - started:.1f} s into {work}")
    ix = work / "index"
    first, first_s, tree_peak = index(corpus, ix, args.jobs)
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(f"first run       {first_s:.1f} s  ({first['added']} documents, {first['passages']} passages, "
          f"--jobs {args.jobs})")
    print(f"peak memory     {largest / 2**20:.0f} MB largest process, {tree_peak / 2**20:.0f} MB whole tree "
          "(target: < 1024 MB)")
    again, again_s, _ = index(corpus, ix, args.jobs)
    assert again["unchanged"] == first["added"] and again["added"] == again["updated"] == 0, again
    print(f"unchanged run   {again_s:.2f} s  = {100 * again_s / first_s:.2f}% of the first (target: < 5%); "
          f"searchkit's own timing {again['seconds']:.2f} s")
    change_a_few(corpus)
    changed, changed_s, _ = index(corpus, ix, args.jobs)
    print(f"after changes   {changed_s:.2f} s  (added {changed['added']}, updated {changed['updated']}, "
          f"removed {changed['removed']}, unchanged {changed['unchanged']})")
    size = sum(f.stat().st_size for f in ix.rglob("*") if f.is_file())
    print(f"index size      {size / 2**20:.0f} MB")
    print(f"load after      {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
