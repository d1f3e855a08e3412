"""What a served request may be, and how a command that fails unexpectedly is answered."""

from __future__ import annotations

import os

import click

from searchkit.cli.launch import request
from searchkit.cli.protocol import PROTOCOL
from searchkit.cli.serve import execute, well_formed


def test_only_what_a_client_sends_is_a_request():
    assert well_formed(request(["search", "x"]))
    assert well_formed({"protocol": PROTOCOL, "stop": True})
    good = request(["search", "x"])
    for broken in [None, [], {"protocol": 0}, {**good, "argv": "search x"}, {**good, "argv": [b"x"]},
                   {**good, "env": {"A": 1}}, {**good, "tty": [1, 0]}, {**good, "size": [80]},
                   {k: v for k, v in good.items() if k != "cwd"}]:
        assert not well_formed(broken), broken


def test_a_command_that_hits_a_bug_answers_exit_2_in_one_line():
    @click.command()
    def broken() -> None:
        raise RuntimeError("a bug")

    req = {**request([]), "cwd": os.getcwd()}
    assert execute(broken, req) == {"code": 2, "internal": True, "output": [
        (1, "searchkit: internal error (RuntimeError: a bug); please report it\n")]}


def test_a_slow_request_yields_the_processor_in_its_own_thread_and_the_worker_keeps_its_priority():
    import socket
    import threading
    import time

    from searchkit.cli import serve_pool

    seen = {}

    def slow(conn, started):
        spent = time.thread_time()
        while time.thread_time() - spent < serve_pool.SLOW_SECONDS + 0.15:
            pass
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        seen["thread"] = threading.get_ident()
        return "done"

    worker_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    left, right = socket.socketpair()
    with left, right:
        assert serve_pool.answer(left, slow, lambda seconds: None) == ("done", True)
    assert seen["nice"] == serve_pool.SLOW_NICE
    assert seen["thread"] != threading.get_ident()  # the request ran in a thread of its own
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == worker_nice


def test_once_idle_after_a_burst_a_worker_that_ran_slow_is_replaced_by_a_fresh_one(tmp_path, monkeypatch):
    import socket
    import threading
    import time

    from searchkit.cli import serve_pool

    monkeypatch.setattr(serve_pool, "RETIRE_SECONDS", 0.3)

    def serve_one(conn, started):
        started(5.0)
        spent, slow = time.thread_time(), conn.recv(1) == b"s"
        while slow and time.thread_time() - spent < serve_pool.SLOW_SECONDS + 0.05:
            pass
        conn.sendall(b"k")
        return "done"

    def ask(kind: bytes) -> bytes:
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(str(tmp_path / "s.sock"))
            client.sendall(kind)
            return client.recv(1)

    def pids(wanted, seconds=10.0):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [w.pid for w in pool.workers if w.ready]
            if wanted(found):
                return found
            time.sleep(0.02)
        raise AssertionError(f"workers: {[w.pid for w in pool.workers]}")

    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "s.sock"))
        listening.listen()
        pool = serve_pool.Pool(listening, serve_one, 1, lambda: None)
        state = {"stop": False}
        running = threading.Thread(target=pool.run, args=(state,))
        running.start()
        try:
            first = pids(lambda found: len(found) == 1)
            assert ask(b"q") == b"k"
            time.sleep(0.6)
            assert pids(lambda found: len(found) == 1) == first  # a quick request leaves it be
            assert ask(b"s") == b"k"
            assert pids(lambda found: len(found) == 1 and found != first) != first
        finally:
            state["stop"] = True
            running.join(timeout=30)
