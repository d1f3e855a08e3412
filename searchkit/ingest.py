"""Reading inputs: .txt files and .jsonl files (one document a line), from files or folders.

Yields ``Document`` objects and ``Skipped`` notices; a bad file or line never stops a run.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Union

SUFFIXES = (".txt", ".jsonl")
META_FIELDS = ("title", "date", "source", "url", "speaker", "country", "lang")
LEGACY_ENCODING = "cp1252"


@dataclass
class Document:
    """One document as read: its decoded text (BOM removed, line ends as in the file) and metadata."""

    doc_id: str
    path: str
    text: str
    meta: dict[str, str] = field(default_factory=dict)
    digest: str = ""
    line: int = 0  # 1-based line in a .jsonl file; 0 for a .txt file
    encoding: str = "utf-8"

    def __post_init__(self) -> None:
        if not self.digest:
            payload = json.dumps([self.text, self.meta], sort_keys=True, ensure_ascii=False)
            self.digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()


@dataclass
class Skipped:
    """An input that was not indexed, and why (one line for the user)."""

    where: str
    reason: str
    empty: bool = False


Item = Union[Document, Skipped]


def find_files(root: Path) -> Iterator[Path]:
    """Every .txt and .jsonl file below ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(SUFFIXES) and not name.startswith("."):
                yield Path(dirpath) / name


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (a BOM is dropped), else the common Western legacy encoding."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode(LEGACY_ENCODING, errors="replace"), LEGACY_ENCODING


def read_file(path: Path, doc_id: str) -> Iterator[Item]:
    """The documents held by one file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot be read ({exc.strerror or exc}); check its permissions")
        return
    if not data.strip():
        yield Skipped(str(path), "is empty", empty=True)
        return
    if b"\0" in data[:8192]:
        yield Skipped(str(path), "looks binary (it holds NUL bytes); only .txt and .jsonl text is indexed")
        return
    text, encoding = decode(data)
    if path.suffix == ".jsonl":
        yield from read_jsonl(path, text)
    else:
        yield Document(doc_id, str(path), text, encoding=encoding)


def read_jsonl(path: Path, text: str) -> Iterator[Item]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(where, f"is not valid JSON ({exc.msg}); fix or remove that line")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or "id" not in record:
            yield Skipped(where, 'needs a JSON object with "id" and "text"; fix or remove that line')
            continue
        if not record["text"].strip():
            yield Skipped(where, "has an empty text", empty=True)
            continue
        meta = {k: str(record[k]) for k in META_FIELDS if record.get(k) not in (None, "")}
        yield Document(str(record["id"]), str(path), record["text"].lstrip("\ufeff"), meta, line=number)
