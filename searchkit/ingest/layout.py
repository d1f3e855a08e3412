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

from searchkit.ingest.lines import Line

# Page furniture on a line of its own: "19", "- 19 -", "Page 3 of 9", UN job numbers "10-54827 42",
# "16/23 15-29595", UN record headers "28/09/2015 A/70/PV.15".
PAGE_NUMBER = re.compile(r"(?:-\s*)?\d{1,3}(?:\s*-)?|[Pp]age \d{1,4}(?: of \d{1,4})?"
                         r"|(?:\d{1,3}(?:/\d{1,3})?\s+)?\d{2}-\d{5}(?:\s+\d{1,3}(?:/\d{1,3})?)?"
                         r"|(?:\d\d/\d\d/\d{4}\s+)?A/(?:\d{1,2}/)?PV\.\d{1,4}(?:\s+\d\d/\d\d/\d{4})?")
# A sentence ends at . ! ? : or an ellipsis, maybe followed by closing quotes or brackets.
TERMINAL = re.compile(r"(?:[.!?:…]|\.\.\.)[\"'”’»)\]*]*$")
SALUTATION = re.compile(r"(?:Mr|Madam|Madame|Mister|Ms|Sir|Your|Excellenc|Ladies|Distinguished|Dear|Colleagues|"
                        r"Honou?rable|Fellow|Friends|Members)\b.{0,80}[,:]$")
LABEL = re.compile(r"(\d{1,3})(?:[.:,]?\t+|[.:,] +|[.:](?=[A-Z\"“]))")
HYPHEN_END = re.compile(r"(?<![-\s])[^\W\d_]{2,}-$")
FIRST_WORD = re.compile(r"\S+")
# Line-length distribution used to call a document hard-wrapped.
WRAP_MIN, WRAP_MAX = 30, 110
# A line "could have been" as long as the longest of this many neighbours on each side.
NEIGHBOURS = 4
# Characters of room a sentence-ending line must leave (a ragged margin of a few characters is noise).
MARGIN = 2
QUOTE_MARGIN = 8
# A line this long that ends without punctuation is a paragraph cut in two, not a heading.
CUT_LINE = 150
INNER_SENTENCE = re.compile(r"[a-z]{2}[.!?][\"”’)]? +[A-Z][a-z]")
# No sentence ends on these: a line ending on one runs on into the next.
OPEN_WORDS = frozenset("a an the of to in on for with by from at and or but nor that which who whose as is was "
                       "were are be been will would shall should can could may might must has have had its their "
                       "our his her this these those between into than not".split())
PROSE_CUT = 90  # a prose line this long without a sentence end is a paragraph cut, not a sentence-case headline
PROSE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
OPENERS = "\"“‘'$€£("  # what a sentence's continuation on the next line may open with
CREDIT_END = re.compile(r"\b(?:Photos?|Source|Image|Video)\s*:\s*[^.]{1,60}\)?$", re.I)


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
    return bool(TERMINAL.search(text[-12:]))  # the tail only: a $-anchored search scans the whole line


def starts_lower(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in "(,;")


def is_dropped(line: Line) -> bool:
    return line.blank or bool(PAGE_NUMBER.fullmatch(line.text))


@dataclass
class Evidence:
    """What one document's lines say about its layout."""

    texts: list[str]
    gaps: list[bool]  # a blank line (or form feed) between content lines k and k+1
    indents: list[bool]
    width: float = 0.0
    blank_separates: bool = False
    numbered: bool = False
    indented_starts: bool = False

    def capacity(self, k: int) -> int:
        """How long line ``k`` could have been: the longest of its neighbours (a reader's eye)."""
        near = self.texts[max(0, k - NEIGHBOURS):k] + self.texts[k + 1:k + 1 + NEIGHBOURS]
        return max((len(t) for t in near), default=0)


def detect_layout(lines: list[Line]) -> Layout:
    """The layout of a document and its paragraphs, as blocks of line indices."""
    content = [i for i, line in enumerate(lines) if not is_dropped(line)]
    if not content:
        return Layout("blank", [])
    ev = evidence(lines, content)
    name = "wrapped" if ev.width else ("blank" if ev.blank_separates else "line")
    blocks = [Block([content[0]])]
    for k in range(1, len(content)):
        join = joiner(ev.texts[k - 1], ev.texts[k])
        if join is not None or not breaks(ev, k):
            blocks[-1].lines.append(content[k])
            blocks[-1].joins.append(join or " ")
        else:
            blocks.append(Block([content[k]]))
    return Layout(name, blocks, ev.blank_separates, ev.width)


