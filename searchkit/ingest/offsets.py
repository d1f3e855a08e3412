"""Maps offsets in a passage's cleaned text back to offsets in the original document.

Cleaning (whitespace folding, joined lines, repaired hyphenation, stripped paragraph numbers, repaired
mojibake) makes passage text and source differ; every offset a user sees in the original (highlights,
quotes, line and column) goes through one of these maps.

A map is a list of segments ``(text_offset, doc_offset, width)``. A copy segment (``width == 0``) advances
text and document together. A replaced segment (``width > 0``) stands for ``width`` document characters
as a whole: mojibake such as ``â€™`` becomes one ``’``, and a span that touches it covers all three.

>>> m = OffsetMap.build("  fast\\n  lanes", 10)
>>> m.text
'fast lanes'
>>> m.to_doc(5), m.to_doc_end(10)
(19, 24)
>>> r = OffsetMap.from_pieces([("it", 0), ("’", 2, 3), ("s", 5)])
>>> r.text, r.span_to_doc(0, 3), r.span_to_doc(2, 3)
('it’s', (0, 5), (2, 5))
>>> r.slice(2, 4).span_to_doc(0, 2)
(2, 6)
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Sequence, Union

_SPACE_RUN = re.compile(r"\s+")

Piece = Union[tuple[str, int], tuple[str, int, int]]


@dataclass
class OffsetMap:
    """Segments ``(text_offset, doc_offset, width)`` sorted by text offset; see the module docstring."""

    text: str
    anchors: list[tuple[int, int, int]] = field(default_factory=list)

    @classmethod
    def build(cls, source: str, doc_start: int) -> "OffsetMap":
        """Fold every whitespace run of ``source`` (found at ``doc_start``) into one space, and strip."""
        pieces: list[Piece] = []
        for match in re.finditer(r"\S+", source):
            if pieces:
                pieces.append((" ", doc_start + match.start() - 1))
            pieces.append((match.group(), doc_start + match.start()))
        return cls.from_pieces(pieces)

    @classmethod
    def from_pieces(cls, pieces: Sequence[Piece]) -> "OffsetMap":
        """Concatenate pieces ``(text, doc_offset)`` copied verbatim from ``doc_offset``, or
        ``(text, doc_offset, width)`` standing for ``width`` document characters as a whole."""
        text: list[str] = []
        anchors: list[tuple[int, int, int]] = []
        length = 0
        for piece in pieces:
            chunk, doc_offset = piece[0], piece[1]
            width = piece[2] if len(piece) > 2 else 0  # type: ignore[misc]
            if not chunk:
                continue
            if anchors and not width and not anchors[-1][2]:
                t, d, _ = anchors[-1]
                if length - t == doc_offset - d:  # contiguous with the previous copy: one segment
                    text.append(chunk)
                    length += len(chunk)
                    continue
            anchors.append((length, doc_offset, width))
            text.append(chunk)
            length += len(chunk)
        return cls("".join(text), anchors)

    def _segment(self, offset: int) -> tuple[int, int, int]:
        i = bisect.bisect_right(self.anchors, (offset, float("inf"), 0)) - 1
        return self.anchors[max(i, 0)]

    def to_doc(self, offset: int) -> int:
        """The document offset of the character at text ``offset``."""
        if not self.anchors:
            return offset
        t, d, width = self._segment(offset)
        return d if width else d + (offset - t)

    def to_doc_end(self, end: int) -> int:
        """The document offset just past the character before text ``end`` (an exclusive end)."""
        if end <= 0 or not self.anchors:
            return self.to_doc(0) if end <= 0 else end
        t, d, width = self._segment(end - 1)
        return d + width if width else d + (end - t)

    def span_to_doc(self, start: int, end: int) -> tuple[int, int]:
        return self.to_doc(start), self.to_doc_end(end)

    def slice(self, start: int, end: int) -> "OffsetMap":
        """The map of ``text[start:end]``, offsets counted from ``start``."""
        pieces: list[Piece] = []
        bounds = [a[0] for a in self.anchors[1:]] + [len(self.text)]
        for (t, d, width), t_end in zip(self.anchors, bounds):
            lo, hi = max(t, start), min(t_end, end)
            if lo >= hi:
                continue
            chunk = self.text[lo:hi]
            pieces.append((chunk, d, width) if width else (chunk, d + lo - t))
        return OffsetMap.from_pieces(pieces)

    def encode(self) -> list[int]:
        """A flat list for storing in the index."""
        return [n for segment in self.anchors for n in segment]

    @classmethod
    def decode(cls, text: str, flat: list[int]) -> "OffsetMap":
        return cls(text, list(zip(flat[0::3], flat[1::3], flat[2::3])))


def fold_space(text: str) -> str:
    return _SPACE_RUN.sub(" ", text).strip()
