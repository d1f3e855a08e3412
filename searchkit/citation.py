"""Formatting a one-line citation from whatever metadata a passage has."""

from __future__ import annotations

from typing import Mapping


def paragraph_ref(meta: Mapping[str, object]) -> str:
    label = meta.get("para_label") or meta.get("para")
    return f"para. {label}" if label not in (None, "") else ""


def plain(meta: Mapping[str, object]) -> str:
    """``Title. Source, date, para. N`` with the parts that exist.

    >>> plain({"title": "Fast lanes", "source": "VNA", "date": "2020-11-09", "para": 3})
    'Fast lanes. VNA, 2020-11-09, para. 3'
    >>> plain({"title": "Untitled note", "para": 1})
    'Untitled note, para. 1'
    """
    title = str(meta.get("title") or meta.get("doc_id") or "").strip()
    rest = [str(meta[k]) for k in ("source", "date") if meta.get(k)]
    rest.append(paragraph_ref(meta))
    tail = ", ".join(r for r in rest if r)
    if not rest[:-1]:
        return f"{title}, {tail}" if title else tail
    return f"{title}. {tail}" if title else tail
