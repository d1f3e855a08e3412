"""Line and column of a document offset in the file it came from, for ``path:line:column``.

Lines are 1-based and end at ``\\n``, ``\\r\\n`` or a lone ``\\r``; a column counts characters from 1. A
``.txt`` document's offsets count in the decoded file (BOM removed); a ``.jsonl`` document's count in its
record's ``text``, so they are mapped through the JSON escapes onto the record's line of the file.

>>> Located.from_text("one\\r\\ntwo\\rthree\\nfour").line_column(10)
(3, 2)
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path
from typing import Any, Optional

from .ingest import decode

LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class Located:
    """One document's text and how its offsets become file lines and columns."""

    text: str
    line_starts: list[int]
    first_line: int = 1
    columns: Optional[list[int]] = field(default=None, repr=False)  # JSONL: raw column of each text char

    @classmethod
    def from_text(cls, text: str) -> "Located":
        return cls(text, [0] + [m.end() for m in LINE_END.finditer(text)])

    def line_column(self, offset: int) -> tuple[int, int]:
        if self.columns is not None:
            col = self.columns[min(max(offset, 0), len(self.columns) - 1)]
            return self.first_line, col + 1
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return self.first_line + i, offset - self.line_starts[i] + 1


def read_text(path: Path) -> Optional[str]:
    try:
        return decode(path.read_bytes())[0]
    except OSError:
        return None


_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?[\w.+-]+)')


class JsonlFile:
    """A .jsonl file's lines, and which line holds each record id (the first one, as the indexer keeps it)."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.starts = [0] + [m.end() for m in LINE_END.finditer(raw)]
        self.ids: dict[str, int] = {}
        for number in range(1, len(self.starts) + 1):
            match = _ID.search(self.line(number))
            if match:
                try:
                    self.ids.setdefault(str(json.loads(match.group(1))), number)
                except ValueError:
                    continue

    def line(self, number: int) -> str:
        end = self.starts[number] if number < len(self.starts) else len(self.raw)
        return self.raw[self.starts[number - 1] : end].rstrip("\r\n")

    def locate(self, doc_id: str) -> Optional[Located]:
        number = self.ids.get(doc_id)
        if number is None:
            return None
        line = self.line(number)
        try:
            record = json.loads(line)
        except ValueError:
            return None
        columns = text_columns(line)
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or columns is None:
            return None
        text = record["text"]
        bom = len(text) - len(text.lstrip("\ufeff"))  # the indexer drops a leading BOM from the text
        return Located(text[bom:], [0], first_line=number, columns=columns[bom:] or [0])


def text_columns(line: str) -> Optional[list[int]]:
    """For each character of the top-level ``"text"`` string of a JSON object line, its index in ``line``."""
    literal = _text_literal(line)
    if literal is None:
        return None
    columns, i = [], literal + 1
    while i < len(line) and line[i] != '"':
        columns.append(i)
        if line[i] != "\\":
            i += 1
        elif line[i + 1] != "u":
            i += 2
        else:
            high = int(line[i + 2 : i + 6], 16)
            i += 6
            if 0xD800 <= high < 0xDC00 and line[i : i + 2] == "\\u":
                i += 6  # a surrogate pair is one character of the decoded text
    return columns


def _text_literal(line: str) -> Optional[int]:
    """Where the last top-level ``"text"`` string value starts (its opening quote)."""
    decoder = json.JSONDecoder()
    ws = re.compile(r"\s*")
    i = ws.match(line, 0).end()
    if line[i : i + 1] != "{":
        return None
    i, found = i + 1, None
    try:
        while True:
            i = ws.match(line, i).end()
            if line[i] != '"':
                return found
            key, i = scanstring(line, i + 1)
            i = ws.match(line, i).end() + 1  # past the colon
            i = ws.match(line, i).end()
            if key == "text" and line[i] == '"':
                found = i
            _, i = decoder.raw_decode(line, i)
            i = ws.match(line, i).end()
            if line[i] != ",":
                return found
            i += 1
    except (ValueError, IndexError):
        return found


class Locator:
    """Reads each file once per run and answers ``(line, column)`` for document offsets."""

    def __init__(self) -> None:
        self._files: dict[str, Any] = {}
        self._docs: dict[tuple[str, str], Optional[Located]] = {}

    def document(self, path: str, doc_id: str) -> Optional[Located]:
        """The located document; ``None`` when its file is gone or no longer holds it."""
        jsonl = path.endswith(".jsonl")
        key = (path, doc_id if jsonl else "")
        if key not in self._docs:
            if len(self._docs) > 256:
                self._docs.clear()
            raw = self._file(path)
            if raw is None:
                self._docs[key] = None
            elif jsonl:
                self._docs[key] = raw.locate(doc_id)
            else:
                self._docs[key] = Located.from_text(raw)
        return self._docs[key]

    def _file(self, path: str) -> Any:
        if path not in self._files:
            if len(self._files) > 16:
                self._files.clear()
            raw = read_text(Path(path))
            self._files[path] = JsonlFile(raw) if raw is not None and path.endswith(".jsonl") else raw
        return self._files[path]
