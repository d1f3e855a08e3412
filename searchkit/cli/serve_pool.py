"""The worker processes of ``searchkit serve``: several clients answered at once, none able to stall the rest.

The server process accepts connections and queues them in order; each goes to an idle worker (its
descriptor passed over a socket pair), forked from the server once it has imported what a search needs.
Each worker opens the index itself, since forked processes sharing one open file would share its read
position. A worker tells the server when a request starts (with the time limit the client's settings give
it) and when it is done. The server kills a worker whose request runs well past its limit and answers that
client itself with exit 2; it replaces any worker that dies, and a worker whose memory grew during a
request leaves after answering, so that a burst of heavy requests gives its memory back. While requests
wait and some run slow, a worker more stands in for each slow one: quick requests never queue behind them.
"""

from __future__ import annotations

import ctypes
import gc
import os
import selectors
import signal
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Optional

from searchkit.cli.protocol import send
from searchkit.query import alarms
from searchkit.query.limits import rss_mb

READ_SECONDS = 5.0  # a client has this long to send its request (and to take its answer)
# A request's limit is processor time; on a busy machine the clock runs ahead of it. Past WALL_FACTOR times
# the limit and GRACE_SECONDS on the clock, a request's worker is killed.
WALL_FACTOR = 4.0
GRACE_SECONDS = 2.0
RECYCLE_MB = 48.0  # a worker that grew more than this since it started leaves after its request
TRIM_MB = 8.0  # after a request that grew the worker more than this, what it freed goes back to the system
# A request still running after this much processor time yields the CPU to quick ones (nice +SLOW_NICE:
# about 1/70 of the processor while a quick request wants it).
SLOW_SECONDS = 0.1
SLOW_NICE = 19
EXTRA_FACTOR = 2  # at most this many times ``size`` extra workers stand in for slow ones
RETIRE_SECONDS = 2.0  # once the server is idle this long, extra workers and grown ones leave
IDLE_RECYCLE_MB = 16.0  # then a worker that grew more than this is replaced by a fresh one
# Serve one connection: (connection, say when the request started and its time limit) -> what happened.
Serve = Callable[[socket.socket, Callable[[float], None]], str]


@dataclass
class Worker:
    pid: int
    ctrl: socket.socket
    conn: Optional[socket.socket] = None  # the connection it answers (the server's copy)
    deadline: float = 0.0  # when it is killed if still on that connection
    leaving: bool = False  # it answered its last request (its memory grew) and is exiting
    started: float = 0.0  # when its request started (0: none yet)
    ready: bool = False  # it has opened the index (on a large one that takes seconds): it may take requests
    idle_since: float = 0.0  # when it last finished a request
    grown: float = 0.0  # MB its memory grew since it started, as it said after its last request
    ran_slow: bool = False  # it has answered a slow request (which may leave memory behind)


