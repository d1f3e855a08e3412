"""Indexing a set of roots: ingest → segment → commit, only for documents that are new or changed.

Documents are committed in batches of whole documents, so an interrupted run leaves the index at its
last commit and the next run carries on from there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator, Optional

from .errors import InputError
from .index import Store
from .ingest import Document, Skipped, find_files, read_file
from .segment import Passage, segment

BATCH_DOCS = 500
Warn = Callable[[str], None]


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


def default_roots() -> list[Path]:
    """``./seeds`` in a checkout, else the copy of the seeds shipped inside the package."""
    local = Path("seeds")
    if local.is_dir():
        return [local]
    return [Path(str(resources.files("searchkit") / "seeds"))]


def check_paths(paths: list[str]) -> None:
    """Fail before anything is written when a given path does not exist."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder; check the path and try again")


def resolve_roots(store: Store, paths: list[str]) -> list[Path]:
    if not paths:
        recorded = [Path(s) for s in store.manifest.sources]
        return recorded or default_roots()
    check_paths(paths)
    return [Path(p) for p in paths]


def doc_id_for(store: Store, root: Path, path: Path) -> str:
    """The path relative to its root; prefixed by the root's name if another root holds that path."""
    rel = path.name if root.is_file() else path.relative_to(root).as_posix()
    held = store.manifest.docs.get(rel)
    if held is not None and held.get("root") != str(root):
        return f"{root.name}/{rel}"
    return rel


def scan(store: Store, root: Path, report: IndexReport, warn: Warn) -> Iterator[Document]:
    for path in find_files(root):
        for item in read_file(path, doc_id_for(store, root, path.absolute())):
            if isinstance(item, Skipped):
                report.skipped += 1
                report.failed += 0 if item.empty else 1
                warn(f"skipped {item.where}: {item.reason}")
                continue
            if item.encoding != "utf-8":
                warn(f"{item.path}: not UTF-8, read as {item.encoding}")
            yield item


def run_index(store: Store, paths: list[str], prune: bool = True, warn: Optional[Warn] = None) -> IndexReport:
    """Bring the index up to date with ``paths`` (or the recorded sources) and report what changed."""
    warn = warn or (lambda message: None)
    started = time.perf_counter()
    report = IndexReport()
    roots = [root.absolute() for root in resolve_roots(store, paths)]
    docs = store.manifest.docs
    seen: dict[str, str] = {}
    batch: dict[str, list[Passage]] = {}
    for root in roots:
        if str(root) not in store.manifest.sources:
            store.manifest.sources.append(str(root))
        for doc in scan(store, root, report, warn):
            where = f"{doc.path}:{doc.line}" if doc.line else doc.path
            if doc.doc_id in seen:
                warn(f"{where}: id {doc.doc_id!r} also at {seen[doc.doc_id]}; the later one is kept")
            seen[doc.doc_id] = where
            held = docs.get(doc.doc_id)
            if held is not None and held["digest"] == doc.digest and doc.doc_id not in batch:
                report.unchanged += 1
                continue
            if held is None and doc.doc_id not in batch:
                report.added += 1
            elif doc.doc_id not in batch:
                report.updated += 1
            batch[doc.doc_id] = segment(doc)
            docs[doc.doc_id] = {"digest": doc.digest, "path": doc.path, "root": str(root)}
            if len(batch) >= BATCH_DOCS:
                flush(store, batch)
    gone = [d for d, rec in docs.items() if prune and d not in seen and Path(rec["root"]) in roots]
    for doc_id in gone:
        del docs[doc_id]
    report.removed = len(gone)
    flush(store, batch, gone)
    report.documents = len(docs)
    report.passages = store.passage_count()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def flush(store: Store, batch: dict[str, list[Passage]], gone: Optional[list[str]] = None) -> None:
    if batch or gone:
        store.commit(list(batch) + list(gone or []), (p for ps in batch.values() for p in ps))
    batch.clear()
