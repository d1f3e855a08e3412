"""The index as the web server sees it: always the newest commit, and a searcher for each request.

Requests run in a thread pool, so that one slow query never holds up the others. A Whoosh searcher and
its caches are not meant for two threads at once, so each request borrows a searcher of its own from a
pool, and gives it back. When an index run commits, ``Store.open_cached`` returns the new store; searchers
of the old one are closed as they come back, and new ones are opened on the new store. (The server makes
its process resident with ``keep_stores_open``; elsewhere each request opens the index afresh.)
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from searchkit.search.searcher import Searcher
from searchkit.store.store import Store


class Library:
    """Borrowable searchers of the newest commit of the index at ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory).resolve()
        self._lock = threading.Lock()
        self._idle: list[Searcher] = []
        self._store = Store.open_cached(self.directory)  # no index: the usual one-line error, at start-up

    def store(self) -> Store:
        """The store of the newest commit (the same object while the index is unchanged)."""
        with self._lock:
            store = Store.open_cached(self.directory)
            if store is not self._store:
                self._store = store
                stale, self._idle = self._idle, []
                for searcher in stale:
                    searcher.close()
            return store

    @contextmanager
    def searcher(self) -> Iterator[Searcher]:
        """A searcher of the newest commit, for this request alone."""
        store = self.store()
        with self._lock:
            held = self._idle.pop() if self._idle else None
        searcher = held if held is not None else Searcher(store)
        try:
            yield searcher
        finally:
            self._give_back(searcher)

    def _give_back(self, searcher: Searcher) -> None:
        with self._lock:
            if searcher.store is self._store:
                self._idle.append(searcher)
                return
        searcher.close()  # a searcher of an older commit

    def warm_up(self) -> None:
        """Open a searcher and load what a search needs (field lengths), so the first visitor does not wait."""
        with self.searcher() as searcher:
            searcher.search("the united nations")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()