class Pool:
    """``size`` workers answering the connections accepted on ``sock`` with ``serve_one``."""

    def __init__(self, sock: socket.socket, serve_one: Serve, size: int, start: Callable[[], None]) -> None:
        self.sock, self.serve_one, self.size, self.start = sock, serve_one, size, start
        self.workers: list[Worker] = []
        self.queue: deque[socket.socket] = deque()
        self.selector = selectors.DefaultSelector()

    def spawn(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # the worker: nothing of the server's but what it needs
            code = 1
            try:
                ours.close()
                self.sock.close()
                for other in self.workers:
                    other.ctrl.close()
                    if other.conn is not None:
                        other.conn.close()
                code = work(theirs, self.serve_one, self.start)
            finally:
                os._exit(code)
        theirs.close()
        worker = Worker(pid, ours)
        self.workers.append(worker)
        self.selector.register(ours, selectors.EVENT_READ, worker)

    def run(self, state: dict[str, Any]) -> None:
        """Serve until ``state["stop"]``, then finish the requests under way and stop the workers."""
        self.selector.register(self.sock, selectors.EVENT_READ, None)
        for _ in range(self.size):
            self.spawn()
        try:
            while not (state["stop"] and not self.busy()):
                if state["stop"] and self.queue:
                    self.queue.popleft().close()
                for key, _ in self.selector.select(timeout=0.1):
                    if key.data is None:
                        self.accept(state)
                    else:
                        self.message(key.data, state)
                self.dispatch()
                self.enforce(state)
        finally:
            self.shutdown()

    def busy(self) -> bool:
        return any(w.conn is not None for w in self.workers)

    def accept(self, state: dict[str, Any]) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        if state["stop"]:
            conn.close()
        else:
            self.queue.append(conn)

    def dispatch(self) -> None:
        """Give queued connections, oldest first, to idle workers; while requests wait and others run slow,
        a worker more for each slow one (it leaves once idle: ``retire_surplus``), so that quick requests
        are not queued behind slow ones (which yield the processor to them, ``SLOW_NICE``)."""
        now = time.monotonic()
        slow = sum(1 for w in self.workers if w.conn is not None and w.started and now - w.started > SLOW_SECONDS)
        idle = sum(1 for w in self.workers if w.conn is None and not w.leaving)  # ready or getting ready
        if len(self.queue) > idle and len(self.workers) < self.size + min(slow, self.size * EXTRA_FACTOR):
            self.spawn()
        for worker in self.workers:
            if not self.queue:
                return
            if worker.conn is None and not worker.leaving and worker.ready:
                conn = self.queue.popleft()
                try:
                    socket.send_fds(worker.ctrl, [b"r"], [conn.fileno()])
                except OSError:
                    self.queue.appendleft(conn)
                    continue
                worker.conn, worker.deadline = conn, time.monotonic() + READ_SECONDS + GRACE_SECONDS
                worker.started = 0.0

    def message(self, worker: Worker, state: dict[str, Any]) -> None:
        try:
            data = worker.ctrl.recv(64)
        except OSError:
            data = b""
        if not data:  # it died: whoever it was answering hears so, and a new one takes its place
            self.replace(worker, "the server's worker stopped while answering; run the command again")
        elif data[:1] == b"r":
            worker.ready = True
        elif data[:1] == b"b":
            worker.started = time.monotonic()
            worker.deadline = worker.started + float(data[1:]) * WALL_FACTOR + GRACE_SECONDS
        elif data[:1] in (b"d", b"s", b"x"):
            if worker.conn is not None:
                worker.conn.close()
            worker.conn, worker.leaving, worker.idle_since = None, data[:1] == b"x", time.monotonic()
            grown, _, slow = data[1:].partition(b" ")
            worker.grown, worker.ran_slow = float(grown or 0), slow == b"1"
            state["stop"] = state["stop"] or data[:1] == b"s"

    def enforce(self, state: dict[str, Any]) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.conn is not None and now > worker.deadline:
                os.kill(worker.pid, signal.SIGKILL)
                self.replace(worker, "the request ran far past its time limit (SEARCHKIT_MAX_SECONDS) and was "
                                     "stopped; narrow it: fewer words, phrases or wildcards")
        if not state["stop"]:
            while len(self.workers) < self.size:
                self.spawn()
            self.retire_surplus(now)

    def retire_surplus(self, now: float) -> None:
        """Once the server has been idle for ``RETIRE_SECONDS``, workers leave when they are more than
        ``size`` (started to stand in for slow requests), answered a slow request or grew past
        ``IDLE_RECYCLE_MB`` (a fresh one takes the place of each): after a burst the server's memory goes
        back to what it took before, and the cost of starting workers is paid while nobody waits."""
        if self.queue or self.busy() or now - max(w.idle_since for w in self.workers) <= RETIRE_SECONDS:
            return  # not while a burst goes on: starting workers again would cost the requests in it
        surplus = len(self.workers) - self.size
        for worker in [w for w in self.workers if w.ready and not w.leaving]:
            if surplus > 0 or worker.grown > IDLE_RECYCLE_MB or worker.ran_slow:
                surplus -= 1
                self.selector.unregister(worker.ctrl)
                worker.ctrl.close()  # it sees the end of its pair and leaves
                self.workers.remove(worker)
                os.waitpid(worker.pid, 0)

    def replace(self, worker: Worker, message: str) -> None:
        """Reap ``worker``, answer its client (if any) with exit 2 and ``message``; ``enforce`` respawns."""
        self.selector.unregister(worker.ctrl)
        worker.ctrl.close()
        self.workers.remove(worker)
        os.waitpid(worker.pid, 0)
        if worker.conn is not None:
            try:
                worker.conn.settimeout(READ_SECONDS)
                send(worker.conn, {"code": 2, "output": [(1, f"searchkit: {message}\n")]})
            except OSError:
                pass  # the client went away
            worker.conn.close()

    def shutdown(self) -> None:
        for conn in self.queue:
            conn.close()
        for worker in self.workers:
            worker.ctrl.close()  # a worker waiting for work sees the end and leaves
            if worker.conn is not None:
                os.kill(worker.pid, signal.SIGKILL)
        for worker in self.workers:
            os.waitpid(worker.pid, 0)
        self.selector.close()


def answer(conn: socket.socket, serve_one: Serve, started: Callable[[float], None]) -> tuple[str, bool]:
    """Serve one connection in a thread of its own. Past ``SLOW_SECONDS`` of processor time that thread
    yields the processor to quick requests (Linux nices each thread, and a nice cannot be taken back); the
    worker's next request runs in a new thread at full priority. A thread's request is stopped at its hard
    limit by an alarm (``query/alarms.py``), as the main thread's is by a signal. What ``serve_one`` said,
    and whether the request ran slow."""
    outcome: list[Any] = ["recycle", True]  # what an escaped exception leaves: a fresh worker

    def run() -> None:
        slow = alarms.after_cpu(SLOW_SECONDS, partial(demote, threading.get_native_id()))
        try:
            outcome[0] = serve_one(conn, started)
        finally:
            outcome[1] = alarms.cancel(slow)

    thread = threading.Thread(target=run, name="searchkit-request")
    thread.start()
    thread.join()
    return outcome[0], outcome[1]


def give_back_memory() -> None:
    """Collect cycles and hand the C heap's free pages back to the system (glibc keeps them otherwise: a
    worker would stay as large as its largest request)."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def demote(native_id: int) -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, native_id, SLOW_NICE)
    except OSError:  # the thread has ended, or the system does not allow it: same answers, less even
        pass


def work(ctrl: socket.socket, serve_one: Serve, start: Callable[[], None]) -> int:
    """A worker's life: open the index, then answer connections until the server goes or memory grew."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    start()
    ctrl.send(b"r")  # ready: a request's time runs from here, not from the index being opened
    base, ran_slow = rss_mb(), False
    while True:
        try:
            _, fds, _, _ = socket.recv_fds(ctrl, 16, 1)
        except OSError:
            return 0
        if not fds:
            return 0  # the server closed our pair: it is stopping
        before = rss_mb()
        with socket.socket(fileno=fds[0]) as conn:
            conn.settimeout(READ_SECONDS)
            outcome, slow = answer(conn, serve_one, lambda seconds: ctrl.send(b"b%.3f" % seconds))
        ran_slow = ran_slow or slow
        if rss_mb() - before > TRIM_MB:
            give_back_memory()
        grown = rss_mb() - base
        leave = outcome == "recycle" or grown > RECYCLE_MB
        ctrl.send(b"s" if outcome == "stop" else b"x" if leave else b"d%.1f %d" % (grown, ran_slow))
        if leave:
            return 0
