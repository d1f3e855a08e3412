"""``searchkit serve``: searches go through a resident server when one runs, and run in-process when not."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from searchkit.cli.launch import forward, socket_path
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # processes killed, servers and watchers started: the inner loop skips them

# Runs `forward` in a fresh interpreter; its last stderr line: the status the server sent (None when no
# server answered) and whether Whoosh and click got imported.
PROBE = ("import sys; from searchkit.cli.launch import forward; code = forward(sys.argv[1:]); "
         "print(code, 'whoosh' in sys.modules, 'click' in sys.modules, file=sys.stderr)")


def searchkit(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "searchkit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture
def server(seeds_index: Path):
    """A running ``searchkit serve`` on the seeds index; stopped (and checked to stop) afterwards."""
    proc = subprocess.Popen([sys.executable, "-m", "searchkit", "--index", str(seeds_index), "serve"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = proc.stderr.readline()
    assert ready.startswith(f"searchkit: serving {seeds_index.resolve()} on "), ready
    yield proc
    if proc.poll() is None:
        searchkit("--index", str(seeds_index), "serve", "--stop")
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()


def probe(*args: str) -> tuple[str, str]:
    """The stdout of ``forward(args)`` in a fresh process, and its ``code whoosh? click?`` line."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=REPO, capture_output=True, text=True, timeout=60)
    return done.stdout, done.stderr.splitlines()[-1]


def test_a_search_is_answered_by_the_server_with_the_in_process_output(server, seeds_index, run):
    args = ["--index", str(seeds_index), "search", '"green lanes"', "--json"]
    out, status = probe(*args)
    assert status == "0 False False"  # answered remotely; this process never imported Whoosh or click
    local = run(*args[2:], index=seeds_index)
    assert local.exit_code == 0
    assert out == local.stdout
    assert [json.loads(line)["passage_id"] for line in out.splitlines()] == [
        "000_12979fbd4c949159.txt#7", "000_12979fbd4c949159.txt#8"]


def test_nothing_found_keeps_exit_status_1_and_the_note_on_stderr(server, seeds_index):
    done = searchkit("--index", str(seeds_index), "search", "zzqxv")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "searchkit: no passages match 'zzqxv'\n"
    assert probe("--index", str(seeds_index), "search", "zzqxv")[1] == "1 False False"


def test_the_server_sees_documents_indexed_after_it_started(server, seeds_index, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "new.txt").write_text("Quokkas crossed the fast lanes.\n", encoding="utf-8")
    assert searchkit("--index", str(seeds_index), "index", str(extra)).returncode == 0
    out, status = probe("--index", str(seeds_index), "search", "quokkas", "--color", "never")
    assert status == "0 False False"
    assert "Quokkas crossed the fast lanes." in out


def test_stop_ends_the_server_and_removes_its_socket(server, seeds_index):
    done = searchkit("--index", str(seeds_index), "serve", "--stop")
    assert (done.returncode, done.stderr) == (0, f"searchkit: stopped the server of {seeds_index}\n")
    assert server.wait(timeout=30) == 0
    assert server.stderr.read() == f"searchkit: stopped serving {seeds_index}\n"
    assert not os.path.exists(socket_path(str(seeds_index)))


def test_ctrl_c_ends_the_server_cleanly(server, seeds_index):
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=30) == 0
    assert not os.path.exists(socket_path(str(seeds_index)))


def test_a_second_server_on_the_same_index_is_refused(server, seeds_index):
    done = searchkit("--index", str(seeds_index), "serve")
    assert done.returncode == 2
    assert done.stderr == (f"searchkit: a server already runs for {seeds_index.resolve()}; "
                           "stop it with: searchkit serve --stop\n")


def test_the_served_command_writes_the_whole_answer_and_exits_with_its_status(server, seeds_index, run):
    args = ["search", "lanes", "--color", "never", "-n", "3"]
    done = searchkit("--index", str(seeds_index), *args)
    local = run(*args, index=seeds_index)
    assert (done.returncode, done.stdout, done.stderr) == (0, local.stdout, "")
    assert probe("--index", str(seeds_index), *args)[1] == "0 False False"  # it was the server's answer


