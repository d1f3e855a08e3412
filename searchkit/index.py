"""The Whoosh index on disk, and the manifest that records sources and document digests beside it.

Every Whoosh commit is atomic (a new table of contents is written last); the manifest is replaced
atomically right after each commit, so a crash between the two only makes the next run redo a batch.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from whoosh import index as windex
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError

from .analysis import ANALYZER, ANALYZER_VERSION
from .errors import IndexIncompatible, IndexLocked, IndexMissing
from .segment import Passage

FORMAT_VERSION = 2
MANIFEST = "searchkit.json"
INDEX_NAME = "searchkit"
REBUILD = "rebuild needed: searchkit index --rebuild"
LOCK_TIMEOUT = 10.0


def make_schema() -> Schema:
    text = dict(analyzer=ANALYZER, stored=True, phrase=True)
    return Schema(
        passage_id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        para=NUMERIC(stored=True),
        piece=STORED,
        para_label=STORED,
        path=STORED,
        kind=ID(stored=True),
        title=TEXT(**text),
        text=TEXT(**text),
        date=ID(stored=True),
        date_inferred=STORED,
        year=NUMERIC(stored=True),
        source=TEXT(**text),
        place=STORED,
        country=ID(stored=True),
        speaker=TEXT(**text),
        url=STORED,
        char_start=STORED,
        char_end=STORED,
        offsets=STORED,
    )


def passage_fields(p: Passage) -> dict[str, Any]:
    """The stored and indexed fields of one passage (empty values left out)."""
    fields = dict(
        passage_id=p.passage_id, doc_id=p.doc_id, para=p.para, piece=p.piece, para_label=p.para_label,
        path=p.path, kind=p.kind, title=p.title, text=p.text, date=p.date, date_inferred=p.date_inferred,
        year=p.year, source=p.source, place=p.place, country=p.country, speaker=p.speaker, url=p.url,
        char_start=p.char_start, char_end=p.char_end, offsets=p.offsets.encode(),
    )
    return {k: v for k, v in fields.items() if v not in (None, "")}


@dataclass
class Manifest:
    """What the index holds, by document: digest, file, root; and the sources it was built from."""

    sources: list[str] = field(default_factory=list)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    last_update: str = ""
    format: int = FORMAT_VERSION
    analyzer: int = ANALYZER_VERSION

    @classmethod
    def load(cls, directory: Path) -> "Manifest":
        path = directory / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexIncompatible(f"{directory} has no {MANIFEST}; {REBUILD}") from None
        except (OSError, ValueError) as exc:
            raise IndexIncompatible(f"{path} is unreadable ({exc}); {REBUILD}") from None
        if data.get("format") != FORMAT_VERSION or data.get("analyzer") != ANALYZER_VERSION:
            raise IndexIncompatible(f"{directory} was written by another searchkit version; {REBUILD}")
        return cls(**{k: data[k] for k in ("sources", "docs", "last_update", "format", "analyzer") if k in data})

    def save(self, directory: Path) -> None:
        self.last_update = datetime.now(timezone.utc).isoformat(timespec="seconds")
        fd, tmp = tempfile.mkstemp(prefix=".manifest-", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(self.__dict__, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, directory / MANIFEST)


class Store:
    """An open index directory: the Whoosh index and its manifest."""

    def __init__(self, directory: Path, ix: Any, manifest: Manifest) -> None:
        self.directory = directory
        self.ix = ix
        self.manifest = manifest

    @classmethod
    def open(cls, directory: Path) -> "Store":
        if not windex.exists_in(str(directory), indexname=INDEX_NAME):
            raise IndexMissing(f"no index at {directory}; build one with: searchkit index PATH")
        manifest = Manifest.load(directory)
        return cls(directory, open_with_retry(directory), manifest)

    @classmethod
    def create(cls, directory: Path) -> "Store":
        directory.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(directory), make_schema(), indexname=INDEX_NAME)
        manifest = Manifest()
        manifest.save(directory)
        return cls(directory, ix, manifest)

    @classmethod
    def open_or_create(cls, directory: Path, rebuild: bool = False) -> "Store":
        if rebuild or not windex.exists_in(str(directory), indexname=INDEX_NAME):
            return cls.create(directory)
        return cls.open(directory)

    def commit(self, delete_ids: Iterable[str], passages: Iterable[Passage]) -> None:
        """Replace the given documents' passages in one atomic commit, then save the manifest."""
        try:
            writer = self.ix.writer(timeout=LOCK_TIMEOUT, delay=0.25, limitmb=128)
        except LockError:
            raise IndexLocked(
                f"{self.directory} is locked by another index run; wait for it to finish and try again"
            ) from None
        try:
            for doc_id in delete_ids:
                writer.delete_by_term("doc_id", doc_id)
            for passage in passages:
                writer.add_document(**passage_fields(passage))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        self.manifest.save(self.directory)

    def passage_count(self) -> int:
        return self.ix.doc_count()

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.directory.iterdir() if f.is_file())


def open_with_retry(directory: Path, attempts: int = 3) -> Any:
    """Open the index; a reader racing another process's commit can miss a file once, so retry."""
    for attempt in range(attempts):
        try:
            return windex.open_dir(str(directory), indexname=INDEX_NAME)
        except (OSError, windex.EmptyIndexError) as exc:
            if attempt == attempts - 1:
                raise IndexIncompatible(f"{directory} cannot be opened ({exc}); {REBUILD}") from None
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")
