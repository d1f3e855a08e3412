"""Every passage of an index as plain records: for inspection, and for moving to another engine.

Passages come in reading order: by document id, then paragraph, then piece. Each record carries the
document's metadata, the passage's cleaned text, its source span in the document (``char_start``,
``char_end``) and its sentences as ``[start, end]`` offsets into ``text``, so another engine (or a script)
can cite and highlight without re-segmenting.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from searchkit.ingest.offsets import OffsetMap
from searchkit.store.store import Store

EXPORT_KEYS = (
    "doc_id", "passage_id", "para", "para_label", "path", "kind", "title", "date", "date_inferred", "year",
    "source", "place", "country", "speaker", "url", "symbol", "page_start", "page_end", "ocr", "text", "char_start",
    "char_end", "sentences", "turn", "question", "answers",
)
DEFAULTS: dict[str, Any] = {"para_label": "", "kind": "body", "date_inferred": False, "year": None,
                            "page_start": None, "page_end": None, "ocr": False, "answers": []}


def passages(store: Store) -> Iterator[dict[str, Any]]:
    """One record per passage with ``EXPORT_KEYS``; ``sentences`` are ``[start, end]`` offsets into text."""
    with store.ix.searcher() as searcher:
        reader = searcher.reader()
        # Sort by keys only, then fetch each passage: the whole index's text need not sit in memory.
        order = sorted((f["doc_id"], f.get("para", 0), f.get("piece", 0), n) for n, f in reader.iter_docs())
        for *_, docnum in order:
            yield record(reader.stored_fields(docnum))


def record(fields: dict[str, Any]) -> dict[str, Any]:
    flat = fields.get("sentences", [])
    out = {key: fields.get(key, DEFAULTS.get(key, "")) for key in EXPORT_KEYS}
    out["sentences"] = [list(pair) for pair in zip(flat[0::2], flat[1::2])]
    if "char_start" not in fields:  # an index written before char offsets were stored
        omap = OffsetMap.decode(out["text"], fields.get("offsets", []))
        out["char_start"], out["char_end"] = omap.span_to_doc(0, len(out["text"]))
    return out


def json_lines(store: Store) -> Iterator[str]:
    """``passages(store)`` as compact JSON, one object per line, keys in ``EXPORT_KEYS`` order."""
    for item in passages(store):
        yield json.dumps(item, ensure_ascii=False, separators=(",", ":"))
