"""The index on disk: Whoosh commits pinned to one generation, each with its manifest.

Crash safety rests on three rules. (1) A generation's manifest is synced before its Whoosh table of
contents (TOC) is renamed into place, and an index opens only at a generation that has both, so passages
and manifest never disagree. (2) The new segment files and the TOC are synced before the TOC counts, and the
previous generation's files are kept, so when the newest commit is unreadable the index opens at the one
before. (3) One process writes at a time, holding ``WriteLock`` for its whole run; it is an ``flock`` that
the kernel drops when its holder dies, so a lock left by a killed run frees itself.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from searchkit.analysis.chain import ANALYZER_VERSION
from searchkit.errors import IndexIncompatible, IndexMissing, IndexWriteError
from searchkit.postings.schema import make_schema
from searchkit.store import rebuild as rebuilding
from searchkit.store.commits import (
    INDEX_NAME,
    TOC_PATTERN,
    PinnedIndex,
    Writer,
    check_segments,
    check_target,
    clean,
    error_text,
    is_index,
    read_toc,
    toc_generations,
    write_toc,
)
from searchkit.store.lock import WriteLock
from searchkit.store.manifest import (
    MANIFEST_PATTERN,
    Manifest,
    load_manifest,
    manifest_generations,
    manifest_path,
    peek_versions,
    read_sources_leniently,
    save_manifest,
    write_atomic,
)
from searchkit.store.storage import IndexStorage

if TYPE_CHECKING:
    from searchkit.postings.prepare import Prepared

# Bump whenever what is stored changes (schema, passage fields and segmentation, manifest layout): an index
# written with another version says "rebuild needed" instead of failing strangely.
FORMAT_VERSION = 9
REBUILD = "rebuild needed: searchkit index --rebuild"
ARTIFACT = "artifact.{}.json"


class Store:
    """An open index directory at one generation: the Whoosh index (``ix``) and its manifest.

    ``notes`` collects what a user should hear about opening it (e.g. a fallback to an older commit).
    """

    def __init__(self, directory: Path, ix: PinnedIndex, manifest: Optional[Manifest],
                 lock: Optional[WriteLock] = None, notes: Optional[list[str]] = None) -> None:
        self.directory, self.ix, self._manifest, self.lock = directory, ix, manifest, lock
        self.notes = notes or []
        self.kept: Optional[dict[str, Any]] = None  # in a resident process: what commands keep open with it

    @property
    def manifest(self) -> Manifest:
        """The generation's manifest; a store opened for searching reads it on first use only."""
        if self._manifest is None:
            try:
                self._manifest = load_manifest(self.directory, self.generation)
            except (OSError, ValueError) as exc:
                raise IndexIncompatible(
                    f"the manifest of {self.directory} is unreadable ({error_text(exc)}); {REBUILD}") from None
        return self._manifest

    @manifest.setter
    def manifest(self, manifest: Manifest) -> None:
        self._manifest = manifest

    @property
    def generation(self) -> int:
        return self.ix.latest_generation()

    @classmethod
    def open(cls, directory: Path, lazy: bool = False) -> "Store":
        """The newest readable commit (read only; never waits for a running index run). ``lazy`` leaves
        the manifest unread until it is asked for (a search never asks)."""
        directory = Path(directory)
        if not is_index(directory) or not toc_generations(directory):
            raise IndexMissing(f"no index at {directory}; build one with: searchkit index PATH")
        for attempt in range(3):
            try:
                return cls._open_newest(directory, lazy=lazy)
            except _Raced:  # a writer cleaned up between our listing and our reading: look again
                time.sleep(0.05 * (attempt + 1))
        return cls._open_newest(directory, last_try=True, lazy=lazy)

    @classmethod
    def open_cached(cls, directory: Path) -> "Store":
        """``open`` for read-only commands. In a resident process (``searchkit serve``, see ``RESIDENT``)
        this process's Store again while the index on disk is unchanged, with whatever commands keep open
        on it (``kept``: the searcher); a one-shot command opens afresh, and closes what it opened.

        Any commit or rebuild changes the stamp; the next call reopens and closes the old store's searcher.
        """
        if not RESIDENT:
            return cls.open(directory, lazy=True)
        key = os.path.abspath(directory)
        stamp = disk_stamp(directory)  # taken first: a commit racing the open only causes one more reopen
        held = _OPENED.get(key)
        if held is not None and stamp is not None and held[0] == stamp:
            return held[1]
        store = cls.open(directory, lazy=True)
        store.kept = {}
        if held is not None:
            held[1].release()
        _OPENED[key] = (stamp, store)
        return store

    def release(self) -> None:
        """Close what commands kept open on this store (a resident process moving to a newer commit)."""
        for thing in (self.kept or {}).values():
            thing.close()
        self.kept = {} if self.kept is not None else None

    @classmethod
    def _open_newest(cls, directory: Path, last_try: bool = False, lazy: bool = False) -> "Store":
        if not manifest_generations(directory):
            raise IndexIncompatible(f"{directory} was written by an older searchkit; {REBUILD}")
        problems: list[BaseException] = []
        for gen in toc_generations(directory):
            try:
                manifest, toc = open_generation(directory, gen, lazy)
            except IndexIncompatible:
                raise
            except Exception as exc:  # any damage: a torn TOC, a missing manifest, a truncated segment
                problems.append(exc)
                continue
            notes = []
            if problems:
                notes.append(f"the newest commit is unreadable ({error_text(problems[0])}); using commit {gen}")
            newest = partial(newest_toc, directory) if lazy else None  # no manifest read: free to move on
            return cls(directory, PinnedIndex(file_storage(directory), toc, newest), manifest, notes=notes)
        if problems and isinstance(problems[0], FileNotFoundError) and not last_try:
            raise _Raced()
        detail = error_text(problems[0]) if problems else "no commit found"
        raise IndexIncompatible(f"{directory} cannot be opened ({detail}); {REBUILD}")

    @classmethod
    @contextmanager
    def writing(cls, directory: Path, rebuild: bool = False, timeout: Optional[float] = None,
                on_wait: Optional[Callable[[str], None]] = None, keep_sources: bool = True) -> Iterator["Store"]:
        """The index opened for writing (created when missing), locked until the block ends.

        ``rebuild`` yields an empty index in a staging folder (recording the old sources again when
        ``keep_sources``), swapped in for the live one when the block ends without an error (rebuild.py).
        """
        directory = Path(directory)
        check_target(directory)
        directory.mkdir(parents=True, exist_ok=True)
        lock = WriteLock(directory)
        lock.acquire(timeout=timeout, on_wait=on_wait)
        try:
            if rebuild:
                yield from cls._rebuilding(directory, lock, keep_sources)
                return
            rebuilding.finish_leftover(directory)
            if not toc_generations(directory):
                store = cls.fresh(directory, [])
            else:
                store = cls._open_newest(directory, last_try=True)
                store.discard_newer()
            store.lock = lock
            yield store
        finally:
            lock.release()

    @classmethod
    def _rebuilding(cls, directory: Path, lock: WriteLock, keep_sources: bool) -> Iterator["Store"]:
        staging = rebuilding.start(directory)
        try:
            store = cls.fresh(staging, read_sources_leniently(directory) if keep_sources else [])
            store.lock = lock
            yield store
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)  # the live index was never touched
            raise
        rebuilding.swap_in(staging, directory)

    @classmethod
    def fresh(cls, directory: Path, sources: list[str]) -> "Store":
        """Commit an empty index recording ``sources`` in an empty folder (call with the lock held)."""
        gens = toc_generations(directory) + manifest_generations(directory)
        gen = max(gens) + 1 if gens else 0
        manifest = Manifest(sources=sources, format=FORMAT_VERSION, analyzer=ANALYZER_VERSION)
        save_manifest(directory, gen, manifest)
        toc = write_toc(directory, TOC(make_schema(), [], gen))
        clean(directory, {gen}, set())
        return cls(directory, PinnedIndex(file_storage(directory), toc), manifest)

    def discard_newer(self) -> None:
        """Remove commits newer than the one opened (unreadable ones), so the next commit can take their place."""
        for gen in toc_generations(self.directory):
            if gen > self.generation:
                (self.directory / f"_{INDEX_NAME}_{gen}.toc").unlink(missing_ok=True)
        for gen in manifest_generations(self.directory):
            if gen > self.generation:
                manifest_path(self.directory, gen).unlink(missing_ok=True)

    def begin(self) -> Batch:
        if self.lock is None:
            raise RuntimeError("Store.begin() needs a store opened with Store.writing()")
        return Batch(self)

    def passage_count(self) -> int:
        return self.ix.doc_count()

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.directory.rglob("*") if f.is_file())

    def read_artifact(self, name: str) -> Optional[Any]:
        """A named JSON artifact of this index (e.g. trained sentence-splitter parameters), or None."""
        import json

        try:
            return json.loads((self.directory / ARTIFACT.format(name)).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def write_artifact(self, name: str, data: Any) -> None:
        """Save a named JSON artifact atomically; ``--rebuild`` deletes every artifact."""
        import json

        write_atomic(self.directory / ARTIFACT.format(name), json.dumps(data, ensure_ascii=False))


class Batch:
    """Whole documents going into one atomic commit (one Whoosh writer)."""

    def __init__(self, store: "Store") -> None:
        self.store = store
        self.writer = Writer(store.ix)
        self.documents = 0

    def remove(self, doc_id: str) -> None:
        self.writer.delete_by_term("doc_id", doc_id)

    def add(self, doc: "Prepared") -> None:
        self.writer.add_prepared(doc)
        self.documents += 1

    def memory(self) -> int:
        """What the batch's postings hold in memory, roughly, in bytes."""
        pool = self.writer.pool
        return pool.memory() if hasattr(pool, "memory") else pool.currentsize  # Whoosh's own pool: its estimate

    def commit(self, manifest: Manifest, merge: bool = True) -> None:
        """Save ``manifest`` as the next generation's, then commit; the store moves to that generation."""
        writer = self.writer
        try:
            save_manifest(self.store.directory, writer.generation, manifest)
            writer.commit(merge=merge)
        except OSError as exc:
            self.cancel()
            raise IndexWriteError(
                f"cannot write to {self.store.directory} ({exc.strerror or exc}); the index keeps its last "
                "commit: free some space or fix permissions, then run searchkit index again"
            ) from None
        except BaseException:
            self.cancel()
            raise
        assert writer.committed is not None
        self.store.ix = PinnedIndex(self.store.ix.storage, writer.committed)
        self.store.manifest = manifest

    def cancel(self) -> None:
        if not self.writer.is_closed:
            try:
                self.writer.cancel()
            except Exception:
                pass  # cancelling after a failed write: whatever is left, the next commit cleans up



RESIDENT = False  # in ``searchkit serve``: stores stay open between the commands it runs (open_cached)
_OPENED: dict[str, tuple[Any, Store]] = {}


def keep_stores_open() -> None:
    """For a resident process: ``Store.open_cached`` keeps each store open while its index is unchanged."""
    global RESIDENT
    RESIDENT = True


def disk_stamp(directory: Path) -> Optional[tuple[Any, ...]]:
    """What identifies the commits on disk: TOC and manifest names, sizes and times, and the TOCs' bytes.

    A commit can reuse the generation number of a discarded unreadable one, in the same clock tick and
    inode; the TOC's bytes (random segment ids) still differ. The TOCs are a few kB: cheap to read.
    """
    try:
        with os.scandir(directory) as entries:
            found = sorted((e.name, e.inode(), e.stat().st_mtime_ns, e.stat().st_size) for e in entries
                           if TOC_PATTERN.match(e.name) or MANIFEST_PATTERN.match(e.name))
        return tuple(found) + tuple((directory / f[0]).read_bytes() for f in found if f[0].endswith(".toc"))
    except OSError:
        return None


def file_storage(directory: Path) -> FileStorage:
    """The index folder as Whoosh storage, read through the file in parts the unpickler can peek into (storage.py)."""
    return IndexStorage(str(directory))


def open_generation(directory: Path, gen: int, lazy: bool = False) -> tuple[Optional[Manifest], TOC]:
    """Manifest (None when ``lazy``: only its versions are read) and TOC of one commit, after checking
    versions and that its segments open."""
    manifest = None
    try:
        if lazy:
            versions = peek_versions(directory, gen)
        else:
            manifest = load_manifest(directory, gen)
            versions = (manifest.format, manifest.analyzer)
    except ValueError as exc:
        raise ValueError(f"manifest unreadable: {exc}") from None
    if versions != (FORMAT_VERSION, ANALYZER_VERSION):
        raise IndexIncompatible(f"{directory} was written by another searchkit version; {REBUILD}")
    storage = file_storage(directory)
    toc = read_toc(storage, gen)
    check_segments(storage, toc)
    return manifest, toc


def newest_toc(directory: Path) -> Optional[TOC]:
    """The TOC of the newest commit that opens (``open_generation``'s checks), or None."""
    for gen in toc_generations(directory):
        try:
            return open_generation(directory, gen, lazy=True)[1]
        except Exception:  # noqa: BLE001 (any damage or a race: the next older commit)
            continue
    return None


class _Raced(Exception):
    """Every commit vanished while being opened: a concurrent writer moved on."""
