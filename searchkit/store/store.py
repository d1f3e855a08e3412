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
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from searchkit.analysis.chain import ACRONYM_ANALYZER, ANALYZER, ANALYZER_VERSION
from searchkit.ingest.countries import names as country_names
from searchkit.store.commits import (  # noqa: F401 (Batch, Writer and toc_generations are used through this module)
    INDEX_NAME, TOC_PATTERN, Batch, PinnedIndex, Writer, check_segments, check_target, clean, describe,
    is_index, read_toc, toc_generations, write_toc,
)
from searchkit.errors import IndexIncompatible, IndexMissing
from searchkit.postings.encode import index_field
from searchkit.store.lock import WriteLock
from searchkit.store.storage import IndexStorage
from searchkit.store.manifest import (
    MANIFEST_PATTERN, Manifest, load_manifest, manifest_generations, manifest_path, peek_versions, read_sources_leniently,
    save_manifest, write_atomic,
)

if TYPE_CHECKING:  # segmentation is indexing's business: a search does not import it
    from searchkit.ingest.passages import Passage

# Bump whenever what is stored changes (schema, passage fields and segmentation, manifest layout): an index
# written with another version says "rebuild needed" instead of failing strangely.
FORMAT_VERSION = 6
REBUILD = "rebuild needed: searchkit index --rebuild"
ARTIFACT = "artifact.{}.json"


def make_schema() -> Schema:
    text = dict(analyzer=ANALYZER, stored=True, phrase=True)
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True, sortable=True),  # a column: --by-doc groups every matching passage
        para=STORED,  # never searched: a NUMERIC field would index 8 tiered terms for every passage
        piece=STORED,
        para_label=STORED,
        path=STORED,
        kind=ID(stored=True),
        title=TEXT(**text),
        text=TEXT(**text),
        date=ID(stored=True, sortable=True),  # a column: --sort date
        date_inferred=STORED,
        year=NUMERIC(int, bits=16, shift_step=16, stored=True),  # one term a passage; a year range is short
        source=TEXT(**text),
        place=TEXT(**text),
        country=TEXT(**text),  # indexed: the code and every English name; stored: the code
        speaker=TEXT(**text),
        url=STORED,
        char_start=STORED,
        char_end=STORED,
        offsets=STORED,
        sentences=STORED,
        caps=TEXT(analyzer=ACRONYM_ANALYZER, phrase=False),  # acronyms as written: `DOC` is not "doc"
    )


def passage_fields(p: Passage) -> dict[str, Any]:
    """The stored and indexed fields of one passage (empty values left out)."""
    fields = dict(
        passage_id=p.passage_id, doc_id=p.doc_id, para=p.para, piece=p.piece, para_label=p.para_label,
        path=p.path, kind=p.kind, title=p.title, text=p.text, date=p.date, date_inferred=p.date_inferred,
        year=p.year, source=p.source, place=p.place, country=p.country, speaker=p.speaker, url=p.url,
        char_start=p.char_start, char_end=p.char_end, offsets=p.offsets.encode(),
        sentences=[n for span in p.sentences for n in span],
        caps=f"{p.title}\n{p.text}" if p.title_indexed else p.text,
    )
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    if p.country:
        fields["country"] = " ".join([p.country, *country_names(p.country)])
        fields["_stored_country"] = p.country
    if p.title and not p.title_indexed:  # a lead sentence shown as the title earns no title boost
        fields["title"], fields["_stored_title"] = "", p.title
    return fields


@dataclass
class Analyzed:
    """A passage analyzed for one schema: stored values, column values, and per indexed field its postings
    and length. Analysis is most of indexing's cost; done apart from the writer it can run in worker processes.
    """

    stored: dict[str, Any]
    postings: list[tuple[str, list[tuple[bytes, int, float, bytes]], int]]
    columns: dict[str, Any] = field(default_factory=dict)
    # Per field with positions: each posting's positions, for the .phr keys (None: a field Whoosh indexed)
    positions: dict[str, list[list[int]]] = field(default_factory=dict)


