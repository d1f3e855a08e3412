"""Hostile queries against an index of UN speeches: every one answered in bounded time and memory, in a
fresh process and through ``searchkit serve`` under load.

    python bench/hostile.py                          # 1,000 queries, 3,000 speeches, then 20 clients x 50
    python bench/hostile.py --count 100 --size 300   # a quick run
    python bench/hostile.py --no-serve | --no-fresh

Fresh: each query runs as its own ``searchkit`` process (``search``, ``search --json --by-doc``, ``cite``
or ``search --batch``), measured with ``wait4`` (wall and peak RSS): it must exit 0, 1 or 2 with no
traceback, within ``--max-seconds`` and ``--max-mb`` (time as wall clock and as CPU: on a shared machine
the clock runs ahead of what the query costs; a query fails only over both). Served: ``searchkit serve``
runs on the same index; ``--clients`` threads each send ``--per-client`` searches over its socket (a
tenth hostile, the rest the normal queries of ``queries_scale.tsv``), as the ``searchkit`` command does;
every request must be answered, and the normal ones' median under load is compared with their median
unloaded.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

from common import REPO, percentile
from scale import ARCHIVE, CONSOLE_SCRIPT, QUERIES, load, run, subset, unpack

CLI = [sys.executable, "-c", CONSOLE_SCRIPT]
ODD = "\u200f\u200e\u202e\u2066\u0301\u0300\ufeff\u00a0\u3000\t\r\x07\x1b\x7f\U0001f600\ufffd\udcff\udc80"


def vocabulary(docs: Path, rng: random.Random, n: int = 2000) -> tuple[list[str], str]:
    """Words of the corpus and a page of its prose (for pasted-text queries)."""
    files = sorted(docs.rglob("*.txt"))[:40]
    text = " ".join(f.read_text(errors="replace") for f in files)
    words = [w for w in text.split() if w.isalpha()]
    return rng.sample(words, min(n, len(words))), text


def hostile_shapes(words: list[str], prose: str) -> list[Callable[[random.Random], str]]:
    """Query makers: the shapes of issue 19 and others that cost a naive engine time or memory."""
    w = lambda r: r.choice(words)  # noqa: E731
    letters = string.ascii_lowercase
    return [
        lambda r: r.choice(letters) * 10000,
        lambda r: "".join(r.choices(string.ascii_letters, k=10000)),
        lambda r: "a* " * 3334,
        lambda r: " ".join(r.choice(letters) + "*" for _ in range(r.randint(5, 600))),
        lambda r: "*" + r.choice(letters) + "*" + " *e*" * r.randint(0, 50),
        lambda r: " ".join(w(r) + "~2" for _ in range(r.randint(1, 300))),
        lambda r: w(r) * r.randint(5, 400) + r.choice(["~", "~2", "*", ""]),
        lambda r: "(" * (n := r.randint(50, 5000)) + w(r) + ")" * r.randint(0, n),
        lambda r: '"' + " ".join(r.choices(words, k=r.randint(100, 2000))) + '"' + r.choice(["", "~5", "~99999"]),
        lambda r: f'"{w(r)} {w(r)}"~{10 ** r.randint(1, 40)}',
        lambda r: r.choice([" AND ", " OR ", " AND NOT "]).join(r.choices(words, k=r.randint(50, 1500))),
        lambda r: " ".join(r.choice("+-") + w(r) for _ in range(r.randint(50, 1500))),
        lambda r: "NOT " * r.randint(100, 2500) + w(r),
        lambda r: prose[(i := r.randrange(len(prose) - 12000)): i + r.randint(1000, 12000)],
        lambda r: "".join(r.choice(ODD + letters + " ") for _ in range(r.randint(10, 10000))),
        lambda r: w(r) + "\u0301" * r.randint(100, 10000),
        lambda r: "year:[0000 TO 9999] date:[* TO *] " + " ".join(f"country:{w(r)}" for _ in range(200)),
        lambda r: "title:(" + " ".join(r.choices(words, k=500)) + ")" + " source:* speaker:*" * 10,
        lambda r: r.choice(["?", "*?", "?*", "**"]) * r.randint(1, 2000),
        lambda r: f"year:{'9' * r.randint(5, 400)} date:[2020-13 TO {w(r)}] kind:{w(r)} {w(r)}",
        lambda r: soup(r, words),
    ]


def soup(r: random.Random, words: list[str]) -> str:
    """Random syntax and words, in random amounts."""
    parts = ["(", ")", '"', "*", "?", "~", "~2", ":", "AND", "OR", "NOT", "-", "+", "[", "]", "{", "}",
             " TO ", "title:", "year:", "date:", "country:", "kind:", "\\", "'", "’", "“", "”", *ODD]
    return "".join(r.choice(parts) if r.random() < 0.5 else " " + r.choice(words) for _ in range(r.randint(1, 3000)))


def hostile_queries(n: int, words: list[str], prose: str, seed: int) -> list[str]:
    """``n`` queries: each shape in turn, with random ones beside them; no NUL (argv cannot carry it)."""
    rng = random.Random(seed)
    shapes = hostile_shapes(words, prose)
    return [shapes[i % len(shapes)](rng).replace("\0", "") for i in range(n)]


def command(index: Path, query: str, i: int, tmp: Path) -> list[str]:
    """One way of asking, in turn: search, search --json --by-doc, cite, search --batch (of that query)."""
    base = [*CLI, "--index", str(index)]
    mode = i % 4
    if mode == 0:
        return [*base, "search", "--", query]
    if mode == 1:
        return [*base, "search", "--json", "--by-doc", "--sort", "date", "--", query]
    if mode == 2:
        return [*base, "cite", "--", query]
    batch = tmp / f"batch-{i}.tsv"
    batch.write_text(f"q0\t{' '.join(query.split())}\n\n", errors="surrogateescape")
    return [*base, "search", "--batch", str(batch)]


def fresh(index: Path, queries: list[str], max_seconds: float, max_mb: float) -> dict[str, Any]:
    """Every query in a new process: times, peak RSS and the failures."""
    rows, failures = [], []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as tmp:
        for i, query in enumerate(queries):
            done = run(command(index, query, i, Path(tmp)), cwd=REPO, env=env)
            mb = done.rss_kib / 1024
            rows.append((done.seconds, mb, done.code, done.cpu))
            bad = done.code not in (0, 1, 2) or "Traceback" in done.err
            if bad or min(done.seconds, done.cpu) > max_seconds or mb > max_mb:
                failures.append(f"#{i} exit {done.code} {done.seconds:.2f} s {mb:.0f} MB: {query[:60]!r} "
                                f"{done.err.strip()[-300:]!r}")
    return {"rows": rows, "failures": failures}


def serve_started(index: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([*CLI, "--index", str(index), "serve"], cwd=REPO, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    sys.path.insert(0, str(REPO))
    from searchkit.cli.protocol import socket_path

    path = socket_path(str(index))
    deadline = time.monotonic() + 120
    while not os.path.exists(path):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"searchkit serve did not start: {proc.stderr.read().decode()[-500:]}")  # type: ignore
        time.sleep(0.05)
    return proc


def ask(index: Path, query: str) -> tuple[float, int]:
    """One search over the server's socket, as the ``searchkit`` command sends it: (seconds, exit code)."""
    from searchkit.cli.launch import request
    from searchkit.cli.protocol import receive, send, socket_path

    started = time.perf_counter()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(socket_path(str(index)))
        send(sock, request(["--index", str(index), "search", "--", query]))
        reply = receive(sock)
    seconds = time.perf_counter() - started
    if not reply or "code" not in reply:
        return seconds, -1
    return seconds, int(reply["code"])


