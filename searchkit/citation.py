"""Formatting a citation from whatever metadata a passage has, in several styles.

Every style uses only the fields that exist (title, speaker, issuer/source, date, URL or else the file's
path, paragraph) and never invents one: a missing date is APA's "n.d.", elsewhere it is left out.

>>> meta = {"doc_id": "pc-1", "title": "Press conference", "source": "MFA", "date": "2020-05-11",
...         "speaker": "Zhao Lijian", "para": 2, "url": "https://example.org/pc-1"}
>>> print(format_citation(meta, "apa"))
Zhao Lijian. (2020, May 11). Press conference. MFA. https://example.org/pc-1 (para. 2)
>>> print(format_citation(meta, "chicago"))
Zhao Lijian, "Press conference," MFA, May 11, 2020, para. 2, https://example.org/pc-1.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

STYLES = ("plain", "apa", "chicago", "bibtex", "csl-json")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def paragraph_ref(meta: Mapping[str, object]) -> str:
    """``para. N``, after the page of a PDF: ``p. 12, para. 40``."""
    label = meta.get("para_label") or meta.get("para")
    para = f"para. {label}" if label not in (None, "") else ""
    start = meta.get("page_start")
    if not isinstance(start, int) or not start:
        return para
    end = meta.get("page_end")
    pages = pages_ref(start, end if isinstance(end, int) else None)
    return f"{pages}, {para}" if para else pages


def pages_ref(start: int, end: object = None) -> str:
    """``p. 12``, or ``pp. 12-13`` for a passage across a page break.

    >>> pages_ref(12), pages_ref(12, 13)
    ('p. 12', 'pp. 12-13')
    """
    return f"pp. {start}-{end}" if isinstance(end, int) and end > start else f"p. {start}"


def plain(meta: Mapping[str, object]) -> str:
    """``Title. Source, date, para. N`` with the parts that exist, and the URL when known.

    >>> plain({"title": "Fast lanes", "source": "VNA", "date": "2020-11-09", "para": 3})
    'Fast lanes. VNA, 2020-11-09, para. 3'
    >>> plain({"title": "Remarks", "date": "2013-07-10", "para": 4, "url": "https://example.org/r"})
    'Remarks. 2013-07-10, para. 4, https://example.org/r'
    >>> plain({"title": "Untitled note", "para": 1})
    'Untitled note, para. 1'

    A title that is a sentence (a lead sentence shown as the title) keeps its own full stop, once:

    >>> plain({"title": "The sea lanes must stay open.", "para": 1})
    'The sea lanes must stay open, para. 1'
    >>> plain({"title": "Why now?", "source": "MFA", "para": 2})
    'Why now? MFA, para. 2'
    """
    title = str(meta.get("title") or meta.get("doc_id") or "").strip()
    rest = [str(meta[k]) for k in ("source", "date") if meta.get(k)]
    rest.append(paragraph_ref(meta))
    tail = ", ".join(r for r in [*rest, _text(meta, "url")] if r)
    if not title:
        return tail
    if not rest[:-1]:
        return f"{title.rstrip('.')}, {tail}"
    return f"{title} {tail}" if title[-1] in ".?!…" else f"{title}. {tail}"


def date_parts(date: object) -> list[int]:
    """``[year, month, day]`` as far as ``date`` (YYYY-MM-DD or a prefix of it) gives them."""
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(date or ""))
    return [int(p) for p in match.groups() if p] if match else []


def _long_date(parts: list[int], day_first: bool = False) -> str:
    """"May 11, 2020" (Chicago), "2020, May 11" (APA with ``day_first``), as far as the parts go."""
    if not parts:
        return ""
    if len(parts) == 1:
        return str(parts[0])
    month = MONTHS[parts[1] - 1] if 1 <= parts[1] <= 12 else ""
    day = f" {parts[2]}" if len(parts) > 2 else ""
    if day_first:
        return f"{parts[0]}, {month}{day}"
    return f"{month}{day}, {parts[0]}" if day else f"{month} {parts[0]}"


def _text(meta: Mapping[str, object], key: str) -> str:
    return str(meta.get(key) or "").strip()


def _where(meta: Mapping[str, object]) -> str:
    return _text(meta, "url") or _text(meta, "path")


def apa(meta: Mapping[str, object]) -> str:
    """APA 7: Author. (Date). Title. Publisher. URL (para. N); the speaker is the author, else the source."""
    author = _text(meta, "speaker") or _text(meta, "source")
    publisher = _text(meta, "source") if _text(meta, "source") != author else ""
    date = _long_date(date_parts(meta.get("date")), day_first=True) or "n.d."
    title = _text(meta, "title") or _text(meta, "doc_id")
    if author:
        parts = [_end(author), f"({date}).", _end(title), _end(publisher), _where(meta)]
    else:  # APA moves the title into the author's place
        parts = [_end(title), f"({date}).", _end(publisher), _where(meta)]
    para = paragraph_ref(meta)
    return " ".join(p for p in parts if p) + (f" ({para})" if para else "")


def chicago(meta: Mapping[str, object]) -> str:
    """Chicago note: Speaker, "Title," Source, Month Day, Year, para. N, URL."""
    title = _text(meta, "title") or _text(meta, "doc_id")
    parts = [_text(meta, "speaker"), f'"{title},"' if title else "", _text(meta, "source"),
             _long_date(date_parts(meta.get("date"))), paragraph_ref(meta), _where(meta)]
    present = [p for p in parts if p]
    out = ""
    for i, part in enumerate(present):
        out += part if part.endswith(',"') or i == len(present) - 1 else part + ","
        out += " " if i < len(present) - 1 else ""
    return out.rstrip(",") + "."


def _end(text: str) -> str:
    return text if not text or text[-1] in ".?!" else text + "."


def bibtex(meta: Mapping[str, object]) -> str:
    """A ``@misc`` entry; the key is speaker or source, year and the document id, made safe."""
    parts = date_parts(meta.get("date"))
    who = _text(meta, "speaker") or _text(meta, "source") or "anon"
    key = re.sub(r"[^A-Za-z0-9]+", "", who.split()[-1] if who.split() else who)
    key += str(parts[0]) if parts else ""
    key += "_" + re.sub(r"[^A-Za-z0-9]+", "", _text(meta, "doc_id"))[-12:]
    fields: list[tuple[str, str]] = [
        ("title", _text(meta, "title")), ("author", _text(meta, "speaker")),
        ("organization", _text(meta, "source")),
        ("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))),
        ("year", str(parts[0]) if parts else ""), ("url", _text(meta, "url")),
        ("howpublished", "" if _text(meta, "url") else _text(meta, "path")),
        ("note", paragraph_ref(meta)),
    ]
    body = ",\n".join(f"  {name} = {{{_bib_escape(value)}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}"


def _bib_escape(value: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", value)


def csl_json(meta: Mapping[str, object]) -> dict[str, Any]:
    """A CSL-JSON item (the format Zotero and pandoc read), with the paragraph as its locator."""
    item: dict[str, Any] = {"id": _text(meta, "passage_id") or _text(meta, "doc_id"),
                            "type": "speech" if _text(meta, "speaker") else "document"}
    if _text(meta, "title"):
        item["title"] = _text(meta, "title")
    if _text(meta, "speaker"):
        item["author"] = [{"literal": _text(meta, "speaker")}]
    if _text(meta, "source"):
        item["publisher"] = _text(meta, "source")
    if date_parts(meta.get("date")):
        item["issued"] = {"date-parts": [date_parts(meta.get("date"))]}
    if _text(meta, "url"):
        item["URL"] = _text(meta, "url")
    elif _text(meta, "path"):
        item["archive_location"] = _text(meta, "path")
    label = meta.get("para_label") or meta.get("para")
    if label not in (None, ""):
        item["locator"], item["label"] = str(label), "paragraph"
    start, end = meta.get("page_start"), meta.get("page_end")
    if isinstance(start, int) and start:
        item["page"] = f"{start}-{end}" if isinstance(end, int) and end > start else str(start)
    return item


def format_citation(meta: Mapping[str, object], style: str = "plain") -> Any:
    """The citation in ``style`` (one of ``STYLES``): a string, or a dict for ``csl-json``."""
    formatters = {"plain": plain, "apa": apa, "chicago": chicago, "bibtex": bibtex, "csl-json": csl_json}
    return formatters[style](meta)
