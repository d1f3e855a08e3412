"""What an index run looks at: the roots and scopes to scan, the files in them, and which files can be
trusted unchanged without being read.

A *source* is a folder or file recorded in the index. A *scope* is what one run scans: a whole source, or a
path inside one (``searchkit index corpus/2024`` after ``searchkit index corpus`` updates those same
documents, with the same ids, and prunes only under ``corpus/2024``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator, Optional, Union

from searchkit.errors import InputError
from searchkit.ingest.files import Skipped, safe_name, walk, within
from searchkit.store.manifest import FileRecord, Manifest

RACY_NS = 2_000_000_000  # a file modified this close to when it was read may change unseen: read it again


@dataclass
class Scope:
    root: str  # the source (absolute), which doc ids of .txt files are relative to
    path: str  # what is scanned: the root or a path inside it


def absolute(path: Union[str, Path]) -> str:
    """An absolute, normalised path; symlinks are kept as the user named them."""
    return os.path.normpath(os.path.abspath(os.fspath(path)))


def default_roots() -> list[Path]:
    """``./seeds`` in a checkout, else the copy of the seeds shipped inside the package."""
    local = Path("seeds")
    if local.is_dir():
        return [local]
    return [Path(str(resources.files("searchkit") / "seeds"))]


def check_paths(paths: list[str]) -> None:
    """Fail before anything is written when a given path does not exist."""
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder; check the path and try again")


def plan(manifest: Manifest, paths: list[str]) -> list[Scope]:
    """The scopes of a run; new sources are recorded in ``manifest`` (a source inside a new one merges in)."""
    if not paths:
        sources = manifest.sources or [absolute(p) for p in default_roots()]
        for source in sources:
            add_source(manifest, source)
        return [Scope(s, s) for s in manifest.sources]
    check_paths(paths)
    scopes = []
    for path in map(absolute, paths):
        owner = next((s for s in manifest.sources if within(path, s)), None)
        if owner is None:
            add_source(manifest, path)
            owner = path
        scopes.append(Scope(owner, path))
    return scopes


def add_source(manifest: Manifest, source: str) -> None:
    if source not in manifest.sources:
        manifest.sources = [s for s in manifest.sources if not within(s, source)] + [source]
        manifest.sources.sort()


def in_scopes(path: str, scopes: list[Scope]) -> bool:
    return any(within(path, s.path) for s in scopes)


def list_files(scopes: list[Scope]) -> Iterator[Union[tuple[str, Scope], Skipped]]:
    """``(path, scope)`` for every input file of the scopes, each file once, in a stable order."""
    seen: set[str] = set()
    for scope in scopes:
        for item in walk(Path(scope.path)):
            if isinstance(item, Skipped):
                yield item
                continue
            path = absolute(item)
            if path not in seen:
                seen.add(path)
                yield path, scope


def stat_record(path: str) -> Optional[os.stat_result]:
    try:
        return os.stat(path)
    except OSError:
        return None


def unchanged(record: Optional[FileRecord], st: Optional[os.stat_result]) -> bool:
    """Whether a file can be taken as unchanged without reading it (git's "racy" rule applies)."""
    if record is None or st is None:
        return False
    same = (record.size, record.mtime, record.ino) == (st.st_size, st.st_mtime_ns, st.st_ino)
    return same and record.mtime + RACY_NS < record.checked


def new_file_record(st: os.stat_result, checked: int, docs: list[str]) -> FileRecord:
    return FileRecord(size=st.st_size, mtime=st.st_mtime_ns, ino=st.st_ino, checked=checked, docs=docs)


def now_ns() -> int:
    return time.time_ns()


def text_doc_id(manifest: Manifest, taken: dict[str, str], scope: Scope, path: str) -> str:
    """The doc id of a .txt file: the id it already has, else its path relative to its source (prefixed
    with the source's name, then spelled out in full, when another file holds that id)."""
    record = manifest.files.get(path)
    if record and record.docs:
        return record.docs[0]
    rel = os.path.basename(path) if path == scope.root else os.path.relpath(path, scope.root)
    rel = safe_name(Path(rel).as_posix())
    for candidate in (rel, f"{safe_name(os.path.basename(scope.root))}/{rel}", safe_name(path)):
        holder = taken.get(candidate) or (manifest.docs[candidate].path if candidate in manifest.docs else None)
        if holder in (None, path):
            return candidate
    raise InputError(f"{safe_name(path)}: no unique document id could be made; rename the file")