def served(index: Path, normal: list[str], hostile: list[str], clients: int, per_client: int,
           think: float = 0.0) -> dict[str, Any]:
    """Unloaded medians of the normal queries (one client), then ``clients`` at once, a tenth hostile, each
    pausing a random while (``think`` seconds on average) before each search, as people and scripts do;
    with ``think`` 0 the clients send as fast as they are answered (a stress test: then every search
    waits for the others' on two cores, hostile or not)."""
    unloaded = [ask(index, q)[0] for q in normal for _ in range(2)]
    results: list[tuple[bool, float, int]] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        rng = random.Random(c)
        for k in range(per_client):
            if think:
                time.sleep(rng.expovariate(1.0 / think))
            is_hostile = k % 10 == c % 10
            query = rng.choice(hostile) if is_hostile else rng.choice(normal)
            try:
                seconds, code = ask(index, query)
            except OSError:
                seconds, code = float("nan"), -1
            with lock:
                results.append((is_hostile, seconds, code))

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"unloaded": unloaded, "results": results, "wall": time.perf_counter() - started}


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return sum(int(line.split()[1]) for line in status if line.startswith(("VmRSS",))) / 1024


def tree_rss_mb(pid: int) -> float:
    """RSS of the server and its worker processes."""
    kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return sum(rss_mb(int(p)) for p in [pid, *map(int, kids)] if Path(f"/proc/{p}").exists())


def report_fresh(out: dict[str, Any], max_seconds: float, max_mb: float) -> None:
    secs = [r[0] for r in out["rows"]]
    mbs = [r[1] for r in out["rows"]]
    cpus = [r[3] for r in out["rows"]]
    codes = {c: sum(1 for r in out["rows"] if r[2] == c) for c in sorted({r[2] for r in out["rows"]})}
    tracebacks = sum(1 for f in out["failures"] if "Traceback" in f)
    print(f"fresh process: {len(secs)} hostile queries; exit codes {codes}; {tracebacks} tracebacks")
    for name, values in (("wall", secs), ("CPU", cpus)):
        over = sum(1 for v in values if v > max_seconds)
        print(f"  {name} s: p50 {percentile(values, .5):.2f} p95 {percentile(values, .95):.2f} "
              f"max {max(values):.2f}; {over} over {max_seconds:g} s")
    print(f"  peak RSS MB: p50 {percentile(mbs, .5):.0f} max {max(mbs):.0f}; "
          f"{sum(1 for m in mbs if m > max_mb)} over {max_mb:g} MB")
    print(f"  {len(out['failures'])} failed (bad exit, traceback, or over both limits of time, or memory):")
    for line in out["failures"][:20]:
        print("  " + line)


