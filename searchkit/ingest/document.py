"""What a reader of any format hands on: a ``Document`` (its text and metadata) or a ``Skipped`` notice.

Plain text is a document's own characters; a page, PDF or Word file is read into the text a reader sees,
with ``layout="given"`` (one paragraph per block, blocks apart by a blank line), ``pages`` (where each PDF
page begins in that text) and ``kinds`` (paragraphs whose kind the format says: footnotes are ``note``).
"""

from __future__ import annotations

import bisect
import hashlib
import json
from dataclasses import dataclass, field
from typing import Union


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
    layout: str = ""  # "given": the reader split the paragraphs (a blank line between two)
    pages: list[int] = field(default_factory=list)  # offset in text where page 1, 2, ... begins
    kinds: list[tuple[int, int, str]] = field(default_factory=list)  # [start, end) spans of a known kind

    def __post_init__(self) -> None:
        if not self.digest:
            payload = json.dumps([self.text, self.meta], sort_keys=True, ensure_ascii=False)
            self.digest = hashlib.sha1(payload.encode("utf-8", "surrogatepass")).hexdigest()

    def page_at(self, offset: int) -> int:
        """The 1-based page holding ``offset`` of the text (0 when the format has no pages).

        >>> Document("d", "d.pdf", "one\\n\\ntwo", pages=[0, 5]).page_at(6)
        2
        """
        return bisect.bisect_right(self.pages, offset) if self.pages else 0

    def kind_at(self, offset: int) -> str:
        """The kind the format gives the paragraph starting at ``offset`` ("" when it says nothing)."""
        for start, end, kind in self.kinds:
            if start <= offset < end:
                return kind
        return ""


@dataclass
class Skipped:
    """An input that was not indexed, and why (one line for the user)."""

    where: str
    reason: str
    empty: bool = False
    scanned: bool = False  # a PDF of page images with no text to read
    other_format: bool = False  # a file in a format searchkit does not read (not a failure)


Item = Union[Document, Skipped]


def safe_name(path: str) -> str:
    """``path`` as stored and shown: bytes that are not UTF-8 become ``\\xNN`` (everything else is kept).

    >>> import os
    >>> safe_name(os.fsdecode(b"caf\\xe9.txt"))
    'caf\\\\xe9.txt'
    """
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
