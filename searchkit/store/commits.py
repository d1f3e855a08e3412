"""Whoosh commits on disk: one generation pinned for reading, and a writer whose commits are durable.

A commit's new segment files and its table of contents (TOC) are synced before the TOC counts, and the
previous generation's TOC and segments are kept beside the newest (Whoosh deletes them), so that an
unreadable newest commit can fall back to the one before; everything older, and whatever an interrupted
commit left behind, is cleaned at the next commit.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from whoosh.columns import VarBytesColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, FileIndex
from whoosh.writing import SegmentWriter

from searchkit.errors import IndexMissing
from searchkit.postings.pool import TermPool, add_document, flush_grouped
from searchkit.store.manifest import MANIFEST_PATTERN, TEMP_PREFIX, fsync_dir
from searchkit.store.storage import use_posting_pickle

if TYPE_CHECKING:
    from searchkit.postings.prepare import Prepared

INDEX_NAME = "searchkit"
TOC_PATTERN = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
TOC_TEMP = re.compile(rf"^_{INDEX_NAME}_\d+\.toc\.")
SEGMENT_PATTERN = re.compile(rf"^({INDEX_NAME}_[0-9a-z]+)\.[A-Za-z0-9_.]+$")
LIMIT_MB = 512  # the posting pool spills to disk beyond this (index runs commit well before: indexing/run.py)


class PinnedIndex(FileIndex):
    """A Whoosh index fixed at one generation: every reader and writer sees that commit, not a newer one."""

    def __init__(self, storage: FileStorage, toc: TOC, newest: Optional[Callable[[], Optional[TOC]]] = None) -> None:
        self.storage, self.indexname, self._schema, self._toc = storage, INDEX_NAME, None, toc
        self.newest = newest  # the newest readable commit, for a reader that may move on (nothing read yet)

    def reader(self, reuse: Any = None) -> Any:
        """A reader of this commit (``reuse`` is not used: Whoosh's recycling of another reader's
        segments). A writer deletes a commit's merged-away segments two commits later: a reader opened
        after that (a search started while an index run commits fast) moves to the newest commit when it
        may, as if it had been opened a moment later; else the missing file is the error, at once."""
        while True:
            toc = self._read_toc()
            try:
                return open_reader(self.storage, toc)
            except FileNotFoundError:
                newest = self.newest() if self.newest is not None else None
                if newest is None or newest.generation <= toc.generation:  # only forward: it ends
                    raise
                self._toc = newest

    def _read_toc(self) -> TOC:
        # A fresh copy of the segment list: writers record deletions on these objects.
        toc = self._toc
        return TOC(toc.schema, copy.deepcopy(toc.segments), toc.generation, toc.version, toc.release)

    def latest_generation(self) -> int:
        return self._toc.generation

    def doc_count(self) -> int:
        # From the TOC: Whoosh would open a reader over every segment (seconds and ~30 MB a segment).
        return sum(segment.doc_count() for segment in self._toc.segments)

    def doc_count_all(self) -> int:
        return sum(segment.doc_count_all() for segment in self._toc.segments)

    def segment_readers(self) -> Iterator[Any]:
        """A reader for each segment in turn, closed before the next opens (memory for one at a time)."""
        from whoosh.reading import SegmentReader

        for segment in self._toc.segments:
            reader = SegmentReader(self.storage, self._toc.schema, segment, generation=self._toc.generation)
            try:
                yield reader
            finally:
                reader.close()


class Writer(SegmentWriter):
    """Adds prepared documents; commits with synced files and keeps the previous generation."""

    def __init__(self, ix: PinnedIndex) -> None:
        use_posting_pickle()
        super().__init__(ix, _lk=False, limitmb=LIMIT_MB)  # the Store holds the lock for the whole run
        self.pool = TermPool(self._tempstorage, self.newsegment, limitmb=LIMIT_MB)  # see postings/pool.py
        self.previous = {s.segment_id() for s in self.segments}
        self.committed: Optional[TOC] = None

    def add_prepared(self, doc: "Prepared") -> None:
        """A document's passages prepared by ``prepare.prepare``, numbered from the next free number:
        what ``add_document`` would do for each, field by field in the same (sorted) order."""
        self._check_state()
        base, pdw, schema = self.docnum, self.perdocwriter, self.schema
        stored = pdw._get_column("_stored")._child  # takes the bytes as prepared (already compressed)
        for n in range(doc.count):
            pdw.start_doc(base + n)
            for name, lengths, values in doc.fields:
                if lengths is not None and lengths[n]:
                    pdw.add_field(name, schema[name], None, lengths[n])
                if values is not None and values[n] is not None:
                    pdw.add_column_value(name, schema[name].column_type, values[n])
            pdw.finish_doc()
            if doc.stored[n]:
                VarBytesColumn.Writer.add(stored, base + n, doc.stored[n])
        add_document(self.pool, base, doc.postings)
        self._added = True
        self.docnum += doc.count

    def _flush_segment(self) -> None:
        if not flush_grouped(self):
            super()._flush_segment()

    def _commit_toc(self, segments: list) -> None:
        directory = Path(self.storage.folder)
        current = {s.segment_id() for s in segments}
        sync_files(directory, lambda name: segment_id(name) in current - self.previous)
        self.committed = write_toc(directory, TOC(self.schema, segments, self.generation))
        clean(directory, {self.generation, self.generation - 1}, current | self.previous)


def segment_id(name: str) -> Optional[str]:
    match = SEGMENT_PATTERN.match(name)
    return match.group(1) if match else None


def toc_generations(directory: Path) -> list[int]:
    found = (TOC_PATTERN.match(name) for name in os.listdir(directory))
    return sorted((int(m.group(1)) for m in found if m), reverse=True)


def sync_files(directory: Path, wanted: Callable[[str], bool]) -> None:
    for name in os.listdir(directory):
        if wanted(name):
            fd = os.open(directory / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def clean(directory: Path, generations: set[int], segments: set[str]) -> None:
    """Delete what no kept generation uses: old TOCs and manifests, unused segments, interrupted temp files."""
    for name in os.listdir(directory):
        toc, manifest = TOC_PATTERN.match(name), MANIFEST_PATTERN.match(name)
        seg = segment_id(name)
        stale = (
            (toc is not None and int(toc.group(1)) not in generations)
            or (manifest is not None and int(manifest.group(1)) not in generations)
            or (seg is not None and seg not in segments)
            or TOC_TEMP.match(name) is not None
            or name.startswith(TEMP_PREFIX)
        )
        if stale:
            try:
                (directory / name).unlink()
            except OSError:
                pass  # still open elsewhere (Windows) or already gone: a later commit retries


def check_segments(storage: FileStorage, toc: TOC) -> None:
    """Every segment of ``toc`` is on disk and its compound file's directory reads. Cheap, unlike opening
    a reader, which loads tens of MB per segment: this runs on every open, searches included."""
    names = set(storage.list())
    for segment in toc.segments:
        if segment.is_compound():
            segment.open_compound_file(storage).close()
        elif not any(name.startswith(segment.segment_id() + ".") for name in names):
            raise FileNotFoundError(2, "No such file or directory", segment.segment_id())


def write_toc(directory: Path, toc: TOC) -> TOC:
    """Write ``toc`` (Whoosh renames it into place) and make it durable."""
    toc.write(FileStorage(str(directory)), INDEX_NAME)
    sync_files(directory, lambda name: name == f"_{INDEX_NAME}_{toc.generation}.toc")
    fsync_dir(directory)
    return toc


def open_reader(storage: FileStorage, toc: TOC) -> Any:
    """Whoosh's reader of the commit ``toc`` (one segment's, or a reader over all of them); the segments
    opened are closed again when one cannot be (Whoosh leaves them open)."""
    from whoosh.reading import EmptyReader, MultiReader, SegmentReader

    if not toc.segments:
        return EmptyReader(toc.schema)
    readers: list[Any] = []
    try:
        for segment in toc.segments:
            readers.append(SegmentReader(storage, toc.schema, segment, generation=toc.generation))
    except BaseException:
        for opened in readers:
            opened.close()
        raise
    return readers[0] if len(readers) == 1 else MultiReader(readers, generation=toc.generation)


def read_toc(storage: FileStorage, gen: int) -> TOC:
    """``TOC.read``, closing the file also when the TOC is damaged (Whoosh leaves it open then)."""
    opened: list[Any] = []

    class Tracking:
        def open_file(self, name: str, **kwargs: Any) -> Any:
            opened.append(storage.open_file(name, **kwargs))
            return opened[-1]

    try:
        return TOC.read(Tracking(), INDEX_NAME, gen)
    finally:
        for stream in opened:
            if not stream.is_closed:
                stream.close()


def is_index(directory: Path) -> bool:
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    return any(n.startswith(("searchkit", f"_{INDEX_NAME}_", TEMP_PREFIX)) for n in names)


# What a checkout keeps in an empty index folder (the repository's own ./index holds a README).
PLACEHOLDERS = frozenset({"README", "README.md", ".gitkeep", ".gitignore"})


def check_target(directory: Path) -> None:
    """Refuse to turn a folder of other files into an index (a mistyped --index)."""
    if directory.exists() and not directory.is_dir():
        raise IndexMissing(f"{directory} is a file, not an index folder; give --index a folder")
    others = directory.is_dir() and any(p.name not in PLACEHOLDERS for p in directory.iterdir())
    if others and not is_index(directory):
        raise IndexMissing(
            f"{directory} holds other files and no searchkit index; give --index a new or empty folder"
        )


def error_text(exc: BaseException) -> str:
    """An exception as a few words for a one-line message (an OSError without its path)."""
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {Path(exc.filename).name if exc.filename else ''}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
