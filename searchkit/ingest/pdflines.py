"""A PDF's text lines with their place on the page, the page furniture among them, and the paragraphs
they make.

pypdfium2 gives each page's text with its line breaks, and every character's box, so a line knows where it
starts and ends, its baseline and its font size. Furniture is what a reader skips: lines at the top or
bottom of pages that repeat from page to page once digits are set aside (running headers, "Page 3 of 21",
"18-04038 2/13"), page numbers, UN job numbers and barcodes, and the UN header block of page 1 (symbol,
"Distr.: General", "Original: English"). A paragraph begins at a first-line indent, after a gap wider than
the line spacing, after a short line that ends a sentence, and at a turn ("CHAIR POWELL."), a bullet or a
numbered paragraph; footnotes are the small-print lines at the foot of a page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Any

from searchkit.ingest.layout import PAGE_NUMBER, ends_sentence
from searchkit.ingest.markers import marker

LINE_BREAK = re.compile(r"\r\n|\r|\n")
EDGE = 0.09  # the top and bottom of a page, as a share of its height, where furniture sits
# UN document furniture: "18-04038 (E) 160318", "*1804038*", "S/2018/221", "2/13 18-04038", "Distr.: General".
UN_FURNITURE = re.compile(r"\d{2}-\d{5}(?: \(\w\))?(?: \d{6})?|\*\d{7,8}\*|\d{1,3}/\d{1,3}|[A-Z]{1,4}(?:/[\w.()]+){2,6}"
                          r"|(?:\d{1,3}/\d{1,3} )?\d{2}-\d{5}(?: \d{1,3}/\d{1,3})?|Distr\.?: \w+|Original: \w+(?:/\w+)?"
                          r"|(?:United Nations|Security Council|General Assembly|Economic and Social Council)"
                          r"(?: +(?:[A-Z]{1,4}(?:/[\w.()]+){2,6}|Distr\.?: \w+))?|[A-Z]\d{3,4}[a-z]?")
SYMBOL = re.compile(r"(?<![\w/])(?:[A-Z]{1,6}(?:/[A-Z]{1,6})?|A/C\.\d|E/CN\.\d{1,2})/(?:(?:RES|PRST|PV|Add|Rev"
                    r"|Corr|L|CRP|INF|WP)\.?/?)?\d{1,4}(?:/[\w.()]+){0,4}"
                    r"(?: \((?:Sect|Part|Income sect|Plan outline)[^()]{0,20}\))?(?:/(?:Add|Corr|Rev)\.\d+)*")
BULLET = re.compile(r"[•◦▪‣·\-–—*] |\(?[a-z]\) |\(?[ivx]{1,4}\) |\d{1,3}\.\s+[A-Z]")
SMALL_PRINT = 0.85  # a footnote's font size against the body text's


@dataclass
class PdfLine:
    text: str
    page: int  # 0-based
    left: float
    right: float
    base: float  # baseline height on the page (PDF units grow upwards)
    size: float  # font size
    furniture: bool = False
    note: bool = False


def page_lines(textpage: Any, page: int) -> list[PdfLine]:
    """The non-blank lines of one page; a line pdfium joined at a hyphen (U+FFFE) is split back in two."""
    text = textpage.get_text_range()
    out, start = [], 0
    for match in [*LINE_BREAK.finditer(text), None]:
        end = match.start() if match else len(text)
        pieces, at = text[start:end].split("\ufffe"), start
        for k, piece in enumerate(pieces):
            line = piece + ("-" if k < len(pieces) - 1 else "")
            if line.strip():
                out.append(make_line(textpage, line, at, page))
            at += len(piece) + 1
        start = match.end() if match else end
    return out


def make_line(textpage: Any, line: str, at: int, page: int) -> PdfLine:
    first = at + len(line) - len(line.lstrip())
    last = at + len(line.rstrip()) - 1
    left, bottom, _, top = textpage.get_charbox(first, loose=True)
    right = textpage.get_charbox(min(last, at + len(line) - 1))[2]
    return PdfLine(" ".join(line.split()), page, left, right, bottom + 0.2 * (top - bottom), top - bottom)


def mark_furniture(pages: list[list[PdfLine]], heights: list[float]) -> None:
    """Mark the running headers and footers, page numbers and UN document furniture of every page."""
    edge = [[ln for ln in lines if at_edge(ln, h)] for lines, h in zip(pages, heights)]
    seen = Counter(key for lines in edge for key in {shape(ln.text) for ln in lines})
    repeated = max(2, round(0.4 * len(pages)))
    running = set()
    for lines in edge:
        for line in lines:
            line.furniture = seen[shape(line.text)] >= repeated or furniture_text(line.text)
            if line.furniture and len(line.text.split()) >= 4:
                running.add(shape(line.text))
    cut_running_text(pages, running)
    for line in pages[0][:12] if pages else []:
        if UN_FURNITURE.fullmatch(line.text):
            line.furniture = True


def cut_running_text(pages: list[list[PdfLine]], running: set[str]) -> None:
    """Cut a running header out of a body line that the PDF's text runs it into ("... does not March 15,
    2020 Chair Powell’s Press Conference FINAL signal ...")."""
    if not running:
        return
    pattern = re.compile("|".join(r"\s*".join(r"\d+" if c == "#" else re.escape(c) for c in s)
                                  for s in sorted(running)), re.I)
    for lines in pages:
        for line in lines:
            if not line.furniture and len(line.text) > 20 and pattern.search(line.text):
                line.text = " ".join(pattern.sub(" ", line.text).split())
                line.furniture = not line.text


