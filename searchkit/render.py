"""Turning results into output: plain text for people (colour only on a terminal) and JSON lines for pipes."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from typing import Iterator

from .indexer import IndexReport
from .search import Hit, SearchResult

BOLD, MATCH, DIM, RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[2m", "\x1b[0m"
HIT_KEYS = (
    "rank", "score", "doc_id", "passage_id", "para", "para_label", "title", "date", "source", "path", "kind",
    "speaker", "text", "spans", "doc_spans", "matched_forms", "char_start", "char_end", "citation",
)
ELLIPSIS = "…"


def mark(text: str, spans: list[tuple[int, int]], open_: str, close: str) -> str:
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


def fragment(text: str, spans: list[tuple[int, int]], budget: int) -> tuple[str, list[tuple[int, int]]]:
    """A window of about ``budget`` characters around the first match, with spans shifted into it."""
    if len(text) <= budget:
        return text, spans
    first = spans[0][0] if spans else 0
    start = max(0, min(first - budget // 3, len(text) - budget))
    start = text.rfind(" ", 0, start) + 1 if start > 0 else 0
    end = min(len(text), start + budget)
    if end < len(text):
        end = max(text.rfind(" ", start, end), first + 1)
    lead = ELLIPSIS if start > 0 else ""
    tail = ELLIPSIS if end < len(text) else ""
    shift = len(lead) - start
    inside = [(s + shift, min(e, end) + shift) for s, e in spans if s >= start and s < end]
    return lead + text[start:end] + tail, inside


def hit_lines(hit: Hit, color: bool, width: int) -> Iterator[str]:
    where = f"{hit.doc_id} para. {hit.para_label or hit.para}"
    meta = "  ".join(x for x in (hit.date, hit.source) if x)
    title = f"{BOLD}{hit.title}{RESET}" if color else hit.title
    yield f"{hit.rank}. {title}" + (f"  {meta}" if meta else "") + f"  [{where}]"
    text, spans = fragment(hit.text, hit.spans, budget=max(width - 3, 20) * 3)
    # Wrap the unmarked text first so that escape codes never count towards the width.
    lines = textwrap.wrap(text, width=max(width - 3, 20))
    offset = 0
    for line in lines:
        offset = text.index(line, offset)
        local = [(max(s, offset) - offset, min(e, offset + len(line)) - offset)
                 for s, e in spans if s < offset + len(line) and e > offset]
        yield "   " + (mark(line, local, MATCH, RESET) if color else line)
        offset += len(line)


def search_text(result: SearchResult, color: bool, width: int) -> Iterator[str]:
    if not result.hits:
        return
    first = result.hits[0].rank
    yield f"{first}-{result.hits[-1].rank} of {result.total} passages"
    for hit in result.hits:
        yield ""
        yield from hit_lines(hit, color, width)


def hit_json(hit: Hit) -> str:
    data = asdict(hit)
    return json.dumps({k: data[k] for k in HIT_KEYS}, ensure_ascii=False, separators=(",", ":"))


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
