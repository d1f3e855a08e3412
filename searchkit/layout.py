"""Finding the paragraphs a reader sees, whatever the document's layout.

Layouts are told apart per document, from its own lines:

* ``blank``: paragraphs separated by blank lines (lines inside a block may be wrapped);
* ``line``: one paragraph per line;
* ``wrapped``: lines hard-wrapped at 40-100 characters, no blank line between paragraphs; blank lines and
  form feeds mark page breaks. A paragraph ends at a line that ends a sentence and is short: the next
  line's first word would have fitted on it, judged from the document's own line-length distribution.

In every layout, a line that stops mid-sentence and a next line that starts in lower case belong to one
paragraph (a page break or an extraction cut), line-end hyphenation is repaired, and page numbers on
lines of their own are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

from .textlines import Line

PAGE_NUMBER = re.compile(r"(?:-\s*)?\d{1,3}(?:\s*-)?|[Pp]age \d{1,4}(?: of \d{1,4})?")
# A sentence ends at . ! ? : or an ellipsis, maybe followed by closing quotes or brackets.
TERMINAL = re.compile(r"(?:[.!?:…]|\.\.\.)[\"'”’»)\]*]*$")
SALUTATION = re.compile(r"(?:Mr|Madam|Madame|Mister|Ms|Sir|Your|Excellenc|Ladies|Distinguished|Dear|Colleagues|"
                        r"Honou?rable|Fellow|Friends|Members)\b.{0,80}[,:]$")
LABEL = re.compile(r"(\d{1,3})(?:[.:,]?\t+|[.:,] +|[.:](?=[A-Z\"“]))")
HYPHEN_END = re.compile(r"(?<![-\s])[^\W\d_]{2,}-$")
FIRST_WORD = re.compile(r"\S+")
# Line-length distribution used to call a document hard-wrapped.
WRAP_MIN, WRAP_MAX = 30, 110


@dataclass
class Block:
    """A paragraph: its lines (indices into the document's lines) and how each joins the next."""

    lines: list[int]
    joins: list[str] = field(default_factory=list)  # " " (a space), "" (hyphen kept), "-" (hyphen dropped)


@dataclass
class Layout:
    name: str
    blocks: list[Block]
    blank_separates: bool = False
    width: float = 0.0


def ends_sentence(text: str) -> bool:
    return bool(TERMINAL.search(text))


def starts_lower(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in "(,;")


def is_dropped(line: Line) -> bool:
    return line.blank or bool(PAGE_NUMBER.fullmatch(line.text))


def analyse(lines: list[Line]) -> Layout:
    """The layout of a document and its paragraphs, as blocks of line indices."""
    content = [i for i, line in enumerate(lines) if not is_dropped(line)]
    if not content:
        return Layout("blank", [])
    texts = [lines[i].text for i in content]
    gaps = [any(lines[k].blank for k in range(a + 1, b)) for a, b in zip(content, content[1:])]
    width = wrap_width(texts)
    # Blank lines separate paragraphs unless they often cut a sentence in two (page breaks in PDF text).
    cuts = [joiner(texts[k], texts[k + 1]) is not None for k, gap in enumerate(gaps) if gap]
    blank_separates = len(cuts) >= 2 and sum(cuts) <= 0.25 * len(cuts)
    name = "wrapped" if width else ("blank" if blank_separates else "line")
    numbered = sum(1 for t in texts if LABEL.match(t)) >= max(3, len(texts) // 3)
    blocks = [Block([content[0]])]
    for k in range(1, len(content)):
        prev, nxt = texts[k - 1], texts[k]
        join = joiner(prev, nxt)
        if join is not None or not breaks(prev, nxt, gaps[k - 1], width, blank_separates, numbered):
            blocks[-1].lines.append(content[k])
            blocks[-1].joins.append(join or " ")
        else:
            blocks.append(Block([content[k]]))
    return Layout(name, blocks, blank_separates, width)


def wrap_width(texts: list[str]) -> float:
    """How long a wrapped line can be (0 when the document is not hard-wrapped).

    Lines that stop mid-sentence were wrapped because the next word did not fit: the 90th percentile of
    their lengths is the document's line capacity (proportional fonts make it vary a little).
    """
    if len(texts) < 6:
        return 0.0
    lengths = sorted(len(t) for t in texts)
    p90 = lengths[int(0.9 * (len(lengths) - 1))]
    mid_sentence = [len(t) for t in texts if not ends_sentence(t)]
    if p90 > WRAP_MAX or median(lengths) < WRAP_MIN or len(mid_sentence) < 0.4 * len(texts):
        return 0.0
    mid_sentence.sort()
    return float(mid_sentence[int(0.9 * (len(mid_sentence) - 1))])


def joiner(prev: str, nxt: str) -> str | None:
    """How ``prev`` runs on into ``nxt`` when they must be one paragraph; None when they need not be."""
    if HYPHEN_END.search(prev) and nxt[:1].isalpha():
        return "hyphen"
    if not ends_sentence(prev) and starts_lower(nxt):
        return " "
    return None


def breaks(prev: str, nxt: str, blank_gap: bool, width: float, blank_separates: bool, numbered: bool) -> bool:
    """Whether a paragraph ends between two lines that could run on."""
    if numbered:
        return bool(LABEL.match(nxt)) or ends_sentence(prev) or not width and blank_gap
    if blank_gap and blank_separates:
        return True
    if not width:
        return True
    if SALUTATION.match(prev) and len(prev) < 0.7 * width:
        return True
    if not ends_sentence(prev):
        return False
    first = FIRST_WORD.match(nxt)
    return len(prev) + 1 + len(first.group() if first else "") <= width
