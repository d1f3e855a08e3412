"""Word-level alignment of a misquotation with the closest stretch of a source text.

Each part of the quotation (the text between its ellipses) is anchored where its rarer words vote for
the same offset in the source, then aligned with difflib on a window a few words wider than the part;
the source words outside the aligned stretch are trimmed off. Similarity is difflib's ratio over the
quotation's words and the aligned source words (text elided by an ellipsis does not count).

>>> a = align([["we", "oppose", "unjust", "sanctions", "."]],
...           "today we oppose unilateral sanctions . thank you".split())
>>> round(a.similarity, 2), a.regions
(0.8, [(1, 6)])
>>> [(op, i1, i2, j1, j2) for op, i1, i2, j1, j2 in a.opcodes[0]]
[('equal', 0, 2, 1, 3), ('replace', 2, 3, 3, 4), ('equal', 3, 5, 4, 6)]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

MARGIN = 3  # source words tried on either side of a part's anchored position
BAND = 3  # offsets this close vote together (a few inserted or dropped words)
COMMON = 60  # a word this frequent in the window anchors nothing

Opcode = tuple[str, int, int, int, int]


@dataclass
class Alignment:
    """Per part: the source token region ``[j1, j2)`` and difflib opcodes (source indices absolute)."""

    similarity: float = 0.0
    regions: list[tuple[int, int]] = field(default_factory=list)
    opcodes: list[list[Opcode]] = field(default_factory=list)
    matched: int = 0


def anchor(part: list[str], positions: dict[str, list[int]], lo: int) -> int | None:
    """The source offset (of the part's first word) that most of its words agree on."""
    votes: dict[int, float] = defaultdict(float)
    for i, word in enumerate(part):
        where = positions.get(word, ())
        if not where or len(where) > COMMON:
            continue
        weight = 1.0 / len(where)
        for j in where:
            if j >= lo:
                votes[j - i] += weight
    if not votes:
        return None
    return max(votes, key=lambda d: (sum(votes.get(d + k, 0.0) for k in range(-BAND, BAND + 1)), votes[d], -d))


def _trim(ops: list[Opcode]) -> list[Opcode]:
    """Drop source-only words at either edge; an edge replacement keeps as many source words as quote words."""
    ops = list(ops)
    while ops and ops[0][0] == "insert":
        ops.pop(0)
    while ops and ops[-1][0] == "insert":
        ops.pop()
    if ops and ops[0][0] == "replace":
        tag, i1, i2, j1, j2 = ops[0]
        ops[0] = (tag, i1, i2, max(j1, j2 - (i2 - i1)), j2)
    if ops and ops[-1][0] == "replace":
        tag, i1, i2, j1, j2 = ops[-1]
        ops[-1] = (tag, i1, i2, j1, min(j2, j1 + (i2 - i1)))
    return ops


def align_part(part: list[str], source: list[str], positions: dict[str, list[int]], lo: int) -> list[Opcode]:
    """Opcodes aligning ``part`` with ``source[lo:]`` (source indices absolute); all-delete if nothing fits."""
    start = anchor(part, positions, lo)
    if start is None:
        return [("delete", 0, len(part), lo, lo)]
    a, b = max(lo, start - MARGIN), min(len(source), start + len(part) + MARGIN)
    matcher = SequenceMatcher(None, part, source[a:b], autojunk=False)
    ops = [(tag, i1, i2, j1 + a, j2 + a) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
    return _trim(ops) or [("delete", 0, len(part), lo, lo)]


def align(parts: list[list[str]], source: list[str]) -> Alignment:
    """Align each part in turn, each one after the previous part's region."""
    positions: dict[str, list[int]] = defaultdict(list)
    for j, word in enumerate(source):
        positions[word].append(j)
    result = Alignment()
    lo = 0
    quote_words = source_words = 0
    for part in parts:
        ops = align_part(part, source, positions, lo)
        j1, j2 = ops[0][3], ops[-1][4]
        result.opcodes.append(ops)
        result.regions.append((j1, j2))
        result.matched += sum(i2 - i1 for tag, i1, i2, _, _ in ops if tag == "equal")
        quote_words += len(part)
        source_words += j2 - j1
        lo = max(lo, j2)
    total = quote_words + source_words
    result.similarity = 2.0 * result.matched / total if total else 0.0
    return result
