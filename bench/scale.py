"""searchkit at the scale of a real archive: the UN General Debate Corpus against SQLite FTS5 and ripgrep.

    python bench/scale.py                      # 1,000 and 3,000 documents (about 35,000 and 100,000 passages)
    python bench/scale.py --sizes all          # the whole corpus (10,952 speeches): long on a small machine
    python bench/scale.py --sizes 1000 --repeat 3 --cold 1 --show
    python bench/scale.py --sizes all --copies 5 --no-rg   # about 1.9 million passages: where one machine ends

The archive (``../shared/corpora/ungdc/UNGDC_1946-2024.tar.gz`` beside the checkout, or ``--archive``) is
unpacked once into ``--cache`` (default: the system temp dir), outside the repository. Subsets are seeded
and nested (the first N speeches of one shuffled order), kept as hard links in the cache. For each size the
bench builds the searchkit index with the CLI (then runs it again unchanged), the same passages (searchkit's
own segmentation) in SQLite FTS5 and, for cold lookups, ``rg -F -i`` over the raw files; it prints build
time, passages/s, peak RSS, index size, warm p50/p95 per query class (the top 10 with highlights each time),
cold CLI medians (in the process itself, with nothing started by the user: the server started on first
use, and through a server started beforehand), and the ratios searchkit/FTS5 and searchkit/rg. Every
figure is one run on a shared machine: the load average is printed beside it.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, NamedTuple, Optional

import scale_workers as workers
from common import CORPORA, REPO, percentile

ARCHIVE = CORPORA / "ungdc" / "UNGDC_1946-2024.tar.gz"
QUERIES = Path(__file__).resolve().parent / "queries_scale.tsv"
CLASSES = ("keyword", "phrase", "long", "filter")
# What the installed `searchkit` command (bin/searchkit) runs, from the checkout (python -m adds runpy).
CONSOLE_SCRIPT = "import sys; from searchkit.cli.launch import main; sys.exit(main())"
DEFAULT_CLI = [sys.executable, "-c", CONSOLE_SCRIPT]


def lift_time_limit() -> None:
    """Whole queries are timed: the per-request limit (1 s of processor time by default) would stop the
    long ones of the largest indexes short, and the bench would time a partial answer. Set by this bench's
    main (and counts.py's), never on import: bench/hostile.py imports this module and tests that limit."""
    os.environ.setdefault("SEARCHKIT_MAX_SECONDS", "600")


def in_process_env() -> dict[str, str]:
    """Each command in its own process, as before servers started on first use."""
    return {**os.environ, "SEARCHKIT_AUTOSERVE": "0"}


def first_use_env() -> dict[str, str]:
    """As a new user meets it: the first command starts a server."""
    return {k: v for k, v in os.environ.items() if k not in ("SEARCHKIT_AUTOSERVE", "SEARCHKIT_SERVE_IDLE")}


class Done(NamedTuple):
    seconds: float  # wall
    rss_kib: int  # the child's own peak RSS
    cpu: float  # user + system seconds of the child and the workers it waited for
    out: str
    err: str
    code: int
    tree_cpu: float = 0.0  # with ``tree``: CPU seconds of the child and every process under it
    tree_rss_kib: int = 0  # with ``tree``: the most RSS the child and its descendants held at once


def run(cmd: list[str], tree: bool = False, **kwargs: Any) -> Done:
    """Run one child process and measure it.

    The child is reaped with ``os.wait4`` for its own peak RSS (RUSAGE_CHILDREN is the max over all
    children so far); its output goes to temporary files, so nothing blocks on a full pipe. With ``tree``
    the child's whole process tree is sampled as it runs (``searchkit index`` workers are children of a
    forkserver that the CLI never waits for, so wait4's figures leave them out).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, **kwargs)
        sampler = TreeSampler(proc.pid) if tree else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if sampler:
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        own = usage.ru_utime + usage.ru_stime
        return Done(seconds, usage.ru_maxrss, own, out.read().decode(), err.read().decode(), proc.returncode,
                    *(sampler.figures(own) if sampler else (0.0, 0)))


class TreeSampler(threading.Thread):
    """Samples a process tree every 50 ms (Linux /proc): the CPU time each process was last seen with,
    and the largest sum of RSS over the tree. A process's last 50 ms of CPU can go unseen."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.done = root, threading.Event()
        self.cpu: dict[int, float] = {}
        self.peak_kib = 0

    def run(self) -> None:
        while not self.done.wait(0.05):
            total = 0
            for pid, (cpu, rss) in tree_stats(self.root).items():
                self.cpu[pid] = cpu
                total += rss
            self.peak_kib = max(self.peak_kib, total)

    def stop(self) -> None:
        self.done.set()
        self.join()

    def figures(self, root_cpu: float) -> tuple[float, int]:
        others = sum(cpu for pid, cpu in self.cpu.items() if pid != self.root)
        return root_cpu + others, self.peak_kib


def tree_stats(root: int) -> dict[int, tuple[float, int]]:
    """pid -> (CPU seconds, RSS KiB) of ``root`` and every process descended from it."""
    stats, children = {}, {}
    tick, page_kib = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        stats[pid] = ((int(fields[11]) + int(fields[12])) / tick, int(fields[21]) * page_kib)
    found, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            found[pid] = stats[pid]
        todo += children.get(pid, [])
    return found


def load() -> str:
    return "load %.2f %.2f %.2f" % os.getloadavg()


def unpack(archive: Path, cache: Path) -> list[Path]:
    """The speeches of the archive, unpacked once into ``cache``, in a stable order."""
    done = cache / ".unpacked"
    if not done.exists():
        print(f"unpacking {archive.name} into {cache} ...", file=sys.stderr)
        with tarfile.open(archive) as tar:
            tar.extractall(cache, filter="data")
        done.touch()
    return sorted(p for p in cache.glob("UNGDC_*/Session */*.txt"))


def subset(files: list[Path], size: Optional[int], seed: int, cache: Path, copies: int = 1) -> Path:
    """A folder of hard links to the first ``size`` speeches of one seeded order (so subsets nest), ``copies``
    times over in folders of their own (``copy2/...``: distinct document ids, the same text)."""
    order = files[:]
    random.Random(seed).shuffle(order)
    chosen = order[:size] if size else order
    folder = cache / (f"docs-{seed}-{len(chosen)}" + (f"-x{copies}" if copies > 1 else ""))
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        for copy in range(1, copies + 1):
            for path in chosen:
                target = folder / (f"copy{copy}" if copy > 1 else "") / path.parent.name / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copyfile(path, target)
        (folder / ".complete").touch()
    return folder


def build_searchkit(cli: list[str], docs: Path, index: Path, jobs: Optional[int]) -> dict[str, Any]:
    """First build and an unchanged re-run, through the CLI."""
    shutil.rmtree(index, ignore_errors=True)
    extra = ["--jobs", str(jobs)] if jobs else []
    cmd = [*cli, "--index", str(index), "index", str(docs), "--json", *extra]
    first = run(cmd, tree=True, cwd=REPO)
    if first.code != 0:
        raise SystemExit(f"searchkit index failed ({first.code}): {first.err.strip()[-2000:]}")
    report = json.loads(first.out.strip().splitlines()[-1])
    again = run(cmd, cwd=REPO)
    if again.code != 0:
        raise SystemExit(f"searchkit re-index failed ({again.code}): {again.err.strip()[-2000:]}")
    size = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
    segments = len(list(index.glob("*.seg")))
    return {"segments": segments, "seconds": first.seconds, "cpu": first.tree_cpu, "rss_kib": first.rss_kib,
            "tree_rss_kib": first.tree_rss_kib, "writer_cpu": first.cpu,
            "passages": report["passages"],
            "bytes": size, "reindex_seconds": again.seconds, "reindex": json.loads(again.out.strip().splitlines()[-1])}


def reused(cli: list[str], index: Path) -> dict[str, Any]:
    """An index built before (``--reuse``): its size and passages; the build's figures are not known."""
    done = run([*cli, "--index", str(index), "stats", "--json"], cwd=REPO)
    passages = json.loads(done.out)["passages"]
    nan = float("nan")
    size = sum(f.stat().st_size for f in index.rglob("*") if f.is_file())
    return {"segments": len(list(index.glob("*.seg"))), "seconds": nan, "cpu": nan, "rss_kib": 0,
            "tree_rss_kib": 0, "writer_cpu": nan, "passages": passages, "bytes": size, "reindex_seconds": nan}


def worker(*args: str) -> tuple[Any, int]:
    done = run([sys.executable, str(workers.__file__), *args])
    if done.code != 0:
        raise SystemExit(f"worker {args[0]} failed: {done.err.strip()[-2000:]}")
    return json.loads(done.out), done.rss_kib


def by_class(results: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """p50/p95 (ms, wall and CPU) over every timed run of each class's queries, and the mean matches."""
    out = {}
    for kind in CLASSES:
        rows = [r for r in results if r["class"] == kind]
        wall, cpu = [t for r in rows for t in r["ms"]], [t for r in rows for t in r.get("cpu_ms", [])]
        if wall:
            out[kind] = {"p50": percentile(wall, 0.5), "p95": percentile(wall, 0.95),
                         "hits": statistics.mean(r["total"] for r in rows)}
            if cpu:
                out[kind].update(cpu_p50=percentile(cpu, 0.5), cpu_p95=percentile(cpu, 0.95))
    return out


def cold(cmds: list[list[str]], **kwargs: Any) -> dict[str, float]:
    """Median wall ms, median CPU ms (user + system of the process) and max peak RSS (MiB) of fresh processes."""
    times, cpu, peak = [], [], 0
    for cmd in cmds:
        done = run(cmd, **kwargs)
        if done.code not in (0, 1):
            raise SystemExit(f"{shlex.join(cmd)} failed ({done.code}): {done.err.strip()[-500:]}")
        times.append(done.seconds * 1000)
        cpu.append(done.cpu * 1000)
        peak = max(peak, done.rss_kib)
    return {"median": statistics.median(times), "cpu_median": statistics.median(cpu), "rss_mib": peak / 1024}


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a running process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_kib(pid: int) -> int:
    """A running process's peak resident set so far (Linux /proc: VmHWM), in KiB; 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rg_cmd(query: str, docs: Path) -> list[str]:
    """What a user types to find the query's words in the raw files: one fixed string, case-folded."""
    text, filters = workers.split_filters(query)
    globs = []
    if "country" in filters:
        globs = ["-g", f"{filters['country']}_*.txt"]
    if "year" in filters:
        globs = ["-g", f"*_{filters['year']}.txt"]
    return ["rg", "-F", "-i", *globs, "--", text.replace('"', ""), str(docs)]


def has_serve(cli: list[str]) -> bool:
    return run([*cli, "serve", "--help"], cwd=REPO).code == 0


def cold_first_use(cli: list[str], index: Path, cmds: list[list[str]]) -> dict[str, float]:
    """Cold CLI figures as a new user meets searchkit: no server started by hand, so the first command
    starts one (in the background) and the next ones find it; stopped afterwards."""
    run([*cli, "--index", str(index), "serve", "--stop"], cwd=REPO)
    try:
        return cold(cmds, cwd=REPO, env=first_use_env())
    finally:
        run([*cli, "--index", str(index), "serve", "--stop"], cwd=REPO)


def cold_served(cli: list[str], index: Path, cmds: list[list[str]]) -> Optional[dict[str, float]]:
    """Cold CLI figures while a resident ``searchkit serve`` holds the index open (None without serve)."""
    if not has_serve(cli):
        return None
    server = subprocess.Popen([*cli, "--index", str(index), "serve"], cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        ready = server.stderr.readline()  # type: ignore[union-attr]  # serve says so once it listens
        if server.poll() is not None:
            raise SystemExit(f"searchkit serve did not start: {ready.strip()}")
        before = cpu_seconds(server.pid)
        figures = cold(cmds, cwd=REPO)
        figures["server_cpu_ms"] = (cpu_seconds(server.pid) - before) * 1000 / max(len(cmds), 1)  # a mean
        figures["server_rss_mib"] = peak_rss_kib(server.pid) / 1024
        return figures
    finally:
        run([*cli, "--index", str(index), "serve", "--stop"], cwd=REPO)
        server.wait(timeout=30)
        server.stderr.close()  # type: ignore[union-attr]


def measure(args: argparse.Namespace, docs: Path, label: str) -> dict[str, Any]:
    """Every figure for one subset."""
    queries = workers.read_queries(args.queries)
    index, db = args.cache / f"ix-{label}", args.cache / f"fts5-{label}.sqlite"
    out: dict[str, Any] = {"documents": label, "load_start": load()}
    if args.reuse and list(index.glob("_searchkit_*.toc")):
        print(f"[{label}] reusing the searchkit index {index} (no build figures) ...", file=sys.stderr)
        out["searchkit"] = reused(args.cli, index)
    else:
        print(f"[{label}] building the searchkit index ({load()}) ...", file=sys.stderr)
        out["searchkit"] = build_searchkit(args.cli, docs, index, args.jobs)
    print(f"[{label}] warm searchkit queries ...", file=sys.stderr)
    warm, rss = worker("warm-searchkit", str(index), str(args.queries), str(args.repeat))
    out["searchkit"].update(warm=warm, classes=by_class(warm), search_rss_kib=rss)
    picks = queries * args.cold
    search = [[*args.cli, "--index", str(index), "search", q, "-n", "10", "--color", "never"] for _, q in picks]
    print(f"[{label}] cold searchkit processes ...", file=sys.stderr)
    out["searchkit"]["cold"] = cold(search, cwd=REPO, env=in_process_env())
    out["searchkit"]["cold_first_use"] = cold_first_use(args.cli, index, search)
    out["searchkit"]["cold_served"] = cold_served(args.cli, index, search)
    if not args.no_fts5:
        print(f"[{label}] FTS5 ...", file=sys.stderr)
        out["fts5"] = optional("FTS5", lambda: measure_fts5(args, index, db, picks))
    if shutil.which("rg") and not args.no_rg:
        out["rg"] = optional("rg", lambda: {"cold": cold([rg_cmd(q, docs) for _, q in picks])})
    out["python_pass"] = cold([[sys.executable, "-c", "pass"]] * 5)
    out["load_end"] = load()
    return out


def measure_fts5(args: argparse.Namespace, index: Path, db: Path, picks: list[tuple[str, str]]) -> dict[str, Any]:
    built, rss = worker("fts5-build", str(index), str(db))
    warm, search_rss = worker("warm-fts5", str(db), str(args.queries), str(args.repeat))
    fts5_cold = [[sys.executable, str(workers.__file__), "cold-fts5", str(db), q] for _, q in picks]
    return dict(built, rss_kib=rss, warm=warm, classes=by_class(warm), search_rss_kib=search_rss, cold=cold(fts5_cold))


def optional(name: str, stage: Any) -> dict[str, Any]:
    """A comparison's figures; its failure is reported and leaves the rest of the run standing."""
    try:
        return stage()
    except (SystemExit, OSError, ValueError) as exc:
        print(f"note: {name} skipped: {exc}", file=sys.stderr)
        return {}


def ratio(a: Optional[float], b: Optional[float]) -> str:
    return f"{a / b:.2f}" if a is not None and b else "-"


def row(name: str, sk: Any, other: Any = None, r: str = "") -> str:
    def cell(v: Any) -> str:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return str(v) if v else "-"  # a comparison that was skipped leaves {} or None
        return f"{v:,.1f}" if isinstance(v, float) else f"{v:,}"
    return f"  {name:<30}{cell(sk):>16}{cell(other):>16}{r:>10}"


def report(m: dict[str, Any]) -> list[str]:
    sk, fts = m["searchkit"], m.get("fts5", {})
    n = sk["passages"]
    lines = [f"== {m['documents']} documents, {n:,} passages ({m['load_start']}; after: {m['load_end']})",
             row("", "searchkit", "FTS5", "sk/FTS5")]
    rate, fts_rate = n / sk["seconds"], (fts["passages"] / fts["seconds"] if fts else None)
    lines += [row("build s", sk["seconds"], fts.get("seconds"), ratio(sk["seconds"], fts.get("seconds"))),
              row("passages/s", rate, fts_rate, ratio(rate, fts_rate)),
              row("build CPU s (all processes)", sk["cpu"]),
              row("  of which the writing process", sk.get("writer_cpu")),
              row("passages per CPU s", n / sk["cpu"]),
              row("peak RSS indexing MiB (writer)", sk["rss_kib"] / 1024, fts and fts["rss_kib"] / 1024),
              row("  all processes at once MiB", sk.get("tree_rss_kib", 0) / 1024),
              row("index MiB", sk["bytes"] / 2**20, fts and fts["bytes"] / 2**20),
              row("index segments", sk.get("segments")),
              row("re-index unchanged s", sk["reindex_seconds"], None,
                  f"{100 * sk['reindex_seconds'] / sk['seconds']:.1f}%")]
    for kind in CLASSES:
        a, b = sk["classes"].get(kind), fts.get("classes", {}).get(kind)
        for stat in ("p50", "p95", "cpu_p50", "cpu_p95"):
            x, y = a and a.get(stat), b and b.get(stat)
            label = f"warm {kind} {stat.replace('cpu_', '')} ms" + (" (CPU)" if stat.startswith("cpu") else "")
            lines.append(row(label, x, y, ratio(x, y)))
        lines.append(row(f"  ({kind}: mean matches)", a and round(a["hits"]), b and round(b["hits"])))
    lines.append(row("peak RSS searching MiB", sk["search_rss_kib"] / 1024, fts and fts["search_rss_kib"] / 1024))
    cold_fts = fts.get("cold", {}).get("median")
    lines.append(row("cold CLI median ms", sk["cold"]["median"], cold_fts, ratio(sk["cold"]["median"], cold_fts)))
    lines.append(row("cold CLI median ms (CPU)", sk["cold"].get("cpu_median"), fts.get("cold", {}).get("cpu_median"),
                     ratio(sk["cold"].get("cpu_median"), fts.get("cold", {}).get("cpu_median"))))
    lines.append(row("peak RSS cold CLI MiB", sk["cold"]["rss_mib"], fts and fts["cold"]["rss_mib"]))
    first_use = sk.get("cold_first_use")
    lines.append(row("cold CLI, nothing started, median ms", first_use and first_use["median"], cold_fts,
                     ratio(first_use and first_use["median"], cold_fts)))
    served = sk.get("cold_served")
    lines.append(row("cold CLI via serve median ms", served and served["median"], cold_fts,
                     ratio(served and served["median"], cold_fts)))
    lines.append(row("peak RSS of serve MiB", served and served.get("server_rss_mib")))
    rg = m.get("rg", {}).get("cold", {}).get("median")
    rg_cpu = m.get("rg", {}).get("cold", {}).get("cpu_median")
    served_cpu = served and served.get("cpu_median", 0) + served.get("server_cpu_ms", 0)
    lines += [row("", "searchkit", "rg -F -i", "sk/rg"),
              row("cold median ms", sk["cold"]["median"], rg, ratio(sk["cold"]["median"], rg)),
              row("cold via serve median ms", served and served["median"], rg,
                  ratio(served and served["median"], rg)),
              row("cold median ms (CPU)", sk["cold"].get("cpu_median"), rg_cpu,
                  ratio(sk["cold"].get("cpu_median"), rg_cpu)),
              row("cold via serve ms (CPU, +server)", served_cpu, rg_cpu, ratio(served_cpu, rg_cpu))]
    lines.append(row("python -c pass median ms", m["python_pass"]["median"]))
    return lines + targets(m)


def targets(m: dict[str, Any]) -> list[str]:
    """The issue's targets, each met or not (n/a when a comparison was skipped), from this run's figures."""
    sk, cls, fts = m["searchkit"], m["searchkit"]["classes"], m.get("fts5", {}).get("classes")
    rg = m.get("rg", {}).get("cold", {}).get("median")
    fts_cold = m.get("fts5", {}).get("cold", {}).get("median")
    first_use, served = sk.get("cold_first_use"), sk.get("cold_served")

    def le(kind: str, stat: str, factor: float = 1.0) -> Optional[bool]:
        if not fts or stat not in cls[kind] or stat not in fts[kind]:
            return None
        return cls[kind][stat] <= factor * fts[kind][stat]

    def within(a: Optional[dict[str, float]], b: Optional[float], factor: float) -> Optional[bool]:
        return None if a is None or b is None else a["median"] <= factor * b

    checks = [
        ("cold, nothing started by the user: median <= 3x FTS5's", within(first_use, fts_cold, 3.0)),
        ("cold through a running server: median <= 0.8x rg", within(served, rg, 0.8)),
        ("warm 10+ words p50 <= 0.5x FTS5", le("long", "p50", 0.5)),
        ("warm keyword p50 <= FTS5", le("keyword", "p50")),
        ("warm phrase p50 <= FTS5", le("phrase", "p50")),
        ("warm phrase p95 <= FTS5", le("phrase", "p95")),
        ("warm filter p50 <= FTS5", le("filter", "p50")),
        ("  in CPU time: keyword p50", le("keyword", "cpu_p50")),
        ("  in CPU time: phrase p95", le("phrase", "cpu_p95")),
        ("  in CPU time: 10+ words p50 <= 0.5x", le("long", "cpu_p50", 0.5)),
        ("indexing >= 1,800 passages/s", sk["passages"] / sk["seconds"] >= 1800),
        ("re-index unchanged < 5% of build", sk["reindex_seconds"] < 0.05 * sk["seconds"]),
        ("peak RSS indexing < 1 GB (all processes)", max(sk["rss_kib"], sk.get("tree_rss_kib", 0)) * 1024 < 1e9),
        ("peak RSS searching < 300 MB (warm, cold, serve)", max(
            sk["search_rss_kib"] * 1024, sk["cold"]["rss_mib"] * 2**20,
            (served or {}).get("server_rss_mib", 0) * 2**20) < 3e8),
    ]
    word = {None: "n/a", True: "met", False: "NOT met"}
    return ["  targets:"] + [f"    {word[ok]:<8}{name}" for name, ok in checks]


def samples(m: dict[str, Any]) -> list[str]:
    """The top 3 of each class's first query from both engines, highlights in brackets."""
    lines = []
    for kind in CLASSES:
        for engine in ("searchkit", "fts5"):
            results = [r for r in m.get(engine, {}).get("warm", []) if r["class"] == kind]
            if results:
                lines.append(f"  {engine} {kind}: {results[0]['query']}  ({results[0]['total']} matches)")
                lines += [f"    {pid}: {text}" for pid, text in results[0]["top"]]
    return lines


def revision() -> str:
    """The checkout's commit (and whether it has uncommitted changes), so that figures name their code."""
    done = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else "(not a git checkout)"


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,3000", help="comma-separated document counts, 'all' for every one")
    ap.add_argument("--archive", type=Path, default=ARCHIVE, help="the UNGDC .tar.gz")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "searchkit-bench-ungdc",
                    help="where the corpus is unpacked and the indexes are built (outside the repository)")
    ap.add_argument("--queries", type=Path, default=QUERIES, help="TSV of class<TAB>query")
    ap.add_argument("--seed", type=int, default=8, help="seed of the document order (subsets nest)")
    ap.add_argument("--copies", type=int, default=1,
                    help="index each subset this many times over under distinct ids (--sizes all --copies 5: "
                         "about 1.9 million passages)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each warm query")
    ap.add_argument("--cold", type=int, default=1, help="fresh processes per query for the cold medians")
    ap.add_argument("--jobs", type=int, default=None, help="passed on as searchkit index --jobs N")
    ap.add_argument("--cli", type=shlex.split, default=DEFAULT_CLI,
                    help="how to run searchkit (default: what the installed `searchkit` command runs, from "
                         "the checkout; 'searchkit' for an installed one)")
    ap.add_argument("--reuse", action="store_true", help="search an index this bench built before, unbuilt")
    ap.add_argument("--no-fts5", action="store_true", help="skip SQLite FTS5")
    ap.add_argument("--no-rg", action="store_true", help="skip ripgrep")
    ap.add_argument("--show", action="store_true", help="print the top 3 of one query per class and engine")
    ap.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    return ap.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> None:
    lift_time_limit()
    args = parse_args(argv)
    if not args.archive.exists():
        raise SystemExit(f"{args.archive} not found; give the UNGDC archive with --archive")
    if not shutil.which("rg") and not args.no_rg:
        print("note: rg (ripgrep) is not installed; the rg column is skipped", file=sys.stderr)
    args.cache.mkdir(parents=True, exist_ok=True)
    files = unpack(args.archive, args.cache)
    if args.cli == DEFAULT_CLI:
        # pip compiles an installed package's bytecode; run from the checkout, with PYTHONDONTWRITEBYTECODE
        # set, every cold process would compile searchkit's sources again (~10 ms for the client alone).
        compileall.compile_dir(str(REPO / "searchkit"), quiet=1)
    print(f"$ python bench/scale.py {shlex.join(sys.argv[1:] if argv is None else argv)}")
    print(f"{len(files):,} speeches; {os.cpu_count()} CPUs; python {sys.version.split()[0]}; {load()}; "
          f"searchkit {revision()}")
    figures = []
    for size in args.sizes.split(","):
        count = None if size == "all" else int(size)
        docs = subset(files, count, args.seed, args.cache, args.copies)
        m = measure(args, docs, size if args.copies == 1 else f"{size}x{args.copies}")
        figures.append(m)
        if args.json:  # after each size: a long run that stops later keeps what it measured
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
        print("\n".join(report(m) + (samples(m) if args.show else [])), flush=True)


if __name__ == "__main__":
    main()