def given_layout(lines: list[Line]) -> Layout:
    """The paragraphs a reader of a page, PDF or Word file already found: blocks apart by blank lines."""
    blocks: list[Block] = []
    previous = ""
    for i, line in enumerate(lines):
        if line.blank:
            previous = ""
            continue
        if not previous:
            blocks.append(Block([i]))
        else:
            hyphen = HYPHEN_END.search(previous[-40:]) and line.text[:1].isalnum()  # "mid-" + "2015" too
            blocks[-1].joins.append("hyphen" if hyphen else " ")
            blocks[-1].lines.append(i)
        previous = line.text
    return Layout("given", blocks, True)


def evidence(lines: list[Line], content: list[int]) -> Evidence:
    texts = [lines[i].text for i in content]
    gaps = [any(lines[k].blank for k in range(a + 1, b)) for a, b in zip(content, content[1:])]
    ev = Evidence(texts, gaps, [lines[i].indent > 0 for i in content], wrap_width(texts))
    # Blank lines separate paragraphs unless they often cut a sentence in two (page breaks in PDF text).
    cuts = [joiner(texts[k], texts[k + 1]) is not None for k, gap in enumerate(gaps) if gap]
    ev.blank_separates = len(cuts) >= 2 and sum(cuts) <= 0.25 * len(cuts)
    ev.numbered = sum(1 for t in texts if LABEL.match(t)) >= max(3, len(texts) // 3)
    # First-line indents mark paragraphs when only some lines have them.
    ev.indented_starts = 3 <= sum(ev.indents) <= 0.4 * len(texts)
    return ev


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
    if HYPHEN_END.search(prev[-40:]) and nxt[:1].isalpha():
        return "hyphen"
    if not ends_sentence(prev) and starts_lower(nxt):
        return " "
    # No sentence, and no heading, ends on "of the", "and", "to": what follows is the same sentence, past
    # a page break or an extraction cut, whatever its case ("... the United States of" / "America").
    if ends_open(prev, numbers=False) and nxt[:1].isalnum() and not LABEL.match(nxt):
        return " "  # (a quotation set apart after "he stated that" stays a paragraph of its own)
    # A long paragraph line that stops mid-sentence was cut (a page break), even when the next part
    # begins with a name ("... lodged claims with the United" / "Nations Commission ...").
    if cut_line(prev) and (nxt[:1].isalnum() or nxt[:1] in OPENERS) and not LABEL.match(nxt) and (
            ends_sentence(nxt) or INNER_SENTENCE.search(nxt)):  # the rest of the sentence, not a heading
        return " "
    return None


def cut_line(text: str) -> bool:
    """A paragraph line that stops mid-sentence: running prose without a sentence end ("... between
    Cuba and the United States of", "... paved the way for the 2030"), long, or holding a finished
    sentence before the cut. A heading is no such line: few words, most of them capitalised."""
    if ends_sentence(text) or CREDIT_END.search(text[-90:]):
        return False
    if len(text) >= 60 and is_prose(text) and (len(text) >= PROSE_CUT or ends_open(text)):
        return True
    if text[-1].isdigit():  # "... the Congress. January 20, 1972": a heading with its date
        return False
    return len(text) >= CUT_LINE or (len(text) >= 60 and bool(INNER_SENTENCE.search(text)))


def ends_open(text: str, numbers: bool = True) -> bool:
    """Whether ``text`` ends on a word no sentence ends on (``of``, ``the``, ``and``), or on a number."""
    last = text.rsplit(None, 1)[-1]
    return last.lower() in OPEN_WORDS or (numbers and last.isdigit())


def is_prose(text: str) -> bool:
    """Running prose, not a heading: eight words or more, at least half of them in lower case."""
    words = PROSE_WORD.findall(text)
    return len(words) >= 8 and 2 * sum(w[0].islower() for w in words) >= len(words)


def breaks(ev: Evidence, k: int) -> bool:
    """Whether a paragraph ends between content lines ``k - 1`` and ``k`` (which could run on)."""
    prev, nxt = ev.texts[k - 1], ev.texts[k]
    if ev.numbered:
        return bool(LABEL.match(nxt)) or ends_sentence(prev) or not ev.width and ev.gaps[k - 1]
    if ev.gaps[k - 1] and ev.blank_separates:
        return True
    if not ev.width:
        return True
    if ev.indented_starts and ev.indents[k]:
        return True
    if SALUTATION.match(prev) and len(prev) < 0.7 * ev.width:
        return True
    # A wrap is forced only when the next word does not fit; room left on the line means a paragraph
    # ended there (or an introduction to a quotation set apart).
    first = FIRST_WORD.match(nxt)
    room = ev.capacity(k - 1) - (len(prev) + 1 + len(first.group() if first else ""))
    if ends_sentence(prev):
        return room >= MARGIN
    return room >= QUOTE_MARGIN and nxt[:1] in "\"“‘'"
