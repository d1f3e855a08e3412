"""What the templates show, as plain values: text cut into marked and unmarked pieces (the template
escapes every piece), a hit's fragments and reference, a passage's label, the citations of a passage.

>>> [(p.text, p.mark) for p in pieces("a <b> c", [(2, 5)])]
[('a ', False), ('<b>', True), (' c', False)]
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Optional, Sequence
from urllib.parse import urlsplit

from searchkit import citation
from searchkit.render.text import View, fragment_text, hit_fragments, label
from searchkit.search.searcher import Hit

FRAGMENT_VIEW = View(width=120, count=2)  # two fragments of about two terminal lines each
STYLE_NAMES = {"plain": "Plain", "apa": "APA", "chicago": "Chicago", "bibtex": "BibTeX", "csl-json": "CSL-JSON"}


@dataclass
class Piece:
    text: str
    mark: bool = False


def pieces(text: str, spans: Sequence[tuple[int, int]]) -> list[Piece]:
    """``text`` as consecutive pieces, those inside ``spans`` marked."""
    out, last = [], 0
    for start, end in spans:
        if start > last:
            out.append(Piece(text[last:start]))
        out.append(Piece(text[start:end], True))
        last = max(last, end)
    if last < len(text):
        out.append(Piece(text[last:]))
    return out


@dataclass
class HitView:
    hit: Hit
    fragments: list[list[Piece]]
    reference: str
    anchor: str  # of the passage on its document's page

    @classmethod
    def of(cls, hit: Hit, full: bool = False) -> "HitView":
        view = View(width=FRAGMENT_VIEW.width, count=FRAGMENT_VIEW.count, full=full)
        frags = [pieces(*fragment_text(hit.text, frag)) for frag in hit_fragments(hit, view)]
        return cls(hit, frags, f"{hit.doc_id} para. {hit.para_label or hit.para}", "p-" + label(hit))


@dataclass
class ParagraphView:
    """One passage of a document on its page: its label as the document numbers it, marked if named."""

    hit: Hit
    label: str
    anchor: str
    target: bool
    text: list[Piece] = field(default_factory=list)

    @classmethod
    def of(cls, hit: Hit, target: bool) -> "ParagraphView":
        return cls(hit, label(hit), "p-" + label(hit), target, pieces(hit.text, hit.spans))


def metadata(hit: Hit) -> dict[str, Any]:
    """The fields a citation is made from."""
    return asdict(hit)


def citations(meta: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(style, its name, the citation as text)`` for every style searchkit knows."""
    out = []
    for style in citation.STYLES:
        value = citation.format_citation(meta, style)
        text = json.dumps(value, ensure_ascii=False, indent=2) if isinstance(value, dict) else str(value)
        out.append((style, STYLE_NAMES.get(style, style), text))
    return out


def safe_link(url: Optional[str]) -> str:
    """``url`` when it is an http(s) address, else "": a document's ``javascript:`` URL is never a link.

    >>> safe_link("https://un.org/a?b=1"), safe_link("javascript:alert(1)"), safe_link(" data:text/html,x")
    ('https://un.org/a?b=1', '', '')
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme in ("http", "https") and parts.netloc else ""
