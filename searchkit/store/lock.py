"""The index's write lock: one writing process at a time, waiting a while for another to finish.

It is Whoosh's own lock file (``searchkit_WRITELOCK``), locked with ``flock``: the kernel releases it when
the holding process exits in any way, ``kill -9`` included, so a lock left by a killed run is free at once
and nothing has to guess whether a lock is stale. ``searchkit.lock.json`` beside it only says who holds it,
for the message a waiting writer prints.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from whoosh.util.filelock import FileLock

from searchkit.errors import IndexLocked

LOCK_FILE = "searchkit_WRITELOCK"
HOLDER_FILE = "searchkit.lock.json"
DEFAULT_TIMEOUT = 10.0


def lock_timeout() -> float:
    """Seconds a writer waits for the lock: ``$SEARCHKIT_LOCK_TIMEOUT``, else 10."""
    try:
        return max(0.0, float(os.environ.get("SEARCHKIT_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


class WriteLock:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock = FileLock(str(directory / LOCK_FILE))
        self.held = False

    def acquire(self, timeout: Optional[float] = None, on_wait: Optional[Callable[[str], None]] = None) -> None:
        """Take the lock, waiting up to ``timeout`` seconds; ``on_wait`` hears once that we wait, and for whom."""
        timeout = lock_timeout() if timeout is None else timeout
        deadline = time.monotonic() + timeout
        told = False
        while not self.lock.acquire(blocking=False):
            if time.monotonic() >= deadline:
                raise IndexLocked(
                    f"{self.directory} is being written by {self.holder()}; waited {timeout:g} s: try again when "
                    "it has finished (or set SEARCHKIT_LOCK_TIMEOUT to wait longer)"
                )
            if on_wait and not told:
                on_wait(f"waiting for {self.holder()} to finish writing {self.directory}")
                told = True
            time.sleep(0.1)
        self.held = True
        self._write_holder()

    def _write_holder(self) -> None:
        info = {
            "pid": os.getpid(), "host": socket.gethostname(),
            "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "command": " ".join(["searchkit", *sys.argv[1:]])[:200],
        }
        try:
            (self.directory / HOLDER_FILE).write_text(json.dumps(info), encoding="utf-8")
        except OSError:
            pass  # only informative

    def holder(self) -> str:
        """Who holds the lock, as well as the holder file tells."""
        try:
            info = json.loads((self.directory / HOLDER_FILE).read_text(encoding="utf-8"))
            return f"another searchkit process (pid {info['pid']}, since {info['since']})"
        except (OSError, ValueError, KeyError, TypeError):
            return "another searchkit process"

    def release(self) -> None:
        if not self.held:
            return
        # Remove the holder note before unlocking, so it never describes the next holder wrongly.
        (self.directory / HOLDER_FILE).unlink(missing_ok=True)
        self.lock.release()
        self.held = False
