"""The first reading of a new index's files: the corpus evidence and the sample the index is set up with.

A new (or rebuilt) index learns two things from its whole corpus before any document is segmented: the
words it writes whole or hyphenated (``ingest/hyphens.py``, for line-end hyphens) and a sample of its text
to train the sentence splitter on (``ingest/sentences.py``). ``Staging.survey`` reads every file once for
that, in the run's worker processes, each returning only its distinct tokens.

Pages, PDFs and Word files cost far more to read than to keep (a page's main text is found by parsing
the whole page; a scanned PDF may be read by OCR), so what the survey read of them is kept (``Staging``)
and the indexing that follows takes it from there instead of reading the file again. Text and JSONL files
are read again: that costs less than keeping them. A kept reading is used only while the file's size and
modification time are those it was read at.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from searchkit.ingest.files import Document, Item, is_published, read_file
from searchkit.ingest.hyphens import Evidence, token_sets

STAGING = ".survey"  # in the index folder; emptied at the start and at the end of every run


@dataclass
class Survey:
    """What one file's first reading leaves for the run."""

    path: str
    tokens: set[str] = field(default_factory=set)  # hyphens.token_sets of its documents
    broken: set[str] = field(default_factory=set)
    kept: str = ""  # the file its items were kept in ("" when not kept)


@dataclass
class Job:
    path: str
    doc_id: str
    staging: str  # the folder to keep a costly reading in


def survey(job: Job) -> Survey:
    """Read one file; keep what was read of it when reading it again would cost more than keeping it."""
    try:
        items = list(read_file(Path(job.path), job.doc_id))
        stamp = file_stamp(job.path)
    except Exception:  # the indexing reads it again and reports what is wrong with it
        return Survey(job.path)
    tokens, broken = token_sets(item.text for item in items if isinstance(item, Document))
    kept = ""
    if is_published(job.path) and stamp is not None:
        kept = os.path.join(job.staging, hashlib.sha1(job.path.encode("utf-8", "surrogatepass")).hexdigest())
        with open(kept, "wb") as out:
            pickle.dump((stamp, items), out, protocol=pickle.HIGHEST_PROTOCOL)
    return Survey(job.path, tokens, broken, kept)


def file_stamp(path: str) -> Optional[tuple[int, int]]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def kept_items(kept: str, path: str) -> Optional[list[Item]]:
    """The items kept for ``path`` by its survey, if the file is as it was when it was read."""
    try:
        with open(kept, "rb") as stream:
            stamp, items = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    return items if stamp == file_stamp(path) else None


class Staging:
    """The folder of kept readings of one run (at most one run writes an index at a time: the lock)."""

    def __init__(self, directory: Path) -> None:
        self.folder = directory / STAGING
        self.kept: dict[str, str] = {}  # path -> kept file
        self.clear()

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def survey(self, jobs: Iterable[tuple[str, str]], mapper: Callable[..., Iterator[Survey]]) -> Evidence:
        """Read each ``(path, doc_id)`` with ``mapper(survey, jobs)`` (a process pool's ``map`` or the builtin);
        the corpus evidence of them all."""
        self.folder.mkdir(exist_ok=True)
        tokens: set[str] = set()
        broken: set[str] = set()
        for found in mapper(survey, [Job(path, doc_id, str(self.folder)) for path, doc_id in jobs]):
            tokens |= found.tokens
            broken |= found.broken
            if found.kept:
                self.kept[found.path] = found.kept
        return Evidence.from_tokens(tokens, broken)

    def items(self, path: str) -> Optional[list[Item]]:
        kept = self.kept.get(path)
        return kept_items(kept, path) if kept else None

    def reader(self, doc_ids: dict[str, str]) -> Callable[[Path], Iterable[Any]]:
        """A file's documents, from its kept reading when there is one (for the sentence splitter's sample)."""
        def read(path: Path) -> Iterable[Any]:
            items = self.items(str(path))
            return items if items is not None else read_file(path, doc_ids.get(str(path), path.name))
        return read
