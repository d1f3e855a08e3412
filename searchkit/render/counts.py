"""Counts as a table with proportional bars (one field) or a cross table (two), as JSON lines and as CSV.

The bars measure the rate when one was asked for (``--per``: years differ in how much was said), else
the count; they are drawn with eighth blocks, so a table stays readable at 80 columns.
"""

from __future__ import annotations

import json
from typing import Iterator, Optional, Sequence

from searchkit.render.formats import csv_row
from searchkit.search.counts import CountRow, Counts, Value

BAR, EIGHTHS = "█", " ▏▎▍▌▋▊▉"
BAR_COLOR, RESET = "\x1b[36m", "\x1b[0m"
NONE = "(none)"
MIN_BAR = 10


def shown(value: Value) -> str:
    return NONE if value is None else str(value)


def rate_name(counts: Counts) -> str:
    return f"per {counts.per:,}"


def measure(counts: Counts, row: CountRow) -> float:
    return (row.rate or 0.0) if counts.per else float(row.count)


def bar(value: float, most: float, width: int) -> str:
    """``value`` as a bar of up to ``width`` characters, the largest ``most`` filling it."""
    if most <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / most * width * 8))
    return BAR * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def number(value: Optional[float]) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}" if value < 100 else f"{value:,.1f}"


def heading(counts: Counts) -> str:
    by = " and ".join(counts.fields)
    unit = counts.unit if counts.matched != 1 else counts.unit[:-1]
    return f"{counts.matched:,} {unit} match {counts.query!r}, by {by}"


def counts_text(counts: Counts, width: int = 80, color: bool = False) -> Iterator[str]:
    yield heading(counts)
    yield ""
    if len(counts.fields) == 1:
        yield from bar_table(counts, width, color)
    else:
        yield from cross_table(counts, width)


def bar_table(counts: Counts, width: int, color: bool) -> Iterator[str]:
    head = [counts.fields[0], "count", "total"] + ([rate_name(counts)] if counts.per else [])
    cells = [[shown(r.values[0]), number(r.count), number(r.total)] + ([number(r.rate)] if counts.per else [])
             for r in counts.rows]
    widths = [max(len(c[i]) for c in [head, *cells]) for i in range(len(head))]
    room = max(width - sum(widths) - 2 * len(widths) - 1, MIN_BAR)
    most = max((measure(counts, r) for r in counts.rows), default=0.0)
    yield line(head, widths).rstrip()
    for row, cell in zip(counts.rows, cells):
        drawn = bar(measure(counts, row), most, room)
        painted = f"{BAR_COLOR}{drawn}{RESET}" if color and drawn else drawn
        yield (line(cell, widths) + "  " + painted).rstrip()


def line(cells: Sequence[str], widths: Sequence[int]) -> str:
    """The first cell left-aligned, the numbers right-aligned."""
    first = cells[0].ljust(widths[0])
    return "  ".join([first, *(c.rjust(w) for c, w in zip(cells[1:], widths[1:]))])


def cross_table(counts: Counts, width: int) -> Iterator[str]:
    """Rows are the first field's values, columns the second's; cells the count (or the rate); columns
    that do not fit in ``width`` come in further blocks below."""
    rows = list(dict.fromkeys(r.values[0] for r in counts.rows))
    cols = list(dict.fromkeys(r.values[1] for r in counts.rows))
    cell = {r.values: number(r.rate if counts.per else r.count) for r in counts.rows}
    first = max(len(counts.fields[0]), *(len(shown(v)) for v in rows))
    col_width = max([len(shown(v)) for v in cols] + [len(c) for c in cell.values()])
    per_block = max(1, (width - first) // (col_width + 2))
    for start in range(0, len(cols), per_block):
        block = cols[start:start + per_block]
        if start:
            yield ""
        yield counts.fields[0].ljust(first) + "".join("  " + shown(c).rjust(col_width) for c in block)
        for r in rows:
            yield shown(r).ljust(first) + "".join("  " + cell.get((r, c), "0").rjust(col_width) for c in block)
    if counts.per:
        yield ""
        yield f"cells: {counts.unit} {rate_name(counts)} {counts.unit} of that {' and '.join(counts.fields)}"


def counts_json(counts: Counts) -> Iterator[str]:
    for row in counts.rows:
        record = dict(zip(counts.fields, row.values))
        record.update(count=row.count, total=row.total, rate=row.rate)
        yield json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def counts_csv(counts: Counts) -> Iterator[str]:
    yield csv_row([*counts.fields, "count", "total", "rate"])
    for row in counts.rows:
        yield csv_row(["" if v is None else v for v in row.values] + [row.count, row.total,
                                                                     "" if row.rate is None else row.rate])
