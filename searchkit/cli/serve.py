"""``searchkit serve``: a resident process that keeps an index open and answers ``searchkit search``.

The client side is ``launch.py``: it sends the command line, working directory, environment and terminal
facts over a Unix socket; the server runs the very same click command in-process, with its output
captured in order, and sends that back. One request at a time: a query takes milliseconds here, and the
process-wide state a command touches (cwd, environment, sys.stdout) stays simple. The server holds a lock
file so that only one runs per index, and reopens the index whenever a commit changed it on disk.
"""

from __future__ import annotations

import fcntl
import io
import os
import signal
import socket
import sys
import threading
import time
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import click

from searchkit.cli.protocol import PROTOCOL, receive, send, socket_path
from searchkit.errors import SearchkitError

LOCK_NAME = "serve.lock"
Note = Callable[[str], None]


class ServeError(SearchkitError):
    """The server cannot start (another one runs, or the socket cannot be made)."""


class Capture(io.StringIO):
    """One of the client's streams: records writes in order and answers isatty() as the client's would."""

    def __init__(self, which: int, log: list[tuple[int, str]], tty: bool) -> None:
        super().__init__()
        self.which, self.log, self.tty = which, log, tty

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # as StringIO does: click probes streams with b"" to find binary ones
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self.log.append((self.which, text))
        return len(text)

    def isatty(self) -> bool:
        return self.tty


def exit_code(code: Any) -> int:
    """What a process exiting with ``sys.exit(code)`` would report."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    return 1


@contextmanager
def client_context(req: dict[str, Any], log: list[tuple[int, str]]) -> Iterator[None]:
    """The client's cwd, environment (with its terminal size) and streams, for the length of one request."""
    saved = (sys.stdout, sys.stderr, os.getcwd(), dict(os.environ))
    columns, lines = req["size"]
    try:
        os.chdir(req["cwd"])
        become({**req["env"], "COLUMNS": str(columns), "LINES": str(lines)})
        sys.stdout = Capture(0, log, req["tty"][0])
        sys.stderr = Capture(1, log, req["tty"][1])
        yield
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        os.chdir(saved[2])
        become(saved[3])


def become(env: dict[str, str]) -> None:
    """Make ``os.environ`` equal ``env``, touching only what differs (each change is a C-level setenv)."""
    for name in [n for n in os.environ if n not in env]:
        del os.environ[name]
    for name, value in env.items():
        if os.environ.get(name) != value:
            os.environ[name] = value


def execute(command: click.Command, req: dict[str, Any]) -> dict[str, Any]:
    """Run one forwarded command line exactly as the ``searchkit`` command (``command``) would."""
    log: list[tuple[int, str]] = []
    with client_context(req, log):
        try:
            command.main(args=list(req["argv"]), prog_name="searchkit", standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = exit_code(exc.code)
    return {"code": code, "output": log}


def handle(conn: socket.socket, state: dict[str, Any]) -> None:
    req = receive(conn)
    if not req or req.get("protocol") != PROTOCOL:
        send(conn, {"fallback": "unknown request"})
        return
    if req.get("stop"):
        state["stop"] = True
        send(conn, {"stopped": True})
        return
    try:
        reply = execute(state["command"], req)
    except Exception as exc:  # the client runs the command itself: the user still gets an answer
        reply = {"fallback": f"{type(exc).__name__}: {exc}"}
    send(conn, reply)


@contextmanager
def server_lock(directory: Path) -> Iterator[None]:
    """Held for the server's lifetime: a second ``serve`` on the same index fails instead of stealing it."""
    with open(directory / LOCK_NAME, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ServeError(f"a server already runs for {directory}; stop it with: searchkit serve --stop") from None
        yield


def listen(path: str) -> socket.socket:
    """A listening socket at ``path``, replacing a stale one (the lock proves nobody else serves it)."""
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # only this user may connect: requests carry the environment
    try:
        sock.bind(path)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {path} ({exc.strerror or exc})") from None
    finally:
        os.umask(old)
    sock.listen(16)
    return sock


def warm_up(directory: Path) -> None:
    """Keep stores open between commands, and import and open everything a search needs (its searcher,
    field lengths), so that the first client does not pay for it."""
    from searchkit.search.searcher import Options, Searcher
    from searchkit.store.store import Store, keep_stores_open

    keep_stores_open()
    Searcher.of(Store.open_cached(directory)).search("the united nations", Options(limit=1))


def serve(directory: Path, command: click.Command, note: Optional[Note] = None) -> None:
    """Answer forwarded command lines with ``command`` (the ``searchkit`` group) until ``searchkit serve
    --stop``, Ctrl-C or SIGTERM."""
    from searchkit.store.store import Store

    note = note or (lambda message: None)
    Store.open(directory)  # no index, or an incompatible one: the usual one-line error, before anything else
    directory = directory.resolve()
    path = socket_path(str(directory))
    state: dict[str, Any] = {"stop": False, "busy": False, "command": command}
    previous = on_signals(state)
    try:
        with server_lock(directory):
            warm_up(directory)
            with closing(listen(path)) as sock:
                try:
                    note(f"serving {directory} on {path}; stop with: searchkit serve --stop (or Ctrl-C)")
                    loop(sock, state)
                finally:
                    os.unlink(path)
    except KeyboardInterrupt:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def loop(sock: socket.socket, state: dict[str, Any]) -> None:
    while not state["stop"]:
        conn, _ = sock.accept()
        state["busy"] = True
        with conn:
            handle(conn, state)
        state["busy"] = False


def on_signals(state: dict[str, bool]) -> dict[int, Any]:
    """Ctrl-C and SIGTERM stop the server; one that arrives during a request lets it finish first."""

    def interrupt(signum: int, frame: Any) -> None:
        if not state["busy"]:
            raise KeyboardInterrupt
        state["stop"] = True

    if threading.current_thread() is not threading.main_thread():
        return {}  # signals reach the main thread only (a server run in a thread is stopped with --stop)
    return {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}


def stop_server(directory: Path, wait: float = 10.0) -> bool:
    """Ask the server of ``directory`` to stop and wait until it is gone; False when none was running."""
    path = socket_path(str(directory.resolve()))
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(path)
            send(sock, {"protocol": PROTOCOL, "stop": True})
            receive(sock)
    except (FileNotFoundError, ConnectionRefusedError):
        return False
    deadline = time.monotonic() + wait
    while os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)
    return True
