r"""Typography-blind text for quote matching, with a map back to the original characters.

A pasted quotation differs from its source in ways that do not change the words: curly or straight quotes
and apostrophes, dashes, whitespace and line breaks, words hyphenated at a line end, case, ligatures. Both
sides are folded the same way, so that ``quote in source`` on folded text means "the same words, the same
punctuation, up to typography", and every folded character remembers where it came from.

- Quote marks only separate words; an apostrophe inside a word stays one (``'``).
- A hyphen joining two words, or a hyphen at a line end, joins them: "self-determination",
  "self-\ndetermination" and "selfdetermination" are one; so are "co-operation" split over two lines and
  "cooperation".
- Any other dash (an em dash, a spaced or doubled hyphen, a dash between numbers) is one ``-``:
  "open — for", "open—for" and "open -- for" are one.
- Whitespace is one space between two words and nothing next to punctuation ("U. S." is "U.S.").

>>> fold("The “Fast-\nLanes”  are open — now.").text
'the fastlanes are open-now.'
>>> fold("the fast lanes ,are open").text == fold("The fast lanes, are open").text
True
>>> fold("2015 – 2030").text == fold("2015-2030").text == fold("2015–2030").text
True
>>> f = fold("It’s  done")
>>> f.text, f.source_span(0, len(f.text))
("it's done", (0, 10))
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

QUOTE_MARKS = "\"'`´‘’‚‛“”„‟«»‹›′″〝〞＂＇"
HYPHENS = "-‐‑‒–−⁃﹣－"  # may join the parts of a word (the en dash too, as in "2015–2030")
DASHES = HYPHENS + "—―⸺⸻﹘"
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_QUOTE, _HYPHEN, _DASH = "\x01", "\x02", "\x04"
_STRUCTURE = re.compile(r"[ \n]*[\x02\x04][\x02\x04 \n]*|(?<![^\W_])[ \n]++|[ \n]++(?![^\W_])|[ \n]{2,}|\n")
# Printable ASCII that folds to itself but for case (not quotes, backtick or hyphen), and plain spaces:
# copied in runs, since most of any text is made of these.
_PLAIN = re.compile(r"[ !#-&(-,.-_a-~]+")
ELLIPSIS = re.compile(r"\s*[\[(]?\s*(?:…|\.\s?\.\s?\.)\s*[\])]?\s*")
WORD_OR_MARK = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


@lru_cache(maxsize=8192)
def fold_char(c: str) -> str:
    """One character folded: compatibility forms (ligatures, full width), lower case, classes."""
    if c.isascii() and c.isalnum():
        return c.lower()
    if c in INVISIBLE:
        return ""
    if c in LINE_BREAKS:
        return "\n"
    out = []
    for x in unicodedata.normalize("NFKC", c).lower():
        if x in QUOTE_MARKS:
            out.append(_QUOTE)
        elif x in DASHES:
            out.append(_HYPHEN if x in HYPHENS else _DASH)
        else:
            out.append(" " if x.isspace() else x)
    return "".join(out)


@dataclass
class Folded:
    """Folded ``text`` and, for each of its characters, the index of the original character."""

    text: str
    src: list[int]
    soft: frozenset[int] = frozenset()  # positions of joining hyphens that were dropped

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` span covering folded ``[start, end)`` (``end > start``)."""
        return self.src[start], self.src[end - 1] + 1


def fold(text: str) -> Folded:
    """Fold ``text`` (see the module's doc); ``Folded.src`` maps back into ``text``."""
    chars: list[str] = []
    src: list[int] = []
    pos = 0
    for m in _PLAIN.finditer(text):
        for i in range(pos, m.start()):
            _fold_special(text, i, chars, src)
        chars.append(m.group().lower())
        src.extend(range(m.start(), m.end()))
        pos = m.end()
    for i in range(pos, len(text)):
        _fold_special(text, i, chars, src)
    return _structure("".join(chars), src)


def _fold_special(text: str, i: int, chars: list[str], src: list[int]) -> None:
    folded = fold_char(text[i])
    if folded == _QUOTE:
        # An apostrophe inside a word stays one; any other quote mark only separates words.
        inside = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
        folded = "'" if inside else " "
    for x in folded:
        chars.append(x)
        src.append(i)


def _structure(s: str, src: list[int]) -> Folded:
    """Resolve dashes and whitespace (see the module's doc)."""
    out: list[str] = []
    out_src: list[int] = []
    soft: set[int] = set()
    pos = 0
    for m in _STRUCTURE.finditer(s):
        out.append(s[pos : m.start()])
        out_src.extend(src[pos : m.start()])
        pos = m.end()
        before = s[m.start() - 1] if m.start() > 0 else ""
        after = s[pos : pos + 1]
        run = m.group().strip(" \n")
        if not run:
            if before.isalnum() and after.isalnum():
                out.append(" ")
                out_src.append(src[m.start()])
        elif run != _HYPHEN or m.group()[0] != _HYPHEN or not (before.isalnum() and after.isalnum()) or (
            before.isdigit() and after.isdigit()
        ):
            out.append("-")
            out_src.append(src[m.start() + m.group().index(run[0])])
        else:
            soft.add(len(out_src))  # a quotation may still begin or end at the joined word's hyphen
    out.append(s[pos:])
    out_src.extend(src[pos:])
    return Folded("".join(out), out_src, frozenset(soft))


def is_boundary(text: str, i: int, soft: frozenset[int] = frozenset()) -> bool:
    """True when position ``i`` of folded ``text`` does not fall inside a word (or falls on a joined hyphen)."""
    return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum()) or i in soft


def split_ellipses(quote: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of a quotation's parts between its ellipses (``...``, ``…``, ``[…]``).

    >>> q = "...we will … not [...] yield."
    >>> [q[s:e] for s, e in split_ellipses(q)]
    ['we will', 'not', 'yield.']
    """
    spans, start = [], 0
    for m in ELLIPSIS.finditer(quote):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(quote)))
    return [(s, e) for s, e in spans if any(c.isalnum() for c in quote[s:e])]


EDGE_PUNCT = ".,;:!? "


def trim(folded: Folded) -> Folded:
    """Without the edge punctuation a quotation carries from its surrounding sentence."""
    text = folded.text
    start, end = 0, len(text)
    while start < end and text[start] in EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in EDGE_PUNCT:
        end -= 1
    return Folded(text[start:end], folded.src[start:end])


def tokens(folded: Folded) -> list[tuple[str, int, int]]:
    """Words and punctuation marks of folded text: ``(token, start, end)`` with folded offsets."""
    return [(m.group(), m.start(), m.end()) for m in WORD_OR_MARK.finditer(folded.text)]
