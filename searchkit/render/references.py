"""Hits for reference managers: CSL-JSON (Zotero, pandoc, Mendeley) and RIS (EndNote, Zotero, Citavi).

Both are made from the passage's metadata as ``searchkit cite --style csl-json`` makes its citation, so the
paragraph travels as the locator (CSL) or a note (RIS). RIS is one ``TAG  - value`` a line; a value's
line breaks would end the tag early, so they become spaces.

>>> meta = {"passage_id": "pc-1#2", "doc_id": "pc-1", "title": "Press conference", "source": "MFA",
...         "date": "2020-05-11", "speaker": "Zhao Lijian", "para": 2, "url": "https://example.org/pc-1"}
>>> print(ris(meta).rstrip())
TY  - SPEECH
ID  - pc-1#2
TI  - Press conference
AU  - Zhao Lijian
PB  - MFA
PY  - 2020
DA  - 2020/05/11
UR  - https://example.org/pc-1
N1  - para. 2
ER  -
>>> ris(meta).splitlines()[-1] == "ER  - "  # the end tag keeps its space, as the format has it
True
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Mapping

from searchkit import citation


def ris(meta: Mapping[str, Any]) -> str:
    """One RIS record, ending with its ``ER`` line and a newline."""
    parts = citation.date_parts(meta.get("date"))
    where = str(meta.get("url") or "")
    rows = [
        ("TY", "SPEECH" if meta.get("speaker") else "GEN"),
        ("ID", meta.get("passage_id") or meta.get("doc_id")),
        ("TI", meta.get("title")),
        ("AU", meta.get("speaker")),
        ("PB", meta.get("source")),
        ("PY", parts[0] if parts else ""),
        ("DA", "/".join(f"{p:02d}" for p in parts) + "/" * (3 - len(parts)) if parts else ""),
        ("UR", where),
        ("AV", "" if where else meta.get("path")),
        ("N1", citation.paragraph_ref(meta)),
    ]
    lines = [f"{tag}  - {' '.join(str(value).split())}" for tag, value in rows if value not in (None, "")]
    return "\n".join(lines) + "\nER  - \n"


def ris_records(metas: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    for meta in metas:
        yield ris(meta)
        yield "\n"


def csl_items(metas: Iterable[Mapping[str, Any]]) -> str:
    """A CSL-JSON array (the whole file: reference managers read one array, not lines)."""
    items = [citation.csl_json(meta) for meta in metas]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"
