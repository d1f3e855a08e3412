"""How ``searchkit`` and a resident ``searchkit serve`` talk: a Unix socket beside the index, and
length-prefixed ``marshal`` messages.

The client (``launch.py``) sends ``{"protocol", "argv", "cwd", "env", ...}``; the server (``serve.py``) answers
``{"code", "output"}`` or ``{"fallback": reason}``, after which the client runs the command itself. Both
sides import this module, so it imports nothing beyond the interpreter's builtins and ``os``.
"""

from __future__ import annotations

import marshal
import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs more to import than the rest of a served search: annotations only
    from typing import Any, Optional

SOCKET_NAME = "searchkit.sock"
LOCK_NAME = "serve.lock"  # held by the server for its lifetime (also while it starts)
PROTOCOL = 1
MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes on Linux, 104 on macOS


def socket_path(index_dir: str) -> str:
    """Where the server of ``index_dir`` listens: in the index folder, or in the temp dir if that is too long."""
    folder = os.path.abspath(index_dir)
    path = os.path.join(folder, SOCKET_NAME)
    if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
        return path
    import hashlib
    import tempfile

    digest = hashlib.sha1(os.fsencode(os.path.realpath(folder))).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"searchkit-{os.getuid()}-{digest}.sock")


def release() -> str:
    """Which searchkit this is (version and where its code lives): a server of another one (the package
    upgraded, another virtual environment) must not answer for it."""
    import searchkit

    return f"{searchkit.__version__} {os.path.dirname(os.path.abspath(searchkit.__file__))}"


def send(sock: Any, message: dict[str, Any]) -> None:
    data = marshal.dumps(message)
    sock.sendall(len(data).to_bytes(8, "big") + data)


def receive(sock: Any, most: int = 0) -> Optional[dict[str, Any]]:
    """One length-prefixed message, or None when the peer closed the connection first; with ``most``, a
    ValueError for a message longer than that (it cannot be one of ours)."""
    head = read_exactly(sock, 8)
    if head is None:
        return None
    size = int.from_bytes(head, "big")
    if most and size > most:
        raise ValueError(f"a message of {size} bytes")
    body = read_exactly(sock, size)
    return None if body is None else marshal.loads(body)


def read_exactly(sock: Any, size: int) -> Optional[bytes]:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
