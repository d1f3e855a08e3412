"""Maps offsets in a passage's cleaned text back to offsets in the original document.

Cleaning (whitespace folding, later hyphenation repair and stripped paragraph numbers) makes passage text
and source differ; every offset a user sees in the original (highlights, quotes, line and column) goes
through one of these maps.

>>> m = OffsetMap.build("  fast\\n  lanes", 10)
>>> m.text
'fast lanes'
>>> m.to_doc(5), m.to_doc_end(10)
(19, 24)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

_SPACE_RUN = re.compile(r"\s+")


@dataclass
class OffsetMap:
    """Anchors ``(text_offset, doc_offset)``: from each anchor on, text and document advance together."""

    text: str
    anchors: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def build(cls, source: str, doc_start: int) -> "OffsetMap":
        """Fold every whitespace run of ``source`` (found at ``doc_start``) into one space, and strip."""
        parts: list[str] = []
        anchors: list[tuple[int, int]] = []
        length = 0
        for match in re.finditer(r"\S+", source):
            if parts:
                parts.append(" ")
                length += 1
            anchors.append((length, doc_start + match.start()))
            parts.append(match.group())
            length += len(match.group())
        return cls("".join(parts), anchors)

    @classmethod
    def from_pieces(cls, pieces: list[tuple[str, int]]) -> "OffsetMap":
        """Concatenate ``(piece, doc_offset)`` pairs; each piece is copied verbatim from its offset."""
        text, anchors, length = [], [], 0
        for piece, doc_offset in pieces:
            if piece:
                anchors.append((length, doc_offset))
                text.append(piece)
                length += len(piece)
        return cls("".join(text), anchors)

    def to_doc(self, offset: int) -> int:
        """The document offset of the character at text ``offset``."""
        if not self.anchors:
            return offset
        i = bisect.bisect_right(self.anchors, (offset, float("inf"))) - 1
        t, d = self.anchors[max(i, 0)]
        return d + (offset - t)

    def to_doc_end(self, end: int) -> int:
        """The document offset just past the character before text ``end`` (an exclusive end)."""
        return self.to_doc(end - 1) + 1 if end > 0 else self.to_doc(0)

    def span_to_doc(self, start: int, end: int) -> tuple[int, int]:
        return self.to_doc(start), self.to_doc_end(end)

    def encode(self) -> list[int]:
        """A flat list for storing in the index."""
        return [n for pair in self.anchors for n in pair]

    @classmethod
    def decode(cls, text: str, flat: list[int]) -> "OffsetMap":
        return cls(text, list(zip(flat[0::2], flat[1::2])))


def fold_space(text: str) -> str:
    return _SPACE_RUN.sub(" ", text).strip()
