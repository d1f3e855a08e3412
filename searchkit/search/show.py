"""Looking a passage up by its ID, with the paragraphs around it, or a whole document by its doc_id.

An ID is a ``passage_id`` (``doc_id#para`` or ``doc_id#para.k``), a ``doc_id#para`` naming every piece of
a long paragraph, a ``doc_id`` (the whole document), or what plain search output shows in brackets,
``doc_id para. N`` with N the paragraph as the document numbers it (a UN record's own number).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from searchkit.highlight.spans import Matchers, matchers_for
from searchkit.search.hits import Hit, make_hit
from searchkit.search.searcher import parse_in
from searchkit.store.store import Store

_CITED = re.compile(r"\[?(?P<doc>.+?) para\. (?P<label>[^\s\]]+)\]?")


@dataclass
class Shown:
    """The passages to show, in reading order; ``targets`` are the ones the ID named (none for a document)."""

    doc_id: str
    whole: bool
    passages: list[Hit] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)


def reading_order(row: dict[str, Any]) -> tuple[int, int]:
    return (int(row.get("para", 0)), int(row.get("piece") or 0))


def resolve(searcher: Any, ident: str) -> Optional[tuple[str, list[dict[str, Any]], set[str]]]:
    """``(doc_id, the document's passages in order, the passage ids the ID names)``; None if unknown."""
    row = searcher.document(passage_id=ident)
    if row is not None:
        doc_id = row["doc_id"]
        return doc_id, sorted(searcher.documents(doc_id=doc_id), key=reading_order), {ident}
    doc_id, _, para = ident.rpartition("#")
    if doc_id and para.isdigit():
        rows = sorted(searcher.documents(doc_id=doc_id), key=reading_order)
        named = {r["passage_id"] for r in rows if r.get("para") == int(para)}
        if named:
            return doc_id, rows, named
    cited = _CITED.fullmatch(ident)
    if cited:
        rows = sorted(searcher.documents(doc_id=cited["doc"]), key=reading_order)
        named = {r["passage_id"] for r in rows if str(r.get("para_label") or r.get("para")) == cited["label"]}
        if named:
            return cited["doc"], rows, named
    rows = sorted(searcher.documents(doc_id=ident), key=reading_order)
    return (ident, rows, set()) if rows else None


def around(rows: list[dict[str, Any]], targets: set[str], context: int) -> list[dict[str, Any]]:
    """The named passages and every passage within ``context`` paragraphs of them."""
    paras = {r["para"] for r in rows if r["passage_id"] in targets}
    if context == 0:
        return [r for r in rows if r["passage_id"] in targets]
    return [r for r in rows if any(abs(r["para"] - p) <= context for p in paras)]


def show(store: Store, ident: str, context: int = 1, query: Optional[str] = None,
         searcher: Any = None) -> Optional[Shown]:
    """The passage ``ident`` with ``context`` paragraphs each side (or the whole document), matches of
    ``query`` marked; None when the index has no such passage or document. ``searcher``: an open Whoosh
    searcher of ``store`` to read with (a resident process keeps one), else one is opened and closed."""
    with contextlib.nullcontext(searcher) if searcher is not None else store.ix.searcher() as searcher:
        found = resolve(searcher, ident.strip())
        if found is None:
            return None
        doc_id, rows, targets = found
        matchers = matchers_for(parse_in(searcher, query), searcher.reader()) if query else Matchers()
    shown = around(rows, targets, context) if targets else rows
    passages = [make_hit(0, None, row, matchers) for row in shown]
    return Shown(doc_id, not targets, passages, targets)
