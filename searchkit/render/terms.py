"""Keyness tables: the terms typical of a query's passages (per value of a field), as text, JSON lines, CSV."""

from __future__ import annotations

import json
from typing import Iterator

from searchkit.render.counts import shown
from searchkit.render.formats import csv_row
from searchkit.search.terms import Keyness, TermGroup

KEYS = ("term", "kind", "count", "elsewhere", "score")


def group_heading(keyness: Keyness, group: TermGroup) -> str:
    read = f", {group.read:,} of them read" if group.read < group.passages else ""
    where = f" with {keyness.field} {shown(group.value)}" if keyness.field else ""
    return f"{group.passages:,} passages{where} match {keyness.query!r}{read}"


def terms_text(keyness: Keyness) -> Iterator[str]:
    for n, group in enumerate(keyness.groups):
        if n:
            yield ""
        yield group_heading(keyness, group)
        if not group.terms:
            yield "  (no term stands out)"
            continue
        width = max(len("term"), *(len(t.term) for t in group.terms))
        yield f"  {'term'.ljust(width)}  {'kind':6}  {'here':>6}  {'elsewhere':>9}  {'keyness':>8}"
        for t in group.terms:
            yield f"  {t.term.ljust(width)}  {t.kind:6}  {t.count:>6,}  {t.elsewhere:>9,}  {t.score:>8.1f}"


def terms_json(keyness: Keyness) -> Iterator[str]:
    for group in keyness.groups:
        for t in group.terms:
            record = {keyness.field: group.value} if keyness.field else {}
            record.update(term=t.term, kind=t.kind, count=t.count, elsewhere=t.elsewhere, score=t.score)
            yield json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def terms_csv(keyness: Keyness) -> Iterator[str]:
    yield csv_row(([keyness.field] if keyness.field else []) + list(KEYS))
    for group in keyness.groups:
        for t in group.terms:
            lead = ["" if group.value is None else group.value] if keyness.field else []
            yield csv_row(lead + [t.term, t.kind, t.count, t.elsewhere, t.score])
