"""Batch retrieval for evaluation: queries from a file, hits as TREC run lines or JSON lines.

A query file holds one query a line as ``ID<TAB>text`` (a line without a tab takes its number as id) or
JSONL ``{"id", "text"}``.

>>> [(q.id, q.text) for q in queries_from("q1\\tfast lanes\\n\\ngreen  lanes\\n", "queries.tsv")]
[('q1', 'fast lanes'), ('2', 'green  lanes')]
>>> trec_line("q1", "doc 7", 1, 12.5)
'q1 Q0 doc_7 1 12.5 searchkit'
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from searchkit.cite.quotes import Item, from_batch, looks_jsonl

RUN_TAG = "searchkit"


def queries_from(raw: str, name: str) -> list[Item]:
    """The queries of a batch file; an unusable line becomes an item carrying its ``error``."""
    items = list(from_batch(raw, name, looks_jsonl(raw, name)))
    for item in items:
        if item.id is None and not item.error:
            ident, tab, text = item.text.partition("\t")
            item.id, item.text = (ident.strip(), text.strip()) if tab else (str(item.n), item.text)
        if not item.error and not item.text.strip():
            item.error = "has an empty query; give some words after the id"
    return items


def trec_line(qid: str, doc_id: str, rank: int, score: float) -> str:
    """``qid Q0 docid rank score tag``; whitespace inside ids would break the columns, so it becomes ``_``."""
    return f"{'_'.join(qid.split())} Q0 {'_'.join(doc_id.split())} {rank} {score:g} {RUN_TAG}"


def hit_record(qid: str, hit: Any, keys: tuple[str, ...]) -> str:
    """One hit as a JSON line, with the query's id first."""
    data = asdict(hit)
    record = {"qid": qid, **{k: data[k] for k in keys if k in data}}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
