"""A server started on first use: the first command runs in its own process and starts one in the
background; the next are answered by it, byte for byte the same; it stops when idle, and never answers
for another searchkit."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchkit.cli.launch import autoserve, forward
from searchkit.cli.protocol import LOCK_NAME, socket_path
from tests.conftest import REPO

ON = {"SEARCHKIT_AUTOSERVE": "1", "SEARCHKIT_SERVE_IDLE": "3"}


def searchkit(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searchkit", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO), **env})


def wait_for(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def served(index: Path) -> bool:
    return os.path.exists(socket_path(str(index)))


def test_turned_off_no_index_or_a_server_starting_starts_nothing(seeds_index, tmp_path):
    assert autoserve(str(seeds_index), {"SEARCHKIT_AUTOSERVE": "0"}) is False
    assert autoserve(str(seeds_index), {"SEARCHKIT_AUTOSERVE": "off"}) is False
    assert autoserve(str(tmp_path / "nothing"), {}) is False
    (tmp_path / "empty").mkdir()
    assert autoserve(str(tmp_path / "empty"), {}) is False  # a folder, but no index in it
    with open(seeds_index / LOCK_NAME, "a") as lock:  # what a server holds from its start to its end
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert autoserve(str(seeds_index), {}) is False
    assert not served(seeds_index)


@pytest.mark.slow
def test_the_first_search_starts_a_server_that_answers_the_next_the_same_and_stops_when_idle(seeds_index):
    args = ["--index", str(seeds_index), "search", '"green lanes"', "--json"]
    alone = searchkit(*args)  # autoserve off: the reference answer
    first = searchkit(*args, **ON)
    assert (first.returncode, first.stdout, first.stderr) == (0, alone.stdout, alone.stderr)
    assert wait_for(lambda: served(seeds_index))
    second = searchkit(*args, **ON)
    assert (second.returncode, second.stdout, second.stderr) == (0, alone.stdout, alone.stderr)
    nothing = searchkit("--index", str(seeds_index), "search", "zzqxv", **ON)
    assert (nothing.returncode, nothing.stdout, nothing.stderr) == (1, "", "searchkit: no passages match 'zzqxv'\n")
    assert wait_for(lambda: not served(seeds_index), 20)  # 3 s idle, looked at every 2 s


@pytest.mark.slow
def test_a_server_of_another_searchkit_hands_the_command_back_and_stops(seeds_index):
    assert searchkit("--index", str(seeds_index), "search", "lanes", **ON).returncode == 0
    assert wait_for(lambda: served(seeds_index))
    import searchkit.cli.launch as launch

    original = launch.release
    launch.release = lambda: "0.0.0 /elsewhere"  # a client of another install
    try:
        assert forward(["--index", str(seeds_index), "search", "lanes"]) is None
    finally:
        launch.release = original
    assert wait_for(lambda: not served(seeds_index), 20)


@pytest.mark.slow
def test_a_server_whose_index_folder_is_deleted_stops(run, tmp_path):
    from tests.conftest import SEEDS

    index = tmp_path / "temporary-ix"
    assert run("index", str(SEEDS), index=index).exit_code == 0
    assert searchkit("--index", str(index), "search", "lanes", **{**ON, "SEARCHKIT_SERVE_IDLE": "600"}).returncode == 0
    assert wait_for(lambda: served(index))
    server = [p for p in Path("/proc").glob("[0-9]*") if str(index) in read_cmdline(p)]
    import shutil

    shutil.rmtree(index)
    assert wait_for(lambda: not any(p.exists() for p in server), 20)


def read_cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
