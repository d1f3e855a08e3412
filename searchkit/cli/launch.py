"""The ``searchkit`` entry point: hand a read-only command to a resident ``searchkit serve`` when one runs.

A shell user pays for a fresh interpreter on every ``searchkit search``; importing click and Whoosh and
opening the index costs many times what the query does. When ``searchkit serve`` holds the index open,
this module forwards the command line (with the working directory, environment and terminal facts) over
the server's Unix socket and replays its output, importing nothing beyond the standard library's
builtins. Without a server, or on any trouble reaching it, the command runs in this process as usual,
and a server is started in the background for the commands that follow (``autoserve``): it stops by
itself after ``SEARCHKIT_SERVE_IDLE`` seconds without a request; ``SEARCHKIT_AUTOSERVE=0`` turns it off.
"""

from __future__ import annotations

import os
import sys

from searchkit.cli.protocol import LOCK_NAME, PROTOCOL, receive, release, send, socket_path

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs more to import than the rest of a served search: annotations only
    from typing import Any, Optional

# Read-only commands whose output depends on nothing but argv, the environment, cwd and the files named.
SERVED = frozenset({"search", "show", "cite", "count", "kwic", "terms"})
# Arguments naming this process's own streams or descriptors ("-", /dev/stdin, <(...)): only it can read them.
OWN_FILES = ("/dev/std", "/dev/fd/", "/proc/self/")
IDLE_SECONDS = 600  # an automatically started server stops after this long without a request
AUTO_WORKERS = 2
OFF = ("0", "no", "off", "false")


def served_index(argv: list[str], env: Any = os.environ) -> Optional[str]:
    """The index folder a served command names (command's ``--index``, group's, $SEARCHKIT_INDEX, ./index).

    Only picks which server to ask: the server parses ``argv`` with the real parser, so a wrong guess
    costs time, never a wrong answer. None when the command is not one the server runs.

    >>> served_index(["--index", "a", "search", "x", "--index=b"], {})
    'b'
    >>> served_index(["search", "--", "--index"], {"SEARCHKIT_INDEX": "c"})
    'c'
    >>> served_index(["index", "seeds"], {}) is None
    True
    >>> served_index(["search", "--batch", "/dev/fd/63"], {}) is None   # bash's <(...): only we can read it
    True
    """
    index, command, i = None, None, 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            break
        if arg == "--index" and i + 1 < len(argv):
            index, i = argv[i + 1], i + 2
            continue
        if arg.startswith("--index="):
            index = arg.split("=", 1)[1]
        elif command is None:
            if arg.startswith("-"):
                return None  # --help, --version or an unknown group option: not for the server
            command = arg
        i += 1
    if command not in SERVED or any(a == "-" or a.startswith(OWN_FILES) for a in argv):
        return None
    return index or env.get("SEARCHKIT_INDEX") or "index"


def request(argv: list[str]) -> dict[str, Any]:
    return {"protocol": PROTOCOL, "release": release(), "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
            "tty": [sys.stdout.isatty(), sys.stderr.isatty()], "size": list(terminal_size())}


def terminal_size(fallback: tuple[int, int] = (80, 24)) -> tuple[int, int]:
    """``shutil.get_terminal_size()`` of this process, without importing shutil (it pulls in compressors).

    The server sets COLUMNS and LINES from it, so its ``shutil`` answers as this process's would have."""
    sizes = []
    for name in ("COLUMNS", "LINES"):
        try:
            sizes.append(int(os.environ[name]))
        except (KeyError, ValueError):
            sizes.append(0)
    columns, lines = sizes
    if columns <= 0 or lines <= 0:
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size(fallback)
        columns = columns if columns > 0 else (size.columns or fallback[0])
        lines = lines if lines > 0 else (size.lines or fallback[1])
    return columns, lines


def forward(argv: list[str], index: Optional[str] = None) -> Optional[int]:
    """Run ``argv`` on the resident server of its index and replay its output; None when none took it."""
    index = index or served_index(argv)
    if index is None:
        return None
    path = socket_path(index)
    if not os.path.exists(path):
        return None
    import _socket  # the C module: socket.py on top of it costs more to import than the whole round trip

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.connect(path)
        send(sock, request(argv))
        reply = receive(sock)
    except OSError:
        return None  # a stale socket or a server that went away: run here instead
    finally:
        sock.close()
    if not reply or "code" not in reply:
        return None
    return replay(reply)


def replay(reply: dict[str, Any]) -> int:
    """Write the server's output in its order; a reader that went away (``| head``) ends it quietly.

    Consecutive pieces for one stream go out in one write: with PYTHONUNBUFFERED (or a pipe that
    flushes per line) each piece would otherwise be a system call of its own."""
    streams = (sys.stdout, sys.stderr)
    try:
        for which, text in runs(reply["output"]):
            streams[which].write(text)
            streams[which].flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return int(reply["code"])


def runs(output: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """``output`` with consecutive pieces for the same stream joined, the order between streams kept.

    >>> runs([(0, "a"), (0, "b"), (1, "!"), (0, "c")])
    [(0, 'ab'), (1, '!'), (0, 'c')]
    """
    from itertools import groupby  # built into the interpreter: no file to find

    return [(which, "".join(text for _, text in group)) for which, group in groupby(output, key=first)]


def first(pair: tuple[int, str]) -> int:
    return pair[0]


def autoserve(index: str, env: Any = os.environ) -> bool:
    """Start ``searchkit serve`` for ``index`` in the background, detached from this process and its
    terminal, unless turned off, the folder holds no index this user may serve, or a server is starting
    or running there. True when one was started."""
    folder = os.path.abspath(index)
    if env.get("SEARCHKIT_AUTOSERVE", "1").strip().lower() in OFF or not servable(folder):
        return False
    import subprocess

    # The server imports this very searchkit, whatever its working folder and sys.path would find first.
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    command = [sys.executable, "-m", "searchkit", "--index", folder, "serve", "--workers", str(AUTO_WORKERS),
               "--idle", env.get("SEARCHKIT_SERVE_IDLE", str(IDLE_SECONDS))]
    child_env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))}
    try:
        subprocess.Popen(command, cwd=folder, env=child_env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        return False  # no room for a process: this command runs here all the same
    return True


def servable(folder: str) -> bool:
    """An index folder this user can write (the server's socket and lock live there) with no server
    holding its lock."""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    if not os.access(folder, os.W_OK) or not any(n.startswith("_searchkit_") and n.endswith(".toc") for n in names):
        return False
    import fcntl

    try:
        lock = os.open(os.path.join(folder, LOCK_NAME), os.O_RDONLY)
    except OSError:
        return True  # never served
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a server holds it: it is starting, or answers already
    finally:
        os.close(lock)
    return True


def main() -> None:
    argv = sys.argv[1:]
    index = served_index(argv)
    if index is not None:
        code = forward(argv, index)
        if code is not None:
            # The answer is written and flushed, and nothing else was started here: skip the interpreter's
            # teardown (module and object cleanup), a few milliseconds of a served search's total.
            os._exit(code)
        autoserve(index)
    from searchkit.cli.main import main as cli_main

    cli_main(prog_name="searchkit")
