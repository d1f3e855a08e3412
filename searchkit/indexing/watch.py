"""``searchkit index --watch``: re-run the incremental index whenever input files change.

watchdog (inotify, FSEvents, ...) tells when something changes; a run starts once the folder has been
quiet for a moment, so a file being copied in is read whole, and a burst of files is one run. Each run is
an ordinary incremental run (cheap: unchanged files are not read) taking the lock only while it runs.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from searchkit.ingest.files import is_input, within

QUIET_SECONDS = 1.0


class Changes:
    """Collects relevant file-system events; ``wait`` returns once they have stopped for a while."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = os.path.realpath(index_dir)
        self.event = threading.Event()
        self.last = 0.0

    def dispatch(self, event: Any) -> None:  # watchdog's handler interface
        if event.event_type in ("opened", "closed_no_write"):
            return  # reads, such as our own
        if event.is_directory and event.event_type not in ("created", "deleted", "moved"):
            return  # a folder is "modified" whenever a file in it changes, our index's files included
        paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if any(self.relevant(os.fsdecode(p), event.is_directory) for p in paths):
            self.last = time.monotonic()
            self.event.set()

    def relevant(self, path: str, is_directory: bool) -> bool:
        if within(os.path.realpath(path), self.index_dir):
            return False  # our own commits
        return is_directory or is_input(os.path.basename(path))

    def wait(self, stop: threading.Event) -> bool:
        """Block until a quiet moment after a change; False when asked to stop."""
        while not self.event.wait(0.2):
            if stop.is_set():
                return False
        while time.monotonic() - self.last < QUIET_SECONDS:
            time.sleep(0.1)
        self.event.clear()
        return not stop.is_set()


def watch(roots: list[Path], index_dir: Path, run: Callable[[], Any],
          stop: threading.Event | None = None) -> None:
    """Call ``run`` after each burst of changes under ``roots`` until ``stop`` is set (or Ctrl-C)."""
    from watchdog.observers import Observer

    stop = stop or threading.Event()
    changes = Changes(index_dir)
    observer = Observer()
    for root in roots:
        folder = root if root.is_dir() else root.parent
        observer.schedule(changes, str(folder), recursive=root.is_dir())
    observer.start()
    try:
        while changes.wait(stop):
            run()
    finally:
        observer.stop()
        observer.join()
