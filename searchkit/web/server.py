"""Running the web application with uvicorn on a local port.

uvicorn is a well-kept ASGI server (HTTP/1.1 parsing by h11 or httptools, graceful shutdown on Ctrl-C);
Starlette hands plain-function pages to a thread pool, so concurrent requests do not wait for each other.
"""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import socket
import threading
import webbrowser
from pathlib import Path
from typing import Callable, Iterator, Optional

import uvicorn

from searchkit.errors import SearchkitError
from searchkit.store.store import keep_stores_open
from searchkit.web.app import make_app
from searchkit.web.library import Library

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
Note = Callable[[str], None]


class WebError(SearchkitError):
    """The server cannot start (the port is taken, the address is not this machine's)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> list[str]:
    """The names a browser may give in ``Host`` for this server. Loopback: the loopback names; a given
    address: it; every address (``0.0.0.0``): this machine's names and addresses. Any other name, such
    as an attacker's domain pointed at this machine (DNS rebinding), is refused."""
    if is_loopback(host):
        return sorted({host, "localhost", "127.0.0.1"})
    if host not in ("0.0.0.0", "::"):
        return [host]
    names = {socket.gethostname(), socket.getfqdn(), "localhost", "127.0.0.1"}
    try:
        names.update(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass
    return sorted(names)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise WebError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                       "give another --port, or stop what uses it") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"


class Server(uvicorn.Server):
    """uvicorn's server, stopped by Ctrl-C or SIGTERM as ``searchkit serve`` is: it finishes the requests
    under way and returns (uvicorn's own would raise the signal again once shut down, killing the command
    before it can say it stopped)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only (a server run in a thread is stopped by should_exit)
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def make_server(directory: Path, sock: socket.socket) -> uvicorn.Server:
    host = sock.getsockname()[0]
    keep_stores_open()  # Store.open_cached then answers from memory until the index changes on disk
    library = Library(directory)
    library.warm_up()
    app = make_app(library, allowed_hosts(host))
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False,
                            proxy_headers=False, timeout_graceful_shutdown=5)
    return Server(config)


def serve(directory: Path, host: str, port: int, open_browser: bool = False, note: Optional[Note] = None) -> None:
    """Serve the index at ``directory`` on ``host:port`` until Ctrl-C or SIGTERM."""
    note = note or (lambda message: None)
    if not is_loopback(host):
        note(f"warning: serving on {host}, not on loopback: anyone who can reach this machine can read the "
             "index; use --host 127.0.0.1 unless you mean it")
    sock = bind(host, port)
    server = make_server(directory, sock)
    url = url_of(sock) if host not in ("0.0.0.0", "::") else f"http://{socket.gethostname()}:{sock.getsockname()[1]}/"
    note(f"serving {Path(directory).resolve()} at {url}; stop with Ctrl-C")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    server.run(sockets=[sock])
