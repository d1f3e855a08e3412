"""Killing index runs at any moment, searching while one runs, and the write lock.

Each kill test runs ``python -m searchkit index`` in a subprocess on a generated corpus with small commits
(20 of them: the 8th is far enough from the end of a fast run),
kills it (SIGKILL after some commits, or ``os._exit`` at a chosen line of the commit protocol), then checks
that the index opens, verifies, answers, and that the next run completes it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from searchkit.store.commits import toc_generations
from searchkit.store.lock import WriteLock
from searchkit.store.status import verify
from searchkit.store.store import Store
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # processes killed, servers and watchers started: the inner loop skips them

DOCS = 60
WORDS = "trade sanctions climate fisheries vaccine summit treaty border ocean delegation minister council".split()


@pytest.fixture
def big(tmp_path: Path) -> Path:
    rng = random.Random(7)
    root = tmp_path / "big"
    root.mkdir()
    for n in range(DOCS):
        paras = [f"Statement {n}"] + [" ".join(rng.choice(WORDS) for _ in range(30)) + "." for _ in range(3)]
        paras[-1] += " Zanzibar."  # one passage of each document, and not its title, has it
        (root / f"doc{n:04d}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return root


def start(ix: Path, *args: str, prelude: str = "", env: dict | None = None) -> subprocess.Popen:
    """``searchkit --index ix ARGS`` in a subprocess, after running ``prelude`` (to plant a crash)."""
    code = f"import sys\n{prelude}\nfrom searchkit.cli.main import main\nmain(sys.argv[1:], prog_name='searchkit')\n"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--index", str(ix), *args], cwd=REPO,
        env={**os.environ, "SEARCHKIT_BATCH_DOCS": "3", **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def wait_for_commits(ix: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        if ix.is_dir() and toc_generations(ix) and toc_generations(ix)[0] >= count:
            return
        time.sleep(0.005)
    raise AssertionError(f"no commit {count} seen; the run ended with {finish(process)}")


def assert_whole(ix: Path) -> int:
    """The index opens, verifies, and every recorded document has all its passages; its document count."""
    store = Store.open(ix)
    result = verify(store)
    assert result.problems == []
    assert all(record.passages > 0 for record in store.manifest.docs.values())  # verify counted them all
    return len(store.manifest.docs)


def assert_completes(run, ix: Path, big: Path, held: int) -> None:
    result = run("index", str(big), "--json", index=ix)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["added"], report["unchanged"], report["documents"]) == (DOCS - held, held, DOCS)
    assert assert_whole(ix) == DOCS
    hits = run("search", "Zanzibar", "-n", "1000", "--json", index=ix).stdout.splitlines()
    assert len(hits) == DOCS and len({json.loads(h)["doc_id"] for h in hits}) == DOCS


@pytest.mark.parametrize("commits", [1, 4, 8])
def test_sigkill_after_some_commits(run, tmp_path, big, commits):
    ix = tmp_path / "ix"
    process = start(ix, "index", str(big))
    wait_for_commits(ix, commits, process)
    time.sleep(random.Random(commits).uniform(0, 0.05))  # somewhere inside the next batch
    process.kill()
    process.communicate(timeout=30)
    held = assert_whole(ix)
    assert 0 < held < DOCS
    assert run("search", "fisheries", index=ix).exit_code == 0
    assert_completes(run, ix, big, held)


CRASH = """
import os
from searchkit.store import commits, store
def crash_on(owner, name, call):
    original, calls = getattr(owner, name), []
    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            os._exit(137)
        return original(*args, **kwargs)
    setattr(owner, name, wrapper)
