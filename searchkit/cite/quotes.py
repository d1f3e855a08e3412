"""Quotations to look up, from a batch file (one a line, or JSONL) or from a draft text (between quote marks).

>>> [q.text for q in from_draft('He said “we will not yield” and «nous résisterons», then "enough."')]
['we will not yield', 'nous résisterons', 'enough.']
>>> [q.text for q in from_draft("Il a dit ‘assez’. It’s the nations’ ‘common future’.")]
['assez', 'common future']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterator, Optional

# Pairs of quote marks a draft may use; the content may not run over a blank line.
_NO_BLANK = r"(?:(?!\n[ \t]*\n)[^{close}])+"
_PAIRS = [("“", "”"), ("„", "“”"), ("«", "»"), ("»", "«"), ("‹", "›"), ('"', '"'), ("「", "」"), ("『", "』")]
_PATTERNS = [re.compile(re.escape(o) + "(" + _NO_BLANK.format(close=re.escape(c)) + ")[" + re.escape(c) + "]")
             for o, c in _PAIRS]
# Curly single quotes also serve as apostrophes: an opening one follows no letter, a closing one is followed
# by none, and one between two letters inside the quotation is an apostrophe.
_SINGLE = re.compile(r"(?<!\w)‘((?:[^‘’\n]|’(?=\w))+)’(?!\w)")


@dataclass
class Item:
    """One quotation: its 1-based number in the input, its id (JSONL), its text; or why it is unusable."""

    n: int
    text: str
    id: Optional[str] = None
    where: str = ""
    error: str = ""


def from_batch(raw: str, name: str, jsonl: bool) -> Iterator[Item]:
    """One quotation a non-blank line, or JSONL objects ``{"id", "text"}`` (``text`` may hold line breaks)."""
    n = 0
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        n += 1
        where = f"{name}:{number}"
        if not jsonl:
            yield Item(n, line.strip(), where=where)
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Item(n, line, where=where, error=f"is not valid JSON ({exc.msg}); fix or remove that line")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield Item(n, line, where=where, error='needs a JSON object with a "text" string; fix that line')
            continue
        ident = record.get("id")
        yield Item(n, record["text"], None if ident is None else str(ident), where=where)


def looks_jsonl(raw: str, name: str) -> bool:
    """A ``.jsonl`` file, or one whose first non-blank line is a JSON object."""
    if name.endswith(".jsonl"):
        return True
    first = next((line.strip() for line in raw.splitlines() if line.strip()), "")
    if not first.startswith("{"):
        return False
    try:
        return isinstance(json.loads(first), dict)
    except json.JSONDecodeError:
        return False


def from_draft(raw: str, name: str = "") -> list[Item]:
    """Every quotation between quote marks in a draft, in order; a quotation inside another one is skipped."""
    found: list[tuple[int, int, str]] = []
    for pattern in [*_PATTERNS, _SINGLE]:
        for match in pattern.finditer(raw):
            text = match.group(1).strip()
            if any(c.isalnum() for c in text):
                found.append((match.start(), match.end(), text))
    found.sort(key=lambda f: (f[0], -f[1]))
    items: list[Item] = []
    reach = -1
    for start, end, text in found:
        if start < reach:
            continue  # nested in (or overlapping) the quotation before it
        reach = end
        line = raw.count("\n", 0, start) + 1
        items.append(Item(len(items) + 1, text, where=f"{name}:{line}"))
    return items