def at_edge(line: PdfLine, height: float) -> bool:
    return line.base > (1 - EDGE) * height or line.base < EDGE * height


def shape(text: str) -> str:
    """A line with its numbers and spaces set aside, as running headers repeat it ("page#of#"; the same
    header is sometimes drawn in pieces, "Powe ll’s")."""
    return re.sub(r"\s+", "", re.sub(r"\d+", "#", text.lower()))


def furniture_text(text: str) -> bool:
    return bool(PAGE_NUMBER.fullmatch(text) or UN_FURNITURE.fullmatch(text))


def mark_notes(pages: list[list[PdfLine]]) -> None:
    """Footnotes: the run of small-print lines at the foot of a page that opens with a number."""
    sizes = [ln.size for lines in pages for ln in lines if not ln.furniture]
    if not sizes:
        return
    body = median(sizes)
    for lines in pages:
        content = [ln for ln in lines if not ln.furniture]
        k = len(content)
        while k and content[k - 1].size < SMALL_PRINT * body:
            k -= 1
        foot = content[k:]
        if foot and foot[0].text[:1].isdigit() and len(foot) < len(content):
            for line in foot:
                line.note = True


def paragraphs(pages: list[list[PdfLine]]) -> list[list[PdfLine]]:
    """The content lines grouped into paragraphs, in reading order (notes kept apart from the body)."""
    lines = [ln for page in pages for ln in page if not ln.furniture]
    if not lines:
        return []
    columns = Columns(lines)
    steps = [a.base - b.base for a, b in zip(lines, lines[1:]) if a.page == b.page and 0 < a.base - b.base]
    step = median(steps) if steps else 14.0
    out: list[list[PdfLine]] = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        if starts_paragraph(prev, line, columns, step):
            out.append([line])
        else:
            out[-1].append(line)
    return out


class Columns:
    """Where the text's lines start and end: one margin per column (a first-line indent is not a column:
    its lines end where the column's do), and each column's usual line end."""

    def __init__(self, lines: list[PdfLine]) -> None:
        ends: dict[int, list[float]] = {}
        for line in lines:
            ends.setdefault(round(line.left / 2) * 2, []).append(line.right)
        frequent = sorted(left for left, rights in ends.items() if len(rights) >= max(3, 0.1 * len(lines)))
        self.margins: list[int] = []
        self.widths: dict[int, float] = {}
        for left in frequent or [max(ends, key=lambda k: len(ends[k]))]:
            right = sorted(ends[left])[int(0.9 * (len(ends[left]) - 1))]
            if self.margins and (left - self.margins[-1] < 6 or abs(right - self.widths[self.margins[-1]]) < 15):
                continue  # an indent level of the column before
            self.margins.append(left)
            self.widths[left] = right

    def margin(self, line: PdfLine) -> int:
        return max((m for m in self.margins if m <= line.left + 3), default=self.margins[0])

    def indented(self, line: PdfLine) -> bool:
        return line.left > self.margin(line) + 8

    def short(self, line: PdfLine) -> bool:
        """A line that stops well before its column's end: the last of a paragraph."""
        margin = self.margin(line)
        return line.right < self.widths[margin] - 0.12 * (self.widths[margin] - margin)


def starts_paragraph(prev: PdfLine, line: PdfLine, columns: Columns, step: float) -> bool:
    """Whether ``line`` opens a new paragraph after ``prev``."""
    if prev.note != line.note or (line.note and line.text[:1].isdigit() and prev.page == line.page and
                                  ends_sentence(prev.text)):
        return True
    if line.text[:1].islower() and not BULLET.match(line.text):
        return False  # a paragraph does not open in lower case: the same one, across a page or a figure
    if columns.indented(line) and (line.left > prev.left + 4 or columns.margin(line) != columns.margin(prev)):
        return True  # a first-line indent (or a centred heading)
    if prev.page == line.page and prev.base - line.base > 1.45 * step:
        return True
    if marker(line.text) or BULLET.match(line.text):
        return True
    return columns.short(prev) and (ends_sentence(prev.text) or prev.text[-1:] in ";,")


def un_symbol(pages: list[list[PdfLine]]) -> str:
    """The UN symbol printed in page 1's header block ("S/2018/221"), if any."""
    for line in pages[0][:12] if pages else []:
        found = SYMBOL.search(line.text)
        if found and (line.furniture or len(line.text.split()) <= 4):
            return found.group().rstrip(".,")
    return ""