def settle(pid: int, before: float, within: float = 10.0) -> tuple[float, float]:
    """The server's memory once the burst is over: sampled every half second until it is within 10% of
    ``before`` or ``within`` seconds have passed; (MB, seconds after the burst)."""
    started = time.monotonic()
    while True:
        time.sleep(0.5)
        now, waited = tree_rss_mb(pid), time.monotonic() - started
        if now <= before * 1.1 or waited >= within:
            return now, waited


def report_served(out: dict[str, Any], before: float, after: float, peak: float, settled: float) -> None:
    results = out["results"]
    normal = [s for h, s, c in results if not h and c in (0, 1, 2)]
    hostile = [s for h, s, c in results if h and c in (0, 1, 2)]
    unanswered = sum(1 for _, _, c in results if c not in (0, 1, 2))
    base, loaded = statistics.median(out["unloaded"]), statistics.median(normal) if normal else float("nan")
    print(f"served: {len(results)} searches from the clients in {out['wall']:.1f} s, {unanswered} unanswered; "
          f"normal median {loaded * 1000:.1f} ms loaded vs {base * 1000:.1f} ms unloaded (x{loaded / base:.2f}), "
          f"p95 {percentile(normal, .95) * 1000:.0f} ms; hostile median {statistics.median(hostile) * 1000:.0f} ms, "
          f"max {max(hostile) * 1000:.0f} ms")
    print(f"server RSS (with workers): {before:.0f} MB before, {peak:.0f} MB at most during, {after:.0f} MB "
          f"{settled:.1f} s after")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=3000, help="speeches in the index")
    ap.add_argument("--count", type=int, default=1000, help="hostile queries run in fresh processes")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--per-client", type=int, default=50)
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean seconds a client pauses before each search (0: as fast as answered)")
    ap.add_argument("--max-seconds", type=float, default=2.0)
    ap.add_argument("--max-mb", type=float, default=300.0)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--archive", type=Path, default=ARCHIVE)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "searchkit-bench-ungdc")
    ap.add_argument("--index", type=Path, help="an index of the speeches already built (else one is built)")
    ap.add_argument("--no-fresh", action="store_true")
    ap.add_argument("--no-serve", action="store_true")
    args = ap.parse_args()
    if not args.archive.exists():
        raise SystemExit(f"{args.archive} is missing: the bench needs the UN General Debate Corpus")
    args.cache.mkdir(parents=True, exist_ok=True)
    docs = subset(unpack(args.archive, args.cache), args.size, 8, args.cache)
    index = args.index or args.cache / f"ix-hostile-{args.size}"
    if not args.index and not (index / ".complete").exists():
        done = run([*CLI, "--index", str(index), "index", str(docs)], cwd=REPO)
        if done.code != 0:
            raise SystemExit(f"searchkit index failed: {done.err[-500:]}")
        (index / ".complete").touch()
    words, prose = vocabulary(docs, random.Random(args.seed))
    queries = hostile_queries(args.count, words, prose, args.seed)
    print(f"{args.size} speeches, index {index}; {load()}")
    if not args.no_fresh:
        report_fresh(fresh(index, queries, args.max_seconds, args.max_mb), args.max_seconds, args.max_mb)
    if not args.no_serve:
        normal = [line.split("\t")[-1].strip() for line in QUERIES.read_text().splitlines()
                  if line.strip() and not line.startswith("#")]
        server = serve_started(index)
        try:
            before = tree_rss_mb(server.pid)
            peak = [before]
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.wait(0.2):
                    peak[0] = max(peak[0], tree_rss_mb(server.pid))

            sampler = threading.Thread(target=sample)
            sampler.start()
            out = served(index, normal, queries[: max(20, args.count // 10)], args.clients, args.per_client,
                         args.think)
            sampling.set()
            sampler.join()
            after, settled = settle(server.pid, before)
            print(f"{args.clients} clients x {args.per_client} searches, pausing {args.think:g} s on average "
                  "before each" if args.think else f"{args.clients} clients x {args.per_client} searches, no pause")
            report_served(out, before, after, peak[0], settled)
        finally:
            subprocess.run([*CLI, "--index", str(index), "serve", "--stop"], cwd=REPO, capture_output=True)
            server.wait(timeout=30)
    print(load())


if __name__ == "__main__":
    main()
