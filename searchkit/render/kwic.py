"""A concordance as aligned lines (the matches in one column, the left context right-aligned, the
reference at the end), as JSON lines and as CSV."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Iterator

from searchkit.render.formats import csv_row
from searchkit.render.text import DIM, MATCH, RESET, columns
from searchkit.search.kwic import Concordance, Occurrence

KWIC_KEYS = ("left", "match", "right", "passage_id", "doc_id", "para", "date", "speaker", "char_start",
             "char_end")
MIN_CONTEXT = 25  # below this a line says too little: it may run past the terminal instead
MAX_MATCH = 30  # a longer match does not push every line's context aside


def reference(occ: Occurrence) -> str:
    piece = occ.passage_id.rpartition("#")[2].partition(".")[2]
    para = str(occ.para_label or occ.para) + (f".{piece}" if piece else "")
    return "  ".join(x for x in (f"{occ.doc_id} para. {para}", occ.date, occ.speaker) if x)


def fit_left(text: str, width: int) -> str:
    """The last ``width`` columns of the left context, right-aligned (cut with an ellipsis)."""
    if columns(text) > width:
        text = "…" + text[len(text) - width + 1:]
    return " " * (width - columns(text)) + text


def fit_right(text: str, width: int) -> str:
    if columns(text) > width:
        text = text[:width - 1] + "…"
    return text + " " * (width - columns(text))


def context_width(conc: Concordance, width: int) -> int:
    """Columns of context on each side so that a line with its reference fits in ``width``."""
    longest_ref = max((columns(reference(o)) for o in conc.lines), default=0)
    longest_match = min(max((columns(o.match) for o in conc.lines), default=0), MAX_MATCH)
    return max((width - longest_ref - longest_match - 4) // 2, MIN_CONTEXT)


def kwic_text(conc: Concordance, width: int, context: int = 0, color: bool = False) -> Iterator[str]:
    """One line per occurrence; ``context`` columns each side (0: as many as fit in ``width``)."""
    side = context or context_width(conc, width)
    match_width = min(max((columns(o.match) for o in conc.lines), default=0), MAX_MATCH)
    for occ in conc.lines:
        # A space between context and match where the source has one ("“green lanes”" stays joined)
        left = occ.left.strip() + (" " if occ.left[-1:].isspace() else "")
        right = (" " if occ.right[:1].isspace() else "") + occ.right.strip()
        pad = " " * max(match_width - columns(occ.match), 0)
        match = f"{MATCH}{occ.match}{RESET}" if color else occ.match
        ref = f"{DIM}{reference(occ)}{RESET}" if color else reference(occ)
        yield f"{fit_left(left, side + 1)}{match}{pad}{fit_right(right, side + 1)}  {ref}".rstrip()


def kwic_json(conc: Concordance) -> Iterator[str]:
    for occ in conc.lines:
        data = asdict(occ)
        yield json.dumps({k: data[k] for k in KWIC_KEYS}, ensure_ascii=False, separators=(",", ":"))


def kwic_csv(conc: Concordance) -> Iterator[str]:
    yield csv_row(KWIC_KEYS)
    for occ in conc.lines:
        data = asdict(occ)
        yield csv_row([data[k] for k in KWIC_KEYS])
