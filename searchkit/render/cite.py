"""Output of ``searchkit cite``: JSON lines for pipes, and plain text for people.

Plain text gives the verdict, one ``path:line:column`` line per occurrence (what editors and grep users
jump to), then the citation of the earliest occurrence; a near match adds a word diff, ``[-quoted-]``
against ``{+source+}``.

>>> render_diff([{"op": "equal", "quote": "we oppose", "source": "We oppose"},
...              {"op": "replace", "quote": "unjust", "source": "unilateral"},
...              {"op": "equal", "quote": "sanctions", "source": "sanctions"}])
'We oppose [-unjust-] {+unilateral+} sanctions'
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any, Iterator, Optional

from searchkit.citation import pages_ref
from searchkit.cite.citer import Citation
from searchkit.render.text import printable, who_said

CITE_KEYS = (
    "verdict", "similarity", "doc_id", "passage_id", "para", "para_label", "path", "line", "column",
    "char_start", "char_end", "page_start", "page_end", "quote", "title", "date", "source", "speaker", "url",
    "citation", "cross_paragraph", "diff", "editorial",
)
BATCH_KEYS = ("n", "id", "input")


def citation_json(cite: Citation, batch: Optional[dict[str, Any]] = None) -> str:
    data = asdict(cite)
    row = {k: data[k] for k in CITE_KEYS}
    if batch is not None:
        row.update({k: batch.get(k) for k in BATCH_KEYS})
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def render_diff(diff: list[dict[str, str]]) -> str:
    words = []
    for op in diff:
        quote, source = _oneline(op["quote"]), _oneline(op["source"])
        if op["op"] == "equal":
            words.append(source)
        elif op["op"] == "gap":
            words.append("…")
        else:
            words.append(" ".join(x for x in (f"[-{quote}-]" if quote else "", f"{{+{source}+}}" if source else "")
                                  if x))
    return " ".join(w for w in words if w)


def _oneline(text: str) -> str:
    return " ¶ ".join(" ".join(block.split()) for block in text.split("\n\n"))


def where(cite: Citation) -> str:
    """``path:line:column  date  speaker`` (what is known of the last two); ``file.pdf p. 12`` for a PDF; the
    path alone when the file changed since it was indexed (or is a page or Word file). Control characters in
    the path are escaped."""
    path = printable(cite.path or "")
    place = f"{path}:{cite.line}:{cite.column}" if cite.line else path
    if cite.page_start:
        place += " " + pages_ref(cite.page_start, cite.page_end)
    place += "".join(f"  {printable(x)}" for x in (cite.date, who_said(cite.speaker or "", "")) if x)
    if cite.cross_paragraph:
        place += "  (runs across two paragraphs)"
    return place


def _citation_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) if isinstance(value, dict) else str(value)


def cite_lines(cites: list[Citation]) -> Iterator[str]:
    """The plain-text answer for one quotation."""
    first = cites[0]
    if first.verdict == "none":
        if first.doc_id is None:
            yield "none: not found, and no passage comes close"
            return
        yield f"none: not found; the closest passage (similarity {first.similarity:.2f}) is"
        yield where(first)
        yield _citation_text(first.citation)
        yield f"closest: {_oneline(first.quote or '')}"
        return
    count = f"{len(cites)} occurrence{'s' if len(cites) > 1 else ''}"
    if first.verdict == "near":
        yield f"near: similarity {first.similarity:.2f}, {count}, earliest first" if len(cites) > 1 else \
            f"near: similarity {first.similarity:.2f}, {count}"
    else:
        yield f"exact: {count}, earliest first" if len(cites) > 1 else f"exact: {count}"
    for cite in cites:
        yield where(cite)
    yield _citation_text(first.citation)
    if first.diff:
        yield f"diff: {render_diff(first.diff)}"
    if first.editorial:
        yield "editorial: " + "; ".join(editorial_change(c) for c in first.editorial)


def editorial_change(change: dict[str, Any]) -> str:
    """``[Japan's] for “its”``, ``[sic] added``, ``opening—up for “opening-up”``, ``[T] (letters changed)``."""
    if change.get("source") == "":
        return f"{change['quote']} added"
    if change.get("source") is None:
        return f"{change['quote']} (letters changed)"
    return f"{change['quote']} for “{_oneline(change['source'])}”"
