"""A document's lines, each cleaned (one space between words, no invisible characters, no mojibake)
and mapped back to the document.

Line ends are ``\\n``, ``\\r\\n``, a lone ``\\r``, and a form feed (a page break in PDF text). NBSP and
other spaces become a plain space; zero-width characters and soft hyphens are dropped. Mojibake such as
``â€™`` is repaired with ftfy, but only on lines where a cheap pattern finds its traces.

>>> [line.text for line in split_lines("a\\u00a0b  c\\r\\n\\x0cThat\\u00e2\\u20ac\\u2122s\\u200b it\\r")]
['a b c', '', 'That’s it', '']
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from searchkit.ingest.offsets import OffsetMap, Piece

LINE_END = re.compile(r"\r\n|[\n\r\f\v\x85\u2028\u2029]")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{ZERO_WIDTH}\x00-\x08\x0e-\x1f\x7f]")
# UTF-8 read as cp1252 or Latin-1 leaves a lead byte (Â Ã â ...) before a continuation-looking character.
_MOJIBAKE = re.compile("[\u00c2-\u00c5\u00e2][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6"
                       "\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122"
                       "\u0161\u203a\u0153\u017e\u0178]|" + r"(?<=[A-Za-z])\u00e2(?=(?:s|t|ll|re|ve|d|m)\b)")
_LEAD = re.compile("[\u00c2-\u00c5\u00e2]")
# What is left of an apostrophe whose last two bytes were lost ("Australiaâs"): ftfy cannot see it.
_LOST_APOSTROPHE = re.compile(r"(?<=[A-Za-z])\u00e2(?=(?:s|t|ll|re|ve|d|m)\b)")


_RUN = re.compile(r"\S+(?: \S+)*")


@dataclass
class Line:
    """One line of the document: its raw span and its cleaned text with the map back to the document."""

    start: int
    end: int
    text: str
    pieces: list[Piece] = field(default_factory=list, repr=False)
    indent: int = 0  # leading whitespace in the raw line

    @property
    def blank(self) -> bool:
        return not self.text

    def omap(self) -> OffsetMap:
        return OffsetMap.from_pieces(self.pieces)


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` (blank ones too), cleaned."""
    lines, start = [], 0
    for match in LINE_END.finditer(text):
        lines.append(clean_line(text, start, match.start()))
        start = match.end()
    lines.append(clean_line(text, start, len(text)))
    return lines


def clean_line(doc: str, start: int, end: int) -> Line:
    raw = doc[start:end]
    indent = len(raw) - len(raw.lstrip())
    # Every trace of mojibake starts with one of a few lead characters: looking for them alone first is
    # several times faster than the whole pattern, which runs for every line of every document.
    if not raw.isascii() and _LEAD.search(raw) and _MOJIBAKE.search(raw):
        pieces = _fold(_repaired_chars(raw, start))
    elif _INVISIBLE.search(raw):
        pieces = _fold([(c, start + i, 0) for i, c in enumerate(raw)])
    else:
        pieces = _fast_pieces(raw, start)
    return Line(start, end, "".join(p[0] for p in pieces), pieces, indent)


def _fast_pieces(raw: str, start: int) -> list[Piece]:
    """Runs of words separated by single spaces, copied whole; a space between runs."""
    pieces: list[Piece] = []
    for match in _RUN.finditer(raw):
        if pieces:
            pieces.append((" ", start + match.start() - 1))
        pieces.append((match.group(), start + match.start()))
    return pieces


def _fold(chars: list[tuple[str, int, int]]) -> list[Piece]:
    """Drop invisible characters, fold whitespace runs into one space, strip; one piece per character."""
    out: list[Piece] = []
    pending_space: tuple[str, int, int] | None = None
    for char, offset, width in chars:
        if _INVISIBLE.match(char):
            continue
        if char.isspace():
            if out and pending_space is None:
                pending_space = (" ", offset, 0)
            continue
        if pending_space is not None:
            out.append(pending_space)
            pending_space = None
        out.append((char, offset, width))
    return out


def _repaired_chars(raw: str, start: int) -> list[tuple[str, int, int]]:
    """The characters of ``raw`` with mojibake repaired, each with its document offset and width."""
    import ftfy  # only for the rare line that needs it

    fixed = ftfy.fix_encoding(raw)
    if fixed == raw:
        return [(_LOST_APOSTROPHE.sub("\u2019", raw)[i], start + i, 0) for i in range(len(raw))]
    chars: list[tuple[str, int, int]] = []
    matcher = difflib.SequenceMatcher(None, raw, fixed, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            chars.extend((fixed[j1 + k], start + i1 + k, 0) for k in range(j2 - j1))
        elif j2 > j1:  # replaced (or inserted) characters stand for the whole source run
            chars.extend((fixed[j], start + i1, max(i2 - i1, 1)) for j in range(j1, j2))
    lost = {m.start() for m in _LOST_APOSTROPHE.finditer("".join(c for c, _, _ in chars))}
    return [("\u2019", d, w) if k in lost else (c, d, w) for k, (c, d, w) in enumerate(chars)]
