"""``searchkit serve``: a resident process that keeps an index open and answers ``searchkit search``.

The client side is ``launch.py``: it sends the command line, working directory, environment and terminal
facts over a Unix socket; a worker process (``serve_pool.py``: several answer at once, each one request at
a time, so that the process-wide state a command touches, cwd, environment and sys.stdout, stays simple)
runs the very same click command with its output captured in order, and sends that back. A request that
is not one (garbage, a client gone) costs a worker at most ``serve_pool.READ_SECONDS``; a command that
fails with an unexpected error answers exit 2 with one line. The server holds a lock file so that only
one runs per index, and each worker reopens the index whenever a commit changed it on disk. It stops by
itself when its code changed on disk (an upgrade must not be answered by the old code) and, with
``idle``, after that long without a request (how ``launch.autoserve`` starts it).
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

from searchkit.cli.protocol import LOCK_NAME, PROTOCOL, receive, release, send, socket_path
from searchkit.cli.serve_pool import Pool
from searchkit.errors import SearchkitError
from searchkit.query.limits import Limits

MAX_REQUEST_BYTES = 16 << 20  # argv, environment and cwd: far less; more is not a request
WORKERS = 4  # requests answered at once (a slow one holds one worker, up to its time limit)
WATCH_SECONDS = 2.0  # how often the server looks at the clock (idle) and at its code on disk
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
    """Run one forwarded command line exactly as the ``searchkit`` command (``command``) would; a bug
    answers exit 2 with one line, as a one-shot command would die with status 1 and a traceback."""
    log: list[tuple[int, str]] = []
    with client_context(req, log):
        try:
            command.main(args=list(req["argv"]), prog_name="searchkit", standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = exit_code(exc.code)
        except Exception as exc:
            log.append((1, f"searchkit: internal error ({type(exc).__name__}: {exc}); please report it\n"))
            return {"code": 2, "output": log, "internal": True}
    return {"code": code, "output": log}


def well_formed(req: Any) -> bool:
    """Whether ``req`` is a request a ``searchkit`` client sends (anything else is answered "unknown")."""
    if not isinstance(req, dict) or req.get("protocol") != PROTOCOL:
        return False
    if req.get("stop") is True:
        return True
    strings = lambda xs: all(isinstance(x, str) for x in xs)  # noqa: E731
    try:
        return (isinstance(req["argv"], list) and strings(req["argv"]) and isinstance(req["cwd"], str)
                and isinstance(req["env"], dict) and strings(req["env"]) and strings(req["env"].values())
                and [type(t) for t in req["tty"]] == [bool, bool] and [type(n) for n in req["size"]] == [int, int])
    except (KeyError, TypeError):
        return False


def handle(conn: socket.socket, state: dict[str, Any], started: Callable[[float], None]) -> str:
    """Answer one connection: "done", "stop" (a stop request), "garbage" or "recycle" (after an error that
    may have left state behind)."""
    try:
        req = receive(conn, MAX_REQUEST_BYTES)
    except (OSError, ValueError, EOFError, TypeError):
        return "garbage"  # a client that sent no request, or not one in time: nothing to answer
    if not well_formed(req):
        reply(conn, {"fallback": "unknown request"})
        return "garbage"
    assert req is not None
    if req.get("stop"):
        reply(conn, {"stopped": True})
        return "stop"
    if req.get("release") != state["release"]:
        reply(conn, {"fallback": "another searchkit"})  # the client runs it; the next client starts ours
        return "stop"
    try:
        started(Limits.from_env(req["env"]).seconds)
    except SearchkitError:
        started(Limits().seconds)  # a bad setting: the command itself says so
    answer = execute(state["command"], req)
    internal = answer.pop("internal", False)
    reply(conn, answer)
    return "recycle" if internal else "done"  # a bug may have left state behind: a fresh worker


def reply(conn: socket.socket, message: dict[str, Any]) -> None:
    try:
        send(conn, message)
    except OSError:
        pass  # the client went away (or stopped reading): its answer is dropped, nothing else


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
    """Import everything a search needs (its first search opens and closes the index), so that workers
    forked afterwards start ready; a store kept open here would be shared by them (see serve_pool)."""
    import numpy  # noqa: F401  (long queries score in arrays: workers start with it imported)

    from searchkit.search.searcher import search
    from searchkit.store.store import Store

    search(Store.open(directory, lazy=True), "the united nations", limit=1)


class Listener:
    """The listening socket, remembering when it last took a connection (for ``idle``)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.last = sock, time.monotonic()

    def fileno(self) -> int:
        return self.sock.fileno()

    def accept(self) -> tuple[socket.socket, Any]:
        self.last = time.monotonic()
        return self.sock.accept()

    def close(self) -> None:
        self.sock.close()


def code_stamp() -> tuple[float, int]:
    """The newest modification time and the number of this package's source files."""
    root = Path(__file__).resolve().parent.parent
    times = [p.stat().st_mtime for p in root.rglob("*.py")]
    return max(times, default=0.0), len(times)


def watch(state: dict[str, Any], listener: Listener, idle: Optional[float], note: Note, directory: Path) -> None:
    """Stop the server (as Ctrl-C does) after ``idle`` seconds without a request, when its code changed,
    or when its index folder is gone (a temporary index deleted)."""
    stamp = code_stamp()
    while not state["stop"]:
        time.sleep(WATCH_SECONDS)
        if idle is not None and time.monotonic() - listener.last > idle:
            note(f"no request for {idle:g} s: stopping")
        elif code_stamp() != stamp:
            note("searchkit's code changed on disk: stopping (the next command starts the new one)")
        elif not directory.is_dir():
            note(f"{directory} is gone: stopping")
        else:
            continue
        state["stop"] = True


def open_for_worker(directory: Path) -> Callable[[], None]:
    """What a new worker does first: keep the store open between commands, with its searcher warm."""

    def start() -> None:
        from searchkit.search.searcher import Options, Searcher
        from searchkit.store.store import Store, keep_stores_open

        keep_stores_open()
        Searcher.of(Store.open_cached(directory)).search("the united nations", Options(limit=1))

    return start


def serve(directory: Path, command: click.Command, note: Optional[Note] = None, workers: int = WORKERS,
          idle: Optional[float] = None) -> None:
    """Answer forwarded command lines with ``command`` (the ``searchkit`` group) until ``searchkit serve
    --stop``, Ctrl-C, SIGTERM, a change of searchkit's code or (with ``idle``) that many quiet seconds."""
    from searchkit.store.store import Store

    note = note or (lambda message: None)
    Store.open(directory)  # no index, or an incompatible one: the usual one-line error, before anything else
    directory = directory.resolve()
    path = socket_path(str(directory))
    state: dict[str, Any] = {"stop": False, "command": command, "release": release()}
    previous = on_signals(state)
    try:
        with server_lock(directory):
            warm_up(directory)
            with closing(Listener(listen(path))) as listener:
                try:
                    note(f"serving {directory} on {path}; stop with: searchkit serve --stop (or Ctrl-C)")
                    watcher = threading.Thread(target=watch, args=(state, listener, idle, note, directory), daemon=True)
                    watcher.start()
                    serve_one = lambda conn, started: handle(conn, state, started)  # noqa: E731
                    Pool(listener, serve_one, workers, open_for_worker(directory)).run(state)  # type: ignore[arg-type]
                finally:
                    if os.path.exists(path):  # not when the index folder was deleted under it
                        os.unlink(path)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def on_signals(state: dict[str, Any]) -> dict[int, Any]:
    """Ctrl-C and SIGTERM stop the server once the requests under way are answered."""

    def interrupt(signum: int, frame: Any) -> None:
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
