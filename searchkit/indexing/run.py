"""An index run: bring the index up to date with its sources, processing only what changed.

Documents go into batches of whole documents, each one atomic commit with the manifest that describes it,
so an interrupted run leaves the index at its last commit and the next run carries on from there. A file's
record (size, mtime, the ids it holds) is only updated once all its documents are in the batch, so a file
half-done at a crash is read again next time.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from typing import Callable, Iterator, Optional, Union

from searchkit.indexing import workers
from searchkit.indexing.scan import (
    Scope,
    check_paths,
    in_scopes,
    list_files,
    new_file_record,
    plan,
    stat_record,
    text_doc_id,
)
from searchkit.indexing.scan import unchanged as looks_unchanged
from searchkit.indexing.survey import Staging
from searchkit.indexing.workers import DocResult, FileResult, Task, process
from searchkit.ingest.files import Skipped, safe_name, shown
from searchkit.ingest.hyphens import ensure_evidence
from searchkit.ingest.sentences import ensure_params
from searchkit.postings.prepare import Prepared
from searchkit.store.manifest import DocRecord, Manifest
from searchkit.store.store import Batch, Store

__all__ = ["IndexReport", "run_index", "check_paths", "forget_source"]

Warn = Callable[[str], None]
POOL_MIN_FILES = 20
Progress = Callable[[int, int], None]


TAIL_SHARE = 4  # a last batch estimated under a quarter of the limit is left to be a small one of its own
BATCH_MB = 160  # postings held before a commit: ~80,000 UN passages, ~250 MB of writing process in all


def batch_limits() -> tuple[Optional[int], int]:
    """Documents per commit (``$SEARCHKIT_BATCH_DOCS``, no limit unless set) and the memory the batch's
    postings may take before it commits, in bytes (``$SEARCHKIT_BATCH_MB``, default ``BATCH_MB``).

    Each commit is a segment, and a search visits every segment: few big ones search faster than many
    small ones, and write faster too (a term's postings are written once per segment). The bound is
    memory, not documents, so that a run's peak stays the same whatever the documents' sizes.
    """
    return _env_int("SEARCHKIT_BATCH_DOCS", None), (_env_int("SEARCHKIT_BATCH_MB", None) or BATCH_MB) * 2**20


def _env_int(name: str, default: Optional[int]) -> Optional[int]:
    try:
        return max(1, int(os.environ[name]))
    except (KeyError, ValueError):
        return default


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    documents: int = 0
    passages: int = 0
    seconds: float = 0.0
    failed: int = field(default=0, repr=False)  # inputs that could not be read (not empty ones)
    scanned: list[str] = field(default_factory=list)  # PDFs of page images, no text layer: not indexed
    commits: int = field(default=0, repr=False)


class Run:
    def __init__(self, store: Store, prune: bool, jobs: int, warn: Warn, progress: Optional[Progress]) -> None:
        self.store, self.prune, self.jobs, self.warn, self.progress = store, prune, jobs, warn, progress
        self.new: Manifest = store.manifest.copy()  # saved only with the commit whose changes it records
        self.report = IndexReport()
        self.claimed: dict[str, str] = {}  # doc_id -> "path:line" where this run found it
        self.taken: dict[str, str] = {}  # .txt doc ids handed out this run -> path
        self.seen: set[str] = set()  # files found (read or trusted unchanged)
        self.kept_files: set[str] = set()  # files that could not be read: their documents stay
        self.batch: Optional[Batch] = None
        self.remaining = 0  # bytes of files still to be read this run
        self.batch_bytes = 0  # bytes of files read into the batch
        self.dirty = False
        self.changed = False
        self.scopes: list[Scope] = []
        self.by_path: dict[str, list[str]] = {}  # file -> ids of the documents recorded from it
        for doc_id, record in self.new.docs.items():
            self.by_path.setdefault(record.path, []).append(doc_id)

    def run(self, paths: list[str]) -> IndexReport:
        started = time.perf_counter()
        before = list(self.new.sources)
        self.scopes = [s for s in plan(self.new, paths) if self.present(s)]
        self.dirty = self.new.sources != before
        try:
            files = list(self.files(self.scopes))
            # Files unchanged by size and mtime are settled here; worker processes are only worth their
            # start-up (about a second) when there are enough files left to read.
            ready = [self.trusted(task) or task for task in files]
            jobs = self.jobs if sum(isinstance(item, Task) for item in ready) >= POOL_MIN_FILES else 1
            self.remaining = sum(map(task_size, ready))
            staging = Staging(self.store.directory)
            try:
                with workers.pool(jobs) if jobs > 1 else nullcontext(None) as executor:
                    self.set_up([f for f in files if isinstance(f, Task)], staging, executor)
                    self.read(ready, executor, jobs)
            finally:
                staging.clear()
            self.finish(self.scopes)
        except BaseException:
            if self.batch is not None:
                self.batch.cancel()  # its documents were never committed: the index keeps its last commit
            raise
        self.report.documents = len(self.new.docs)
        self.report.passages = self.store.passage_count()
        self.report.seconds = round(time.perf_counter() - started, 3)
        return self.report

    def set_up(self, tasks: list[Task], staging: Staging, executor: Optional[Executor]) -> None:
        """Punkt is trained, and the corpus's hyphenation collected, when the index is new (or rebuilt),
        then reused: same text, same passages. Both read the files first (survey.py), in the workers."""
        fresh, directory = not self.store.manifest.docs, self.store.directory
        paths = [task.path for task in tasks]
        mapper = partial(executor.map, chunksize=4) if executor is not None else map
        hyphens = str(ensure_evidence(directory, fresh, lambda: staging.survey(
            ((task.path, task.doc_id) for task in tasks), mapper)))
        doc_ids = {task.path: task.doc_id for task in tasks}
        punkt = str(ensure_params(directory, fresh, paths, read=staging.reader(doc_ids)))
        for task in tasks:
            task.punkt, task.hyphens, task.kept = punkt, hyphens, staging.kept.get(task.path, "")

    def read(self, ready: list[Union[Task, FileResult]], executor: Optional[Executor], jobs: int) -> None:
        results = workers.run_ordered(ready, executor, jobs, process, settled, task_size)
        try:
            for done, (item, result) in enumerate(zip(ready, results), start=1):
                self.remaining -= task_size(item)
                self.batch_bytes += task_size(item)
                self.take(result)
                if self.progress:
                    self.progress(done, len(ready))
        finally:
            results.close()  # no task is handed out after this

    def present(self, scope: Scope) -> bool:
        if os.path.lexists(scope.path):
            return True
        held = sum(1 for r in self.new.docs.values() if in_scopes(r.path, [scope]))
        self.warn(f"source {shown(scope.path)} is missing; its {held} documents are kept "
                  f"(searchkit sources --forget {shown(scope.path)} drops them)")
        return False

    def files(self, scopes: list[Scope]) -> Iterator[Union[Task, FileResult]]:
        for item in list_files(scopes):
            if isinstance(item, Skipped):
                self.skip(item, failed=not item.other_format)
                continue
            yield self.task(*item)
        for path, scope in given_before(self.new, scopes, self.seen):
            yield self.task(path, scope)

    def task(self, path: str, scope: Scope) -> Task:
        self.seen.add(path)
        if path.lower().endswith(".jsonl"):
            doc_id = ""
        else:
            doc_id = text_doc_id(self.new, self.taken, scope, path)
            self.taken[doc_id] = path
        return Task(path, doc_id, self.known(path))

    def known(self, path: str) -> dict[str, str]:
        """Digests of the documents recorded from ``path`` (their passages need not be made again)."""
        docs = self.new.docs
        return {d: docs[d].digest for d in self.by_path.get(path, []) if docs[d].path == path}

    def trusted(self, task: Task) -> Optional[FileResult]:
        """The result of a file whose size and mtime say it is unchanged, without reading it."""
        st = stat_record(task.path)
        if not looks_unchanged(self.new.files.get(task.path), st):
            task.size = st.st_size if st is not None else 0
            return None
        result = FileResult(task.path, st, self.new.files[task.path].checked)
        result.docs = [DocResult(d, digest, self.new.docs[d].line, "utf-8", None) for d, digest in task.known.items()]
        return result

    def take(self, result: FileResult) -> None:
        for skipped in result.skipped:
            self.skip(skipped, failed=not skipped.empty)
        whole = [s for s in result.skipped if s.where == result.path]
        if whole and not whole[0].empty:
            self.keep(result.path)  # unreadable, binary, too large: what was indexed from it stays
            return
        encodings = {d.encoding for d in result.docs} - {"utf-8"}
        if encodings:
            self.warn(f"{shown(result.path)}: not UTF-8, read as {', '.join(sorted(encodings))}")
        ids = [doc_id for doc_id in (self.take_doc(result.path, d) for d in result.docs) if doc_id]
        if result.stat is not None:
            record = new_file_record(result.stat, result.checked, ids)
            if self.new.files.get(result.path) != record:
                self.new.files[result.path] = record
                self.dirty = True
        self.flush_if_full()  # between files, so a commit holds whole files where it can

    def keep(self, path: str) -> None:
        self.kept_files.add(path)
        record = self.new.files.get(path)
        for doc_id in record.docs if record else []:
            self.claimed.setdefault(doc_id, path)

    def take_doc(self, path: str, doc: DocResult) -> Optional[str]:
        where = f"{path}:{doc.line}" if doc.line else path
        holder = self.holder(doc.doc_id)
        if holder is not None:
            self.warn(f"{shown(where)}: id {doc.doc_id!r} is also at {shown(holder)}; the first one is kept")
            self.report.skipped += 1
            return None
        self.claimed[doc.doc_id] = where
        old = self.new.docs.get(doc.doc_id)
        if old is not None and old.digest == doc.digest and old.path == path:
            self.report.unchanged += 1
            if old.line != doc.line:
                old.line, self.dirty = doc.line, True
            return doc.doc_id
        assert doc.prepared is not None, "a changed document comes analysed"
        self.put(doc.doc_id, old is not None, doc.prepared)
        self.new.docs[doc.doc_id] = DocRecord(path=path, digest=doc.digest, passages=doc.prepared.count,
                                              line=doc.line)
        if old is None:
            self.report.added += 1
        else:
            self.report.updated += 1
        self.flush_if_full(within_file=True)  # a file of many documents (JSONL) is split over commits
        return doc.doc_id

    def holder(self, doc_id: str) -> Optional[str]:
        """Where another document with this id is kept: found earlier in this run, or in an unscanned file."""
        if doc_id in self.claimed:
            return self.claimed[doc_id]
        record = self.new.docs.get(doc_id)
        if record and not in_scopes(record.path, self.scopes) and os.path.exists(record.path):
            return record.path
        return None

    def put(self, doc_id: str, replace: bool, doc: Prepared) -> None:
        if self.batch is None:
            self.batch = self.store.begin()
        if replace:
            self.batch.remove(doc_id)
        self.batch.add(doc)
        self.changed = self.dirty = True

    def flush_if_full(self, within_file: bool = False) -> None:
        """Commit a full batch: between files at its limits, within a file past them (by 4 times the
        documents, half the memory), so that a commit holds whole files where it can."""
        if self.batch is None:
            return
        docs, memory = batch_limits()
        if within_file:
            docs, memory = docs and docs * 4, memory * 3 // 2
        held = self.batch.memory()
        if (docs is not None and self.batch.documents >= docs) or held >= memory:
            self.commit()
        elif not within_file and held >= memory // 2 and self.batch_bytes and (
                self.remaining * held // self.batch_bytes <= memory // TAIL_SHARE):
            # What is left fits a small last batch: commit this one now, while workers still read, so that
            # the run ends soon after its last file (the last commit is the one nothing runs beside).
            self.commit()

    def commit(self) -> None:
        self.batch_bytes = 0
        batch = self.batch or self.store.begin()
        if self.changed:
            self.new.last_update = datetime.now(timezone.utc).isoformat(timespec="seconds")
        batch.commit(self.new, merge=self.changed)
        self.new = self.new.copy()
        self.batch, self.dirty, self.changed = None, False, False
        self.report.commits += 1

    def finish(self, scopes: list[Scope]) -> None:
        """Remove documents gone from the scanned scopes (files gone only with ``--prune``); last commit."""
        for doc_id, record in list(self.new.docs.items()):
            if doc_id in self.claimed or not in_scopes(record.path, scopes):
                continue
            if record.path in self.seen or self.prune:
                self.remove(doc_id)
        for path in [p for p in self.new.files if p not in self.seen and in_scopes(p, scopes)]:
            if self.prune:
                del self.new.files[path]
                self.dirty = True
        if self.dirty or self.batch is not None:
            self.commit()

    def remove(self, doc_id: str) -> None:
        if self.batch is None:
            self.batch = self.store.begin()
        self.batch.remove(doc_id)
        del self.new.docs[doc_id]
        self.report.removed += 1
        self.changed = self.dirty = True

    def skip(self, item: Skipped, failed: bool) -> None:
        if item.scanned:
            self.report.scanned.append(shown(item.where))
        self.report.skipped += 1
        self.report.failed += int(failed)
        self.warn(f"skipped {shown(item.where)}: {item.reason}")


def given_before(manifest: Manifest, scopes: list[Scope], walked: set[str]) -> Iterator[tuple[str, Scope]]:
    """Recorded files of the scopes that a walk does not list (a hidden file, one in a hidden folder) but
    that were given as a PATH inside the source: they belong to it, and stay while they exist."""
    for path in sorted(p for p in manifest.files if p not in walked and os.path.isfile(p)):
        scope = next((s for s in scopes if in_scopes(path, [s])), None)
        if scope is not None:
            yield path, scope


def settled(item: Union[Task, FileResult]) -> Optional[FileResult]:
    return item if isinstance(item, FileResult) else None


def task_size(item: Union[Task, FileResult]) -> int:
    return item.size if isinstance(item, Task) else 0


def run_index(store: Store, paths: list[str], prune: bool = True, jobs: int = 1, warn: Optional[Warn] = None,
              progress: Optional[Progress] = None) -> IndexReport:
    """Bring the index up to date with ``paths`` (or the recorded sources) and report what changed."""
    return Run(store, prune, jobs, warn or (lambda message: None), progress).run(list(paths))


def forget_source(store: Store, source: str) -> int:
    """Drop a recorded source and its documents in one commit; the number of documents removed."""
    from searchkit.indexing.scan import absolute

    path = absolute(source)
    if path not in store.manifest.sources:
        from searchkit.errors import InputError

        listed = ", ".join(safe_name(s) for s in store.manifest.sources) or "none"
        raise InputError(f"{source} is not a recorded source (recorded: {listed}); see: searchkit sources")
    run = Run(store, prune=True, jobs=1, warn=lambda message: None, progress=None)
    run.new.sources.remove(path)
    scope = [Scope(path, path)]
    for doc_id in [d for d, r in run.new.docs.items() if in_scopes(r.path, scope)]:
        run.remove(doc_id)
    for file in [f for f in run.new.files if in_scopes(f, scope)]:
        del run.new.files[file]
    run.commit()
    return run.report.removed
