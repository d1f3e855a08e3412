"""Highlight spans from the shared analyzer: which surface words of a passage a query matched.

A snippet is text plus ``(start, end)`` spans; colouring is the renderer's job. Phrases are marked as
one span (covering the stop words inside them), never word by word.

>>> text = "Green lanes and fast lanes: the green lanes opened."
>>> spans = spans_for(text, Matchers(terms={"fast"}, phrases=[["green", "lane"]]))
>>> [text[s:e] for s, e in spans]
['Green lanes', 'fast', 'green lanes']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .analysis import ANALYZER

TEXT_FIELDS = ("text", "title")


@dataclass
class Matchers:
    """The analyzed terms and phrases a query looks for in passage text."""

    terms: set[str] = field(default_factory=set)
    phrases: list[list[str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)


def matchers_for(query: Any, reader: Any = None) -> Matchers:
    """Collect what a parsed Whoosh query matches in the text fields (expanding wildcards via ``reader``)."""
    from whoosh import query as wq

    found = Matchers()

    def walk(node: Any) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.Phrase):
            if node.fieldname in TEXT_FIELDS and node.words:
                found.phrases.append([str(w) for w in node.words])
            return
        if node.is_leaf():
            expand = reader is not None
            try:
                pairs = node.existing_terms(reader, expand=True) if expand else node.terms()
            except Exception:  # a leaf that cannot list its terms highlights nothing
                pairs = []
            for fieldname, text in pairs:
                if fieldname in TEXT_FIELDS:
                    found.terms.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
            return
        for child in node.children():
            walk(child)

    walk(query)
    return found


def spans_for(text: str, matchers: Matchers) -> list[tuple[int, int]]:
    """Sorted, non-overlapping character spans of ``text`` that the matchers hit."""
    if not matchers:
        return []
    tokens = [(t.text, t.startchar, t.endchar) for t in ANALYZER(text, chars=True)]
    spans: list[tuple[int, int]] = []
    in_phrase: set[int] = set()
    words = [t[0] for t in tokens]
    for phrase in matchers.phrases:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == phrase:
                spans.append((tokens[i][1], tokens[i + n - 1][2]))
                in_phrase.update(range(i, i + n))
    for i, (word, start, end) in enumerate(tokens):
        if i not in in_phrase and word in matchers.terms:
            spans.append((start, end))
    return merge(spans)


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
