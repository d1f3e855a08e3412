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

from searchkit.ingest.files import Document, decode, read_file, record_document

LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class Located:
    """One document's text and how its offsets become file lines and columns."""

    text: str
    line_starts: list[int]
    first_line: int = 1
    columns: Optional[JsonColumns] = field(default=None, repr=False)  # JSONL: the text's place in its line
    shift: int = 0  # JSONL: characters the indexer dropped from the start of the text (a BOM)

    @classmethod
    def from_text(cls, text: str) -> "Located":
        return cls(text, [0] + [m.end() for m in LINE_END.finditer(text)])

    def line_column(self, offset: int) -> tuple[int, int]:
        if self.columns is not None:
            return self.first_line, self.columns.at(offset + self.shift) + 1
        i = bisect.bisect_right(self.line_starts, offset) - 1
        return self.first_line + i, offset - self.line_starts[i] + 1


# An escape in a JSON string (a surrogate pair is one character of the decoded text), or its closing quote.
_ESCAPE = re.compile(r'\\(?:u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)|"')


@dataclass
class JsonColumns:
    """Where the characters of a JSON string's decoded text sit in its raw line."""

    anchors: list[tuple[int, int]]  # (decoded offset, raw index): after each escape both advance by one

    def at(self, offset: int) -> int:
        i = bisect.bisect_right(self.anchors, (offset, float("inf"))) - 1
        decoded, raw = self.anchors[max(i, 0)]
        return raw + offset - decoded


def text_columns(line: str) -> Optional[JsonColumns]:
    """The map from the top-level ``"text"`` string's decoded characters to indexes in ``line``.

    >>> text_columns('{"id": 1, "text": "a\\\\nb \\\\u00e9t\\\\u00e9 x"}').at(5)
    30
    """
    literal = _text_literal(line)
    if literal is None:
        return None
    anchors, decoded, raw = [(0, literal + 1)], 0, literal + 1
    for m in _ESCAPE.finditer(line, literal + 1):
        if m.group() == '"':
            break
        decoded += m.start() - raw + 1
        raw = m.end()
        anchors.append((decoded, raw))
    return JsonColumns(anchors)


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


_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?[\w.+-]+)')
LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


class Locator:
    """Reads each file once per run and answers ``(line, column)`` for document offsets.

    ``digests`` (doc_id to a record with ``digest`` and, for JSONL, ``line``) is the index's manifest.
    """

    def __init__(self, digests: Optional[dict[str, Any]] = None) -> None:
        self.digests = digests or {}
        self._docs: dict[tuple[str, str], Optional[Located]] = {}
        self._lines: dict[str, FileLines] = {}

    def document(self, path: str, doc_id: str) -> Optional[Located]:
        """The located document; ``None`` when its file is gone or changed since it was indexed."""
        key = (path, doc_id)
        if key not in self._docs:
            if len(self._docs) > 256:
                self._docs.clear()
            try:
                jsonl = path.lower().endswith(".jsonl")
                self._docs[key] = self._jsonl(path, doc_id) if jsonl else self._txt(path, doc_id)
            except OSError:
                self._docs[key] = None
        return self._docs[key]

    def _unchanged(self, doc: Document) -> bool:
        record = self.digests.get(doc.doc_id)
        return record is None or getattr(record, "digest", doc.digest) == doc.digest

    def _txt(self, path: str, doc_id: str) -> Optional[Located]:
        doc = next((d for d in read_file(Path(path), doc_id) if isinstance(d, Document)), None)
        return Located.from_text(doc.text) if doc is not None and self._unchanged(doc) else None

    def _jsonl(self, path: str, doc_id: str) -> Optional[Located]:
        lines = self._file_lines(path)
        record = self.digests.get(doc_id)
        number = getattr(record, "line", 0) or 0
        located = self._record(path, lines, number, doc_id) if number else None
        if located is None:  # not where the index said: look for the id
            wanted = [json.dumps(doc_id, ensure_ascii=False)[1:-1].encode("utf-8"), doc_id.encode("utf-8", "replace")]
            for number in range(1, len(lines) + 1):
                if any(w in lines[number - 1] for w in wanted):
                    located = self._record(path, lines, number, doc_id)
                    if located is not None:
                        break
        return located

    def _record(self, path: str, lines: "FileLines", number: int, doc_id: str) -> Optional[Located]:
        if not 0 < number <= len(lines):
            return None
        raw = lines[number - 1]
        line, encoding = decode(raw[3:] if number == 1 and raw.startswith(b"\xef\xbb\xbf") else raw)
        if line is None:
            return None
        doc = record_document(Path(path), f"{path}:{number}", number, line, encoding)
        columns = text_columns(line)
        if not isinstance(doc, Document) or doc.doc_id != doc_id or columns is None or not self._unchanged(doc):
            return None
        text = json.loads(line)["text"]
        bom = len(text) - len(text.lstrip("\ufeff"))  # the indexer drops a leading BOM from the text
        return Located(doc.text, [0], first_line=number, columns=columns, shift=bom)

    def _file_lines(self, path: str) -> "FileLines":
        if path not in self._lines:
            if len(self._lines) > 16:
                self._lines.clear()
            self._lines[path] = FileLines(Path(path).read_bytes())
        return self._lines[path]


class FileLines:
    """A file's lines as bytes (without their ends), cut out only when asked for."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.starts = [0] + [m.end() for m in LINE_END_BYTES.finditer(data)]

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> bytes:
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.data)
        return self.data[self.starts[i] : end].rstrip(b"\r\n")