"""


@pytest.mark.parametrize("where", [
    "crash_on(store, 'save_manifest', 4)",  # a batch written, its manifest not yet
    "crash_on(commits.Writer, '_commit_toc', 3)",  # manifest written and synced, TOC not yet
    "crash_on(commits, 'clean', 3)",  # TOC renamed into place, old files not yet cleaned
    "crash_on(commits.Writer, 'add_prepared', 25)",  # in the middle of a batch's documents
    "crash_on(os, 'replace', 3)",  # the manifest's temporary file written, not renamed
])
def test_crash_at_each_step_of_a_commit(run, tmp_path, big, where):
    ix = tmp_path / "ix"
    code, out, err = finish(start(ix, "index", str(big), prelude=CRASH + where))
    assert code == 137, err
    held = assert_whole(ix)
    assert held < DOCS
    assert_completes(run, ix, big, held)
    assert not [p for p in os.listdir(ix) if p.startswith(".searchkit-tmp-") or ".toc." in p]


def test_ctrl_c_stops_cleanly(run, tmp_path, big):
    ix = tmp_path / "ix"
    process = start(ix, "index", str(big))
    wait_for_commits(ix, 3, process)
    process.send_signal(signal.SIGINT)
    code, out, err = finish(process)
    assert (code, out) == (2, "")
    assert err == "searchkit: interrupted; the index keeps its last commit: run the same command again to continue\n"
    held = assert_whole(ix)
    assert_completes(run, ix, big, held)


def test_searches_and_verify_during_a_run_see_the_last_commit(run, tmp_path, big):
    ix = tmp_path / "ix"
    process = start(ix, "index", str(big))
    wait_for_commits(ix, 1, process)
    checks = 0
    while process.poll() is None:
        result = run("search", "Zanzibar", "-n", "1000", "--json", index=ix)
        assert result.exit_code in (0, 1), result.stderr
        docs = {json.loads(line)["doc_id"] for line in result.stdout.splitlines()}
        assert len(result.stdout.splitlines()) == len(docs)  # one passage per document: never doubled or lost
        checked = run("verify", index=ix)
        assert checked.exit_code == 0, checked.stderr
        checks += 1
    assert finish(process)[0] == 0
    assert checks >= 2
    assert assert_whole(ix) == DOCS


def test_a_second_writer_waits_then_says_who_holds_the_lock(run, tmp_path, corpus, monkeypatch):
    ix = tmp_path / "ix"
    run("index", str(corpus), index=ix)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from searchkit.store.lock import WriteLock;"
         "lock = WriteLock(Path(sys.argv[1])); lock.acquire(); print('locked', flush=True); time.sleep(60)", str(ix)],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        monkeypatch.setenv("SEARCHKIT_LOCK_TIMEOUT", "0.3")
        result = run("index", index=ix)
        assert result.exit_code == 2
        lines = result.stderr.splitlines()
        assert lines[0].startswith(f"searchkit: waiting for another searchkit process (pid {holder.pid}, since ")
        assert lines[1].startswith(f"searchkit: {ix} is being written by another searchkit process (pid {holder.pid}")
        assert lines[1].endswith("waited 0.3 s: try again when it has finished (or set SEARCHKIT_LOCK_TIMEOUT to "
                                 "wait longer)")
        assert run("search", "lanes", index=ix).exit_code == 0  # readers never wait
        holder.kill()  # a stale lock: the kernel frees it with its holder
        holder.wait()
        result = run("index", "--json", index=ix)
        assert result.exit_code == 0 and result.stderr == ""
    finally:
        holder.kill()
        holder.stdout.close()
        holder.wait()


def test_kill_with_jobs_frees_the_lock_and_the_workers(run, tmp_path, big):
    ix = tmp_path / "ix"
    marker = uuid.uuid4().hex
    process = start(ix, "index", str(big), "--jobs", "2", env={"SEARCHKIT_TEST_MARKER": marker})
    wait_for_commits(ix, 2, process)
    process.kill()
    process.communicate(timeout=30)  # the workers hold its stdout too: this returns once they have exited
    lock = WriteLock(ix)
    lock.acquire(timeout=0)  # no worker inherited the lock
    lock.release()
    deadline = time.monotonic() + 10
    while marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not marked(marker), "worker processes outlived their killed parent"
    assert_completes(run, ix, big, assert_whole(ix))


def marked(marker: str) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/environ").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


def test_verify_checks_the_newer_commit_when_a_run_deleted_a_segment_it_was_reading(run, tmp_path, corpus,
                                                                                  monkeypatch):
    from searchkit.store import status

    ix = tmp_path / "ix"
    run("index", str(corpus), index=ix)
    real, calls = status.verify, []

    def racing(store):
        calls.append(store.generation)
        if len(calls) == 1:
            raise FileNotFoundError(2, "No such file or directory", str(ix / "searchkit_gone.seg"))
        return real(store)

    monkeypatch.setattr(status, "verify", racing)
    result = run("verify", index=ix)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("ok: ") and len(calls) == 2

    def always_gone(store):
        raise FileNotFoundError(2, "No such file or directory", "x.seg")

    monkeypatch.setattr(status, "verify", always_gone)  # three tries, then the one clear line
    result = run("verify", index=ix)
    assert result.exit_code == 2 and result.stderr == "searchkit: x.seg: No such file or directory; check the path and free space\n"
