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
MIN_CONTEXT = 20  # below this a line says too little: the reference is cut, then the line runs past the width
MAX_MATCH = 30  # a longer match does not push every line's context aside
MIN_REFERENCE = 12  # a reference cut shorter than this says too little: the line runs past the width instead


def reference(occ: Occurrence, form: int = 0) -> str:
    """Where the occurrence is, shorter by ``form``: 0 in full (document, paragraph, date, speaker),
    1 without the speaker, 2 as ``doc ¶N`` alone."""
    piece = occ.passage_id.rpartition("#")[2].partition(".")[2]
    para = str(occ.para_label or occ.para) + (f".{piece}" if piece else "")
    if form >= 2:
        return f"{occ.doc_id} ¶{para}"
    return "  ".join(x for x in (f"{occ.doc_id} para. {para}", occ.date, "" if form else occ.speaker) if x)


def fit_left(text: str, width: int) -> str:
    """The last ``width`` columns of the left context, right-aligned (cut with an ellipsis)."""
    if columns(text) > width:
        text = "…" + text[len(text) - width + 1:]
    return " " * (width - columns(text)) + text


def fit_right(text: str, width: int) -> str:
    if columns(text) > width:
        text = text[:width - 1] + "…"
    return text + " " * (width - columns(text))


def cut_start(text: str, width: int) -> str:
    """The last ``width`` columns of a reference (its paragraph stays), cut with an ellipsis."""
    return text if columns(text) <= width else "…" + text[len(text) - width + 1:]


def layout(conc: Concordance, width: int, context: int, match_width: int) -> tuple[int, int, int]:
    """Columns of context each side, the reference's form and the most columns it may take, so that a
    line fits in ``width``: a shorter reference first, then less context (down to ``MIN_CONTEXT``),
    then the reference cut at its start. ``context`` (given) is kept as asked."""
    for form in (0, 1, 2):
        longest = max((columns(reference(o, form)) for o in conc.lines), default=0)
        side = context or (width - longest - match_width - 4) // 2
        if side >= (context or MIN_CONTEXT) and 2 * side + match_width + 4 + longest <= width:
            return side, form, longest
    side = context or MIN_CONTEXT
    return side, 2, max(width - 2 * side - match_width - 4, MIN_REFERENCE)


def kwic_text(conc: Concordance, width: int, context: int = 0, color: bool = False) -> Iterator[str]:
    """One line per occurrence; ``context`` columns each side (0: as many as fit in ``width``), the
    reference shortened where the line would not fit ``width`` otherwise."""
    match_width = min(max((columns(o.match) for o in conc.lines), default=0), MAX_MATCH)
    side, form, room = layout(conc, width, context, match_width)
    for occ in conc.lines:
        # A space between context and match where the source has one ("“green lanes”" stays joined)
        left = occ.left.strip() + (" " if occ.left[-1:].isspace() else "")
        right = (" " if occ.right[:1].isspace() else "") + occ.right.strip()
        pad = " " * max(match_width - columns(occ.match), 0)
        match = f"{MATCH}{occ.match}{RESET}" if color else occ.match
        ref = cut_start(reference(occ, form), room)
        ref = f"{DIM}{ref}{RESET}" if color else ref
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