def test_a_served_answer_piped_into_a_reader_that_went_away_ends_quietly(server, seeds_index):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the answer comes, as with `| head -0`: every write fails
    try:
        done = subprocess.run([sys.executable, "-m", "searchkit", "--index", str(seeds_index), "search", "lanes"],
                              cwd=REPO, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


def test_without_a_server_search_runs_in_process(seeds_index):
    assert forward(["--index", str(seeds_index), "search", "lanes"]) is None
    done = searchkit("--index", str(seeds_index), "search", '"green lanes"', "--color", "never")
    assert done.returncode == 0 and "green lanes" in done.stdout


def test_a_stale_socket_left_by_a_killed_server_falls_back(seeds_index):
    import socket

    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(socket_path(str(seeds_index)))  # bound, never listening: what a killed server leaves behind
    stale.close()
    assert forward(["--index", str(seeds_index), "search", "lanes"]) is None
    done = searchkit("--index", str(seeds_index), "search", "lanes", "--json")
    assert done.returncode == 0 and '"lanes"' in done.stdout


def test_stop_without_a_server_says_so(seeds_index):
    done = searchkit("--index", str(seeds_index), "serve", "--stop")
    assert (done.returncode, done.stderr) == (0, f"searchkit: no server runs for {seeds_index}\n")


def test_serve_without_an_index_says_how_to_build_one(tmp_path):
    done = searchkit("--index", str(tmp_path / "none"), "serve")
    assert done.returncode == 2
    assert done.stderr == f"searchkit: no index at {tmp_path / 'none'}; build one with: searchkit index PATH\n"


def test_a_resident_process_keeps_its_store_and_searcher_until_a_commit(run, corpus, tmp_path, monkeypatch):
    from searchkit.search.searcher import Searcher
    from searchkit.store import store as index

    monkeypatch.setattr(index, "RESIDENT", True)
    monkeypatch.setattr(index, "_OPENED", {})
    assert run("index", str(corpus)).exit_code == 0
    ix = tmp_path / "ix"
    first = index.Store.open_cached(ix)
    searcher = Searcher.of(first)
    assert index.Store.open_cached(ix) is first and Searcher.of(first) is searcher
    searcher.release()  # kept with its store: still open
    assert searcher.search("mekong").hits
    (corpus / "new.txt").write_text("Fisheries agreement.\n", encoding="utf-8")
    assert run("index", str(corpus)).exit_code == 0
    second = index.Store.open_cached(ix)
    assert second is not first and searcher.searcher.is_closed
    assert [h.passage_id for h in Searcher.of(second).search("fisheries").hits] == ["new.txt#1"]
    second.release()


@pytest.mark.parametrize("env", [{}, {"COLUMNS": "132"}, {"LINES": "50"}, {"COLUMNS": "0", "LINES": "x"},
                                 {"COLUMNS": "100", "LINES": "40"}])
def test_the_client_reports_the_terminal_size_shutil_would(env, monkeypatch):
    import shutil

    from searchkit.cli.launch import terminal_size

    for name in ("COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert terminal_size() == tuple(shutil.get_terminal_size())


def test_show_and_cite_are_served_with_the_in_process_output(server, seeds_index, run):
    for args in (["show", "000_12979fbd4c949159.txt#7", "--json"],
                 ["cite", "leaders conducted frequent cloud diplomacy", "--json"]):
        out, status = probe("--index", str(seeds_index), *args)
        local = run(*args, index=seeds_index)
        assert status == f"{local.exit_code} False False", args  # answered by the server
        assert out == local.stdout, args


def test_arguments_only_this_process_can_read_are_not_forwarded(server, seeds_index):
    for args in (["cite", "-"], ["search", "--batch", "/dev/stdin"], ["search", "--batch", "/dev/fd/0"]):
        assert forward(["--index", str(seeds_index), *args]) is None


def test_the_installed_command_hands_a_search_over_importing_no_re_whoosh_or_click(server, seeds_index):
    # bin/searchkit is what pip installs as `searchkit`; a served search should cost an interpreter start.
    # Only what the command itself imports counts, not what the interpreter's start-up imported.
    script = (REPO / "bin" / "searchkit").read_text(encoding="utf-8")
    check = script.replace("import sys\n", "import sys\nbefore = set(sys.modules)\n", 1).replace(
        "    sys.exit(main())", "    code = main.__globals__['forward'](sys.argv[1:])\n    print(code, [m for m in "
        "('re', 'whoosh', 'click') if m in sys.modules and m not in before], file=sys.stderr)")
    assert "before = set(sys.modules)" in check and "forward" in check
    # -S: no site start-up, so the checkout is found through PYTHONPATH however the package was installed.
    done = subprocess.run([sys.executable, "-S", "-c", check, "--index", str(seeds_index), "search", '"green lanes"',
                           "-n", "1", "--color", "never"], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.stderr.splitlines()[-1] == "0 []", done.stderr
    assert "green lanes" in done.stdout
    assert script.startswith("#!python\n")  # pip writes the environment's interpreter there


def test_the_installed_command_indexes_with_worker_processes(tmp_path):
    # The workers load the main script again (as __mp_main__): without its __main__ guard each of them
    # ran the command too, and the run broke on its own write lock.
    corpus = tmp_path / "many"
    corpus.mkdir()
    for n in range(24):  # workers start from 20 files
        (corpus / f"d{n:02d}.txt").write_text(f"Statement {n}\n\nThe fisheries talks went on, day {n}.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(REPO / "bin" / "searchkit"), "--index", str(tmp_path / "ix"), "index",
                           str(corpus), "--jobs", "2", "--json"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert json.loads(done.stdout)["added"] == 24


def ask(index: Path, argv: list[str], env: dict | None = None) -> dict:
    """One request over the server's socket, as the ``searchkit`` command sends it; the raw reply."""
    import socket as sockets

    from searchkit.cli.launch import request
    from searchkit.cli.protocol import receive, send

    req = request(argv)
    req["env"].update(env or {})
    with sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM) as sock:
        sock.connect(socket_path(str(index)))
        send(sock, req)
        return receive(sock)


def test_garbage_and_clients_that_go_away_cost_nothing(server, seeds_index):
    import socket as sockets

    path = socket_path(str(seeds_index))
    for junk in [b"", b"\x00\x00", b"\xff" * 8 + b"junk", (5).to_bytes(8, "big") + b"\x00\x01\x02\x03\x04",
                 (3).to_bytes(8, "big") + b"N\x00", b"GET / HTTP/1.1\r\n\r\n"]:
        with sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM) as sock:
            sock.connect(path)
            sock.sendall(junk)
    reply = ask(seeds_index, ["--index", str(seeds_index), "search", '"green lanes"'])
    assert reply["code"] == 0 and "green lanes" in "".join(text for _, text in reply["output"]).lower()


def test_several_clients_are_answered_at_once(server, seeds_index):
    from concurrent.futures import ThreadPoolExecutor

    argv = ["--index", str(seeds_index), "search", "--json", "vaccine"]
    with ThreadPoolExecutor(12) as pool:
        replies = list(pool.map(lambda _: ask(seeds_index, argv), range(36)))
    assert {r["code"] for r in replies} == {0}
    assert len({"".join(t for _, t in r["output"]) for r in replies}) == 1


def test_a_request_stuck_past_its_limit_is_answered_with_exit_2_and_the_server_goes_on(server, seeds_index,
                                                                                      tmp_path):
    (tmp_path / "inbox").mkdir()
    # The `searchkit` command forwards only searches; a raw request can ask for a command that never ends.
    stuck = ask(seeds_index, ["--index", str(tmp_path / "ix"), "index", "--watch", str(tmp_path / "inbox")],
                {"SEARCHKIT_MAX_SECONDS": "0.2"})
    assert stuck["code"] == 2
    assert stuck["output"] == [(1, "searchkit: the request ran far past its time limit (SEARCHKIT_MAX_SECONDS) "
                                   "and was stopped; narrow it: fewer words, phrases or wildcards\n")]
    assert ask(seeds_index, ["--index", str(seeds_index), "search", "vaccine"])["code"] == 0
