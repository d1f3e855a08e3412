"""The web pages at the scale of a real archive: a search page (10 hits, facet counts, the year chart)
against the same ``searchkit search`` through ``searchkit serve``, the passage page, and 20 clients at once.

    python bench/web.py                          # 3,000 UN speeches (about 100,000 passages)
    python bench/web.py --size 1000 --queries 20 # smaller and quicker
    python bench/web.py --index DIR              # an index already built

The UN General Debate archive is unpacked and subset as ``bench/scale.py`` does (the same cache and
seeded order), and indexed with the CLI unless ``--index`` names an index. For each of the first
``--queries`` queries of ``bench/queries_scale.tsv`` it times, warm: ``searchkit search QUERY`` as a user
runs it while ``searchkit serve`` holds the index (the whole command, client process included); the search
page ``/search?q=QUERY`` fetched from ``searchkit web``; and the passage page of the query's first hit.
Then ``--clients`` threads fetch every page of every query at once, and every answer must be 200.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional

from common import REPO, percentile
from scale import ARCHIVE, CONSOLE_SCRIPT, QUERIES, load, peak_rss_kib, subset, unpack

CLI = [sys.executable, "-c", CONSOLE_SCRIPT]


def queries(n: int) -> list[str]:
    rows = [line.split("\t", 1)[1].strip() for line in QUERIES.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    return rows[:n]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(cmd: list[str], ready: str) -> subprocess.Popen:
    """A server process, once its first stderr line says it is ready."""
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()  # type: ignore[union-attr]
    if ready not in line:
        proc.kill()
        raise SystemExit(f"{' '.join(cmd[3:])} did not start: {line.strip()}")
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=30)
    proc.stderr.close()  # type: ignore[union-attr]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def timed(func: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = func(*args)
    return (time.perf_counter() - started) * 1000, out


def quiet(cmd: list[str]) -> int:
    return subprocess.run(cmd, capture_output=True, cwd=REPO).returncode


def served_searches(index: Path, picks: list[str], repeat: int) -> dict[str, list[float]]:
    """ms of each ``searchkit search QUERY`` while ``searchkit serve`` runs (the best of ``repeat``)."""
    server = start([*CLI, "--index", str(index), "serve"], "serving")
    try:
        out = {}
        for query in picks:
            cmd = [*CLI, "--index", str(index), "search", query, "-n", "10"]
            out[query] = min(timed(quiet, cmd)[0] for _ in range(repeat))
        return out
    finally:
        subprocess.run([*CLI, "--index", str(index), "serve", "--stop"], capture_output=True, cwd=REPO)
        server.wait(timeout=30)
        server.stderr.close()  # type: ignore[union-attr]


def first_passage(base: str, query: str) -> Optional[str]:
    status, body = fetch(base + "api/search?" + urllib.parse.urlencode({"q": query, "n": 1}))
    hits = json.loads(body)["hits"] if status == 200 else []
    return hits[0]["passage_id"] if hits else None


def web_pages(base: str, picks: list[str], repeat: int) -> tuple[dict[str, float], dict[str, float], list[str]]:
    """ms of each search page and of its first hit's passage page (the best of ``repeat``), and the URLs."""
    search, passage, urls = {}, {}, []
    for query in picks:
        url = base + "search?" + urllib.parse.urlencode({"q": query})
        search[query] = min(timed(fetch, url)[0] for _ in range(repeat))
        urls += [url, base + "kwic?" + urllib.parse.urlencode({"q": query}),
                 base + "api/search?" + urllib.parse.urlencode({"q": query})]
        ident = first_passage(base, query)
        if ident:
            page = base + "passage?" + urllib.parse.urlencode({"id": ident, "q": query})
            passage[query] = min(timed(fetch, page)[0] for _ in range(repeat))
            urls.append(page)
    return search, passage, urls


def crowd(urls: list[str], clients: int, each: int) -> tuple[int, int, float, float]:
    """``clients`` threads fetch ``each`` of the URLs (each client from its own place in the list, so that
    between them they fetch every URL): answers, failures, wall s, p95 ms."""
    times: list[float] = []
    failures = 0
    lock = threading.Lock()

    def client(n: int) -> None:
        nonlocal failures
        start = n * len(urls) // clients
        for url in (urls[start:] + urls[:start])[:each]:
            ms, (status, _) = timed(fetch, url)
            with lock:
                times.append(ms)
                failures += status != 200

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return len(times), failures, time.perf_counter() - started, percentile(times, 0.95)


def build(args: argparse.Namespace) -> Path:
    if args.index:
        return args.index
    docs = subset(unpack(args.archive, args.cache), args.size, args.seed, args.cache)
    index = args.cache / f"web-index-{args.seed}-{args.size}"
    if not (index / ".built").exists():
        shutil.rmtree(index, ignore_errors=True)
        print(f"indexing {args.size} speeches into {index} ...", file=sys.stderr)
        subprocess.run([*CLI, "--index", str(index), "index", str(docs)], check=True, cwd=REPO)
        (index / ".built").touch()
    return index


def stats(values: list[float]) -> str:
    if not values:
        return "n/a (no query matched)"
    return f"p50 {statistics.median(values):7.1f}  p95 {percentile(values, 0.95):7.1f}  max {max(values):7.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, help="an index already built (else the UN subset is indexed)")
    ap.add_argument("--size", type=int, default=3000, help="UN speeches to index (3000: about 100,000 passages)")
    ap.add_argument("--queries", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best counts")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--each", type=int, default=20, help="pages each client fetches while all fetch at once")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--archive", type=Path, default=ARCHIVE)
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "searchkit-bench-ungdc")
    args = ap.parse_args()
    index = build(args)
    picks = queries(args.queries)
    passages = subprocess.run([*CLI, "--index", str(index), "stats", "--json"], capture_output=True, text=True,
                              cwd=REPO).stdout
    served = served_searches(index, picks, args.repeat)
    port = free_port()
    web = start([*CLI, "--index", str(index), "web", "--port", str(port)], "serving")
    try:
        base = f"http://127.0.0.1:{port}/"
        search, passage, urls = web_pages(base, picks, args.repeat)
        answers, failures, wall, p95 = crowd(urls, args.clients, args.each)
        rss_mib = peak_rss_kib(web.pid) / 1024
    finally:
        stop(web)
    report(index, passages, picks, served, search, passage, (answers, failures, wall, p95), args.clients)
    print(f"web server peak RSS           {rss_mib:.0f} MB")


def report(index: Path, passages: str, picks: list[str], served: dict[str, float], search: dict[str, float],
           passage: dict[str, float], crowded: tuple[int, int, float, float], clients: int) -> None:
    ratios = [search[q] / served[q] for q in picks]
    print(f"== {index} ({json.loads(passages)['passages']:,} passages; {load()}), {len(picks)} queries, ms")
    print(f"searchkit search via serve   {stats(list(served.values()))}")
    print(f"web search page              {stats(list(search.values()))}")
    print(f"  page / served search       p50 {statistics.median(ratios):5.2f}x  p95 {percentile(ratios, 0.95):5.2f}x"
          f"  max {max(ratios):5.2f}x   (target: at most 3x)")
    print(f"web passage page             {stats(list(passage.values()))}   (target: under 100 ms)")
    answers, failures, wall, p95 = crowded
    print(f"{clients} clients at once           {answers} pages in {wall:.1f} s, {failures} not 200, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
