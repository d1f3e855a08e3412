"""Turning results into plain text for people (colour only on a terminal) and JSON lines for pipes.

Spans are never broken across lines, so a matched phrase stays greppable in piped output.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Iterator, Sequence
from unicodedata import combining, east_asian_width

from searchkit.highlight.fragments import Fragment, fragments, whole

if TYPE_CHECKING:  # only for annotations: importing the indexer costs a search ~15 ms at start-up
    from searchkit.indexing.run import IndexReport
    from searchkit.search.searcher import Hit, SearchResult
    from searchkit.search.show import Shown

BOLD, MATCH, DIM, RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[2m", "\x1b[0m"
HIT_KEYS = (
    "rank", "score", "doc_id", "passage_id", "para", "para_label", "title", "date", "source", "path", "kind",
    "speaker", "text", "spans", "doc_spans", "matched_forms", "char_start", "char_end", "citation", "turn",
    "question", "answers",
)
SHOW_KEYS = tuple(k for k in HIT_KEYS if k not in ("rank", "score"))  # and "target"
ELLIPSIS = "…"
INDENT = "   "
MIN_WIDTH = 20
_WORD = re.compile(r"\S+")
Span = tuple[int, int]


@dataclass
class View:
    """How much of each passage to show: ``count`` fragments of two lines of ``width``, or ``full`` text."""

    width: int = 80
    count: int = 2
    full: bool = False
    color: bool = False

    @property
    def budget(self) -> int:
        return 2 * (max(self.width, MIN_WIDTH) - len(INDENT))


def mark(text: str, spans: Sequence[Span], open_: str, close: str) -> str:
    """``text`` with each span wrapped in ``open_``/``close``.

    >>> mark("fast green lanes", [(0, 4), (5, 16)], "[", "]")
    '[fast] [green lanes]'
    """
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], open_, text[start:end], close]
        last = end
    out.append(text[last:])
    return "".join(out)


def hit_fragments(hit: Hit, view: View) -> list[Fragment]:
    if view.full:
        return whole(hit.text, hit.spans)
    return fragments(hit.text, hit.spans, view.count, view.budget, hit.sentences or None)


def fragment_text(text: str, frag: Fragment) -> tuple[str, list[Span]]:
    """The fragment's text with ellipses where the passage goes on, and its spans shifted into it.

    >>> fragment_text("We met, and we agreed, to act.", Fragment(8, 22, [(15, 21)]))
    ('… and we agreed …', [(9, 15)])
    """
    lead = ELLIPSIS + " " if frag.start > 0 else ""
    body = text[frag.start:frag.end]
    tail = ""
    if frag.end < len(text.rstrip()):
        body, tail = body.rstrip(",;:"), " " + ELLIPSIS  # a clause cut after its comma: "…, …" reads badly
    shift = len(lead) - frag.start
    return lead + body + tail, [(s + shift, min(e + shift, len(lead) + len(body))) for s, e in frag.spans]


def units(text: str, spans: Sequence[Span], width: int) -> list[Span]:
    """Words of ``text``, with the words of one span (when it fits a line) joined into one unit."""
    words = [m.span() for m in _WORD.finditer(text)]
    out: list[Span] = []
    for start, end in words:
        if out and any(s < out[-1][1] and e > start and e - s <= width for s, e in spans):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def wrap(text: str, spans: Sequence[Span], width: int) -> Iterator[tuple[str, list[Span]]]:
    """Lines of at most ``width`` characters (a longer word is cut), each with its spans."""
    line: list[Span] = []
    pieces: list[Span] = []
    for start, end in units(text, spans, width):
        while end - start > width:
            pieces.append((start, start + width))
            start += width
        pieces.append((start, end))
    for start, end in pieces:
        if line and end - line[0][0] > width:
            yield _line(text, line[0][0], line[-1][1], spans)
            line = []
        line.append((start, end))
    if line:
        yield _line(text, line[0][0], line[-1][1], spans)


def _line(text: str, start: int, end: int, spans: Sequence[Span]) -> tuple[str, list[Span]]:
    local = [(max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start]
    return text[start:end], local


def paint(line: str, spans: Sequence[Span], color: bool) -> str:
    return mark(line, spans, MATCH, RESET) if color else line


def text_block(text: str, spans: Sequence[Span], width: int, color: bool, indent: str = INDENT,
               first: str = "") -> Iterator[str]:
    """``text`` wrapped to ``width`` columns after ``indent`` (``first`` replaces it on the first line)."""
    for n, (line, local) in enumerate(wrap(text, spans, max(width - len(indent), MIN_WIDTH - len(indent)))):
        yield (first if first and n == 0 else indent) + paint(line, local, color)


def header(hit: Hit, width: int, color: bool) -> str:
    """``rank. title  date  source  [doc_id para. N]`` in ``width`` columns (the title gives way)."""
    meta = "".join(f"  {x}" for x in (hit.date, hit.source) if x)
    ref = f"  [{hit.doc_id} para. {hit.para_label or hit.para}]"
    lead = f"{hit.rank}. "
    title = fit_title(hit.title, width - len(lead) - columns(meta) - columns(ref))
    if color:
        title = f"{BOLD}{title}{RESET}"
        ref = f"  {DIM}{ref.strip()}{RESET}"
    return lead + title + meta + ref


def columns(text: str) -> int:
    """Terminal columns ``text`` takes: wide (CJK) characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(2 if east_asian_width(c) in "WF" else 0 if combining(c) else 1 for c in text)


