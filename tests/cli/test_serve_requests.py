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
        assert serve_pool.answer(left, slow, lambda seconds: None) == "done"
    assert seen["nice"] == serve_pool.SLOW_NICE
    assert seen["thread"] != threading.get_ident()  # the request ran in a thread of its own
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == worker_nice