def analyze(schema: Schema, passage: Passage) -> Analyzed:
    """What ``SegmentWriter.add_document`` would compute for ``passage``, as plain picklable data (and the
    positions of its fields with positions, for the ``.phr`` keys: see ``lean.index_field``)."""
    fields = passage_fields(passage)
    result = Analyzed({}, [])
    for name, value in sorted(fields.items()):
        if name.startswith("_"):
            continue
        fieldtype = schema[name]
        if fieldtype.indexed:
            positions: list[list[int]] = []
            items = index_field(fieldtype, value, positions)  # Whoosh's own postings, computed lean (lean.py)
            if positions and len(positions) == len(items):
                result.positions[name] = positions
            length = sum(map(itemgetter(1), items)) if fieldtype.scorable else 0  # the frequencies
            result.postings.append((name, items, length))
        # As add_document does: "_stored_<name>" is stored (and put in the column) in place of the value.
        custom = fields.get(f"_stored_{name}", value)
        result.stored[name] = custom if fieldtype.stored else None
        if fieldtype.column_type and custom is not None:
            result.columns[name] = fieldtype.to_column_value(custom)
    return result


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
                    f"the manifest of {self.directory} is unreadable ({describe(exc)}); {REBUILD}") from None
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
            notes = [f"the newest commit is unreadable ({describe(problems[0])}); using commit {gen}"] if problems else []
            return cls(directory, PinnedIndex(file_storage(directory), toc), manifest, notes=notes)
        if problems and isinstance(problems[0], FileNotFoundError) and not last_try:
            raise _Raced()
        detail = describe(problems[0]) if problems else "no commit found"
        raise IndexIncompatible(f"{directory} cannot be opened ({detail}); {REBUILD}")

    @classmethod
    @contextmanager
    def writing(cls, directory: Path, rebuild: bool = False, timeout: Optional[float] = None,
                on_wait: Optional[Callable[[str], None]] = None, keep_sources: bool = True) -> Iterator["Store"]:
        """The index opened for writing (created when missing), locked until the block ends.

        ``rebuild`` commits an empty index first, recording the old sources again when ``keep_sources``.
        """
        directory = Path(directory)
        check_target(directory)
        directory.mkdir(parents=True, exist_ok=True)
        lock = WriteLock(directory)
        lock.acquire(timeout=timeout, on_wait=on_wait)
        try:
            if rebuild or not toc_generations(directory):
                store = cls.fresh(directory, keep_sources=rebuild and keep_sources)
            else:
                store = cls._open_newest(directory, last_try=True)
                store.discard_newer()
            store.lock = lock
            yield store
        finally:
            lock.release()

    @classmethod
    def fresh(cls, directory: Path, keep_sources: bool) -> "Store":
        """Commit an empty index over whatever is there (call with the lock held)."""
        gens = toc_generations(directory) + manifest_generations(directory)
        gen = max(gens) + 1 if gens else 0
        manifest = Manifest(sources=read_sources_leniently(directory) if keep_sources else [],
                            format=FORMAT_VERSION, analyzer=ANALYZER_VERSION)
        save_manifest(directory, gen, manifest)
        toc = write_toc(directory, TOC(make_schema(), [], gen))
        clean(directory, {gen}, set())
        (directory / "searchkit.json").unlink(missing_ok=True)  # a format-1 manifest
        for artifact in directory.glob(ARTIFACT.format("*")):
            artifact.unlink()
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


RESIDENT = False  # set by ``searchkit serve``: stores stay open between the commands it runs
_OPENED: dict[str, tuple[Any, Store]] = {}


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
    """The index folder as Whoosh storage, read through the file, not a memory map (see storage.py)."""
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


class _Raced(Exception):
    """Every commit vanished while being opened: a concurrent writer moved on."""
