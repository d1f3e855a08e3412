"""Reading, segmenting and analysing files, in this process or in ``--jobs N`` worker processes.

Workers do everything up to the Whoosh postings (the costly part); the parent only writes. Results come
back in the order files were given, so runs with any number of jobs index the same way. Workers are
started with ``forkserver``/``spawn``, never ``fork``: a forked child would inherit the index's lock file
descriptor and keep the lock alive after its parent was killed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar

from searchkit.indexing.survey import kept_items
from searchkit.ingest.files import Document, Skipped, read_file
from searchkit.ingest.hyphens import load_evidence
from searchkit.ingest.passages import split_document
from searchkit.ingest.sentences import load_cached
from searchkit.postings.prepare import Prepared, prepare
from searchkit.postings.schema import make_schema


@dataclass
class Task:
    path: str
    doc_id: str  # for a .txt file
    known: dict[str, str] = field(default_factory=dict)  # doc_id -> digest this file held last time
    punkt: str = ""  # the index's Punkt parameters file (sentence boundaries)
    hyphens: str = ""  # the index's corpus evidence on line-end hyphens (ingest/hyphens.py)
    size: int = 0  # bytes, when known
    kept: str = ""  # where the survey of a new index kept what it read of this file (survey.py)


@dataclass
class DocResult:
    doc_id: str
    digest: str
    line: int
    encoding: str
    prepared: Optional[Prepared]  # None when the digest is the known one (nothing to index)


@dataclass
class FileResult:
    path: str
    stat: Optional[os.stat_result]
    checked: int
    docs: list[DocResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


_SCHEMA: Any = None


def process(task: Task) -> FileResult:
    """Read one file; segment and read_document the documents whose digest is not the known one."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = make_schema()
    checked = time.time_ns()
    try:
        st: Optional[os.stat_result] = os.stat(task.path)
    except OSError:
        st = None
    result = FileResult(task.path, st, checked)
    kept = kept_items(task.kept, task.path) if task.kept else None
    for item in kept if kept is not None else read_file(Path(task.path), task.doc_id):
        if isinstance(item, Skipped):
            result.skipped.append(item)
        else:
            result.docs.append(read_document(item, task.known.get(item.doc_id), task.punkt, task.hyphens))
    return result


def read_document(doc: Document, known_digest: Optional[str], punkt: str = "", hyphens: str = "") -> DocResult:
    prepared = None
    if doc.digest != known_digest:
        prepared = prepare(_SCHEMA, split_document(doc, load_cached(punkt), load_evidence(hyphens)))
    return DocResult(doc.doc_id, doc.digest, doc.line, doc.encoding, prepared)


T = TypeVar("T")
AHEAD_BYTES = 32 * 2**20  # input the workers may read ahead of the writer (its results take ~4 times that)
AHEAD_FILES = 2048


def default_jobs() -> int:
    """The number of CPUs this process may run on: ``--jobs`` when not given."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_ordered(tasks: Iterable[Any], executor: Optional[ProcessPoolExecutor], jobs: int, work: Callable[[Any], T],
                immediate: Callable[[Any], Optional[T]], size: Callable[[Any], int] = lambda task: 0) -> Iterator[T]:
    """``work(task)`` for each task, in order, in the ``jobs`` processes of ``executor`` (in this one when
    None); ``immediate(task)``, when not None, is the result at once.

    Workers run ahead of the caller by up to ``AHEAD_BYTES`` of input (``size``) or ``AHEAD_FILES`` tasks,
    so that they keep working while the caller is busy, e.g. writing a commit's segment.
    """
    if executor is None:
        for task in tasks:
            done = immediate(task)
            yield done if done is not None else work(task)
        return
    pending: deque[tuple[Any, int]] = deque()
    ahead = 0
    for task in tasks:
        done = immediate(task)
        weight = 0 if done is not None else size(task)
        pending.append((done if done is not None else executor.submit(work, task), weight))
        ahead += weight
        while pending and (not isinstance(pending[0][0], Future) or pending[0][0].done()
                           or len(pending) > AHEAD_FILES
                           or (len(pending) > jobs * 4 and ahead > AHEAD_BYTES)):
            item, weight = pending.popleft()
            ahead -= weight
            yield unwrap(item)
    while pending:
        yield unwrap(pending.popleft()[0])


def unwrap(item: Any) -> Any:
    return item.result() if isinstance(item, Future) else item


class pool:
    """A process pool that is shut down without waiting for queued work when the run stops early."""

    def __init__(self, jobs: int) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        self.executor = ProcessPoolExecutor(jobs, mp_context=context, initializer=worker_init,
                                            initargs=(os.getpid(),))

    def __enter__(self) -> ProcessPoolExecutor:
        return self.executor

    def __exit__(self, kind: Any, *rest: Any) -> None:
        self.executor.shutdown(wait=True, cancel_futures=kind is not None)


WORKER_NICE = 10


def worker_init(parent: int) -> None:
    """Ctrl-C is the parent's to handle; a worker whose parent died (kill -9) exits on its own.

    Workers run at a lower priority than the writing process: it is the one part that cannot run in
    parallel, and when it fell behind (a commit's segment is written while workers read on) the run
    ended with the writer alone catching up on one core, seconds after the last file was read.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.nice(WORKER_NICE)
    except (OSError, AttributeError):  # not permitted, or not on this system: same results, less even
        pass

    def watch() -> None:
        while not gone(parent):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie not yet reaped by its own parent counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False