def fit_title(title: str, room: int) -> str:
    """``title`` cut (with an ellipsis) to ``room`` columns, but never below 10.

    >>> fit_title("Green lanes reopen across the region", 16), fit_title("简体中文简体中文", 10)
    ('Green lanes reo…', '简体中文…')
    """
    room = max(room, 10)
    if columns(title) <= room:
        return title
    kept, used = [], 0
    for char in title:
        used += columns(char)
        if used > room - 1:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def hit_lines(hit: Hit, view: View) -> Iterator[str]:
    yield header(hit, view.width, view.color)
    for frag in hit_fragments(hit, view):
        text, spans = fragment_text(hit.text, frag)
        yield from text_block(text, spans, view.width, view.color)
    if hit.more:  # --by-doc; beneath, so that the title keeps its room on the first line
        yield f"{INDENT}(+{hit.more} more passage{'' if hit.more == 1 else 's'})"
    if hit.explain is not None:
        yield INDENT + "score " + explain_line(hit)
    if hit.answer is not None:  # --with-answers: the start of the answer, two lines at most
        lead = f"{INDENT}↳ para. {hit.answers[0].rpartition('#')[2]}: "
        room = 2 * (max(view.width, MIN_WIDTH) - len(lead))
        text = " ".join(hit.answer.split())
        text = text if len(text) <= room else text[:room - 2].rsplit(" ", 1)[0] + " " + ELLIPSIS
        yield from text_block(text, [], view.width, False, indent=" " * len(lead), first=lead)


def search_total(result: SearchResult) -> str:
    unit = "document" if result.by_doc else "passage"
    return f"{result.hits[0].rank}-{result.hits[-1].rank} of {result.total} {unit}{'' if result.total == 1 else 's'}"


def search_text(result: SearchResult, view: View) -> Iterator[str]:
    if not result.hits:
        return
    yield search_total(result)
    for hit in result.hits:
        yield ""
        yield from hit_lines(hit, view)


def explain_lines(result: SearchResult) -> Iterator[str]:
    """What ``--explain`` prints before the hits: the query as read, and the feedback terms if any."""
    yield f"query: {result.parsed}"
    if result.expansion:
        yield "feedback terms: " + " ".join(f"{t}:{w:.3f}" for t, w in result.expansion)


def explain_line(hit: Hit) -> str:
    parts = " + ".join(f"{name} {value:g}" for name, value in (hit.explain or {}).items())
    return f"{hit.score:g} = {parts or '0 (matched by filters only)'}"


def hit_keys(hit: Hit, keys: Sequence[str] = HIT_KEYS) -> tuple[str, ...]:
    """``keys``, and ``more`` (with --by-doc), ``explain`` (with --explain) and ``limits`` (what a bounded
    search left out) when the hit has them."""
    return tuple(keys) + tuple(k for k in ("more", "explain", "limits") if getattr(hit, k, None) is not None)


def hit_json(hit: Hit, keys: Sequence[str] = HIT_KEYS, **extra: object) -> str:
    data = asdict(hit)
    keys = hit_keys(hit, keys) if keys is HIT_KEYS else keys
    return json.dumps({**{k: data[k] for k in keys}, **extra}, ensure_ascii=False, separators=(",", ":"))


def label(hit: Hit) -> str:
    """The paragraph as a reader cites it: the document's own number if any, and the piece (``7.2``)."""
    piece = hit.passage_id.rpartition("#")[2].partition(".")[2]
    return str(hit.para_label or hit.para) + (f".{piece}" if piece else "")


def show_text(shown: Shown, view: View) -> Iterator[str]:
    """The document's heading, then each passage under its paragraph number, the named ones after ``>``."""
    head = shown.passages[0]
    meta = "".join(f"  {x}" for x in (head.date, head.source) if x) + f"  [{shown.doc_id}]"
    title = fit_title(head.title, view.width - columns(meta))
    yield (f"{BOLD}{title}{RESET}" if view.color else title) + meta
    column = max(len(label(h)) for h in shown.passages)
    for hit in shown.passages:
        marker = ">" if hit.passage_id in shown.targets else " "
        first = f"{marker} {label(hit).rjust(column)}  "
        tag = f"[{hit.kind}] " if hit.kind != "body" else ""
        spans = [(s + len(tag), e + len(tag)) for s, e in hit.spans]
        yield ""
        yield from text_block(tag + hit.text, spans, view.width, view.color, " " * len(first), first)


def show_json(shown: Shown) -> Iterator[str]:
    for hit in shown.passages:
        yield hit_json(hit, SHOW_KEYS, target=hit.passage_id in shown.targets)


def report_text(report: IndexReport) -> str:
    return (
        f"{report.added} added, {report.updated} updated, {report.removed} removed, "
        f"{report.unchanged} unchanged, {report.skipped} skipped in {report.seconds:.2f} s; "
        f"the index holds {report.documents} documents, {report.passages} passages"
    )


def report_json(report: IndexReport) -> str:
    keys = ("added", "updated", "removed", "unchanged", "skipped", "documents", "passages", "seconds")
    data = asdict(report)
    return json.dumps({k: data[k] for k in keys}, separators=(",", ":"))
