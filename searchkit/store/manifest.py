"""What an index holds, by document and by file, saved once per Whoosh commit generation.

The manifest of generation N (``searchkit.N.json``) is written and synced *before* the Whoosh table of
contents of generation N is renamed into place, and an index is only ever opened at a generation whose
table of contents and manifest both exist. So the manifest and the passages always describe the same
commit, whatever moment a run is killed at: a manifest without its table of contents is an interrupted
commit and is ignored (and overwritten by the next one).

>>> m = Manifest(sources=["/data/un"])
>>> m.add_doc("a.txt", DocRecord(path="/data/un/a.txt", digest="d1", passages=3))
>>> Manifest.from_json(m.to_json()).docs["a.txt"].passages
3
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

MANIFEST_PATTERN = re.compile(r"^searchkit\.(\d+)\.json$")
TEMP_PREFIX = ".searchkit-tmp-"


@dataclass
class DocRecord:
    """One indexed document: the file (and JSONL line) it came from, its content digest, its passages."""

    path: str
    digest: str
    passages: int
    line: int = 0


@dataclass
class FileRecord:
    """One input file as last read; ``size``/``mtime``/``ino`` let an unchanged file skip being read."""

    size: int
    mtime: int  # st_mtime_ns
    ino: int
    checked: int  # time.time_ns() just before the file was read
    docs: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    sources: list[str] = field(default_factory=list)
    docs: dict[str, DocRecord] = field(default_factory=dict)
    files: dict[str, FileRecord] = field(default_factory=dict)
    last_update: str = ""
    format: int = 0  # index.FORMAT_VERSION when written
    analyzer: int = 0

    def add_doc(self, doc_id: str, record: DocRecord) -> None:
        self.docs[doc_id] = record

    def to_json(self) -> str:
        data = {
            "format": self.format, "analyzer": self.analyzer, "last_update": self.last_update,
            "sources": self.sources,
            "docs": {k: asdict(v) for k, v in self.docs.items()},
            "files": {k: asdict(v) for k, v in self.files.items()},
        }
        # ASCII escapes keep file names that are not valid UTF-8 (surrogate-escaped) round-tripping.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        return cls(
            sources=list(data.get("sources", [])),
            docs={k: DocRecord(**v) for k, v in data.get("docs", {}).items()},
            files={k: FileRecord(**v) for k, v in data.get("files", {}).items()},
            last_update=data.get("last_update", ""),
            format=data.get("format", 0),
            analyzer=data.get("analyzer", 0),
        )

    def copy(self) -> "Manifest":
        return Manifest.from_json(self.to_json())


def manifest_path(directory: Path, generation: int) -> Path:
    return directory / f"searchkit.{generation}.json"


def manifest_generations(directory: Path) -> list[int]:
    """Generations that have a manifest file, newest first."""
    found = (MANIFEST_PATTERN.match(name) for name in os.listdir(directory))
    return sorted((int(m.group(1)) for m in found if m), reverse=True)


def load_manifest(directory: Path, generation: int) -> Manifest:
    """The manifest of one generation (OSError or ValueError when it is missing or unreadable)."""
    return Manifest.from_json(manifest_path(directory, generation).read_text(encoding="utf-8"))


# ``to_json`` writes the versions first; a search reads only them (the whole manifest of the UN corpus,
# 11,000 document records, took 0.3 s of a 0.85 s cold search to parse).
_VERSIONS = re.compile(rb'^\{"format":(\d+),"analyzer":(\d+),')


def peek_versions(directory: Path, generation: int) -> tuple[int, int]:
    """(format, analyzer) of one generation's manifest, from its first bytes (and a look at its last, so a
    torn file still counts as unreadable); an unusual file is parsed whole. OSError or ValueError as
    ``load_manifest``."""
    with open(manifest_path(directory, generation), "rb") as stream:
        head = stream.read(128)
        stream.seek(-1, os.SEEK_END)
        whole = stream.read(1) == b"}"
    found = _VERSIONS.match(head)
    if found and whole:
        return int(found.group(1)), int(found.group(2))
    manifest = load_manifest(directory, generation)
    return manifest.format, manifest.analyzer


def save_manifest(directory: Path, generation: int, manifest: Manifest) -> None:
    write_atomic(manifest_path(directory, generation), manifest.to_json())


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one, even after a crash."""
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide the index from other readers
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make renames and new files in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_sources_leniently(directory: Path) -> list[str]:
    """The sources recorded by any readable manifest, of any format (used to rebuild an old index)."""
    candidates = [manifest_path(directory, g) for g in manifest_generations(directory)]
    candidates.append(directory / "searchkit.json")  # the format-1 manifest
    for path in candidates:
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        sources: Optional[list] = data.get("sources") if isinstance(data, dict) else None
        if isinstance(sources, list) and all(isinstance(s, str) for s in sources):
            return sources
    return []
