"""--watch: a burst of changes under a source is one incremental run; the index's own writes are not changes."""

from __future__ import annotations

import threading
import time

import pytest

from searchkit.indexing import watch as watching

pytestmark = pytest.mark.slow  # processes killed, servers and watchers started: the inner loop skips them


def test_changes_trigger_one_run_each_burst(tmp_path, monkeypatch):
    monkeypatch.setattr(watching, "QUIET_SECONDS", 0.3)
    source, index = tmp_path / "in", tmp_path / "in" / "ix"  # the index inside the watched folder
    index.mkdir(parents=True)
    runs: list[float] = []
    stop = threading.Event()
    thread = threading.Thread(target=watching.watch, args=([source], index, lambda: runs.append(time.monotonic()), stop))
    thread.start()
    try:
        time.sleep(0.5)  # the observer is up
        (index / "_searchkit_1.toc").write_bytes(b"our own commit")
        (source / "notes.rtf").write_text("not an input", encoding="utf-8")
        time.sleep(1.0)
        assert runs == []
        for n in range(3):
            (source / f"new{n}.txt").write_text("a new statement", encoding="utf-8")
        deadline = time.monotonic() + 10
        while not runs and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.8)
        assert len(runs) == 1
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_watch_from_the_command_line_indexes_new_files(tmp_path):
    import subprocess
    import sys

    from tests.conftest import REPO

    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text("First statement.\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "searchkit", "--index", str(tmp_path / "ix"), "index",
                                str(source), "--watch"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline().startswith("1 added, 0 updated")
        time.sleep(0.5)
        (source / "b.txt").write_text("Second statement.\n", encoding="utf-8")
        assert process.stdout.readline().startswith("1 added, 0 updated, 0 removed, 1 unchanged")
        (source / "a.txt").unlink()
        assert process.stdout.readline().startswith("0 added, 0 updated, 1 removed, 1 unchanged")
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert err == ("searchkit: watching 1 source(s) for changes; Ctrl-C stops\n"
                   "searchkit: stopped watching\n")
