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
