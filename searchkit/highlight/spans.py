"""Highlight spans from the shared analyzer: which surface words of a passage a query matched.

A snippet is text plus ``(start, end)`` spans; colouring is the renderer's job. A phrase is marked as one
span (covering the stop words inside it), never word by word; a stemmed match marks the word as written.

>>> text = "Green lanes and fast lanes: the green lanes opened."
>>> spans = spans_for(text, Matchers(terms={"fast"}, phrases=[["green", "lane"]]))
>>> [text[s:e] for s, e in spans]
['Green lanes', 'fast', 'green lanes']

Only words that can match are analyzed (see ``wordfind``), so long passages highlight fast.
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple, Sequence

from searchkit.analysis.wordfind import WORD, Span, candidates, clear_caches, exact_words, fold, word_terms

# Fields whose terms are marked in the passage text (a title word found in the text is worth marking).
TEXT_FIELDS = ("text", "title")
# The case-preserving field of acronyms (``DOC`` is not ``doc``): its terms are marked as written.
EXACT_FIELD = "caps"
MAX_EXPANSIONS = 1000
__all__ = ["Matchers", "MarkedPhrase", "clear_caches", "matchers_for", "merge", "spans_for"]


class MarkedPhrase(NamedTuple):
    """Analyzed words; ``slop`` is Whoosh's (1: adjacent; N: each next word within N positions), and an
    unordered phrase (``"a b"~N`` as a nearness query) takes its words in any order."""

    words: tuple[str, ...]
    slop: int = 1
    ordered: bool = True


@dataclass
class Matchers:
    """What a query looks for in passage text: analyzed terms, phrases, glob patterns on words, and
    ``exact`` forms (acronyms, matched as written)."""

    terms: set[str] = field(default_factory=set)
    phrases: list[MarkedPhrase] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    exact: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.phrases = [p if isinstance(p, MarkedPhrase) else MarkedPhrase(tuple(p)) for p in self.phrases]

    @functools.cached_property
    def _globs(self) -> re.Pattern[str] | None:
        return re.compile("|".join(fnmatch.translate(p) for p in self.patterns)) if self.patterns else None

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.patterns or self.exact)

    def wanted(self) -> set[str]:
        """Terms a word must analyze to for a match to start at it."""
        starts = {w for p in self.phrases for w in (p.words if not p.ordered else p.words[:1])}
        return self.terms | starts

    def matches_pattern(self, word: str) -> bool:
        return self._globs is not None and self._globs.match(fold(word)) is not None


def matchers_for(query: Any, reader: Any = None) -> Matchers:
    """Collect what a parsed Whoosh query matches in the text fields.

    Wildcards, prefixes and fuzzy terms are expanded through ``reader`` to the index terms they matched
    (and wildcards also mark words of the text that fit the pattern as written). Negated parts mark nothing.
    """
    from whoosh import query as wq

    found = Matchers()

    def walk(node: Any) -> None:
        if isinstance(node, (wq.Not, wq.ranges.RangeMixin)):
            return  # a negated word is not what a reader looks for; a range is a filter, not a word
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        phrase = phrase_of(node)
        if phrase is not None:
            if phrase.words:
                found.phrases.append(phrase)
            return
        if node.is_leaf():
            add_leaf(found, node, reader)
            return
        for child in node.children():
            walk(child)

    walk(query)
    return found


def phrase_of(node: Any) -> MarkedPhrase | None:
    """A phrase or a nearness query over a text field as a ``MarkedPhrase`` (empty for other fields); None for
    any other query."""
    from whoosh import query as wq
    from whoosh.query.spans import SpanNear, SpanNear2

    if isinstance(node, wq.Phrase):
        words = tuple(str(w) for w in node.words) if node.fieldname in TEXT_FIELDS else ()
        return MarkedPhrase(words, max(1, int(node.slop)))
    if isinstance(node, (SpanNear, SpanNear2)):
        parts = list(node.qs) if isinstance(node, SpanNear2) else [node.a, node.b]
        if not all(isinstance(q, wq.Term) for q in parts):
            return None  # nested spans: mark their words one by one
        words = tuple(str(q.text) for q in parts) if all(q.fieldname in TEXT_FIELDS for q in parts) else ()
        return MarkedPhrase(words, max(1, int(node.slop)), bool(node.ordered))
    return None


def add_leaf(found: Matchers, node: Any, reader: Any) -> None:
    from whoosh import query as wq

    fieldname = getattr(node, "fieldname", None)
    if fieldname == EXACT_FIELD:
        found.exact.update(str(t) for _, t in node.terms())
    if fieldname not in TEXT_FIELDS:
        return
    found.terms.update(leaf_terms(node, reader))
    if isinstance(node, (wq.Prefix, wq.Wildcard)):  # also mark words as written that fit the pattern
        found.patterns.append(fold(node.text) + ("*" if isinstance(node, wq.Prefix) else ""))


def leaf_terms(node: Any, reader: Any) -> list[str]:
    """The text-field terms of one leaf query: its own, or the index terms it expands to."""
    try:
        pairs = node.expanded_terms(reader) if reader is not None else node.terms()
        # A range over a text field can expand to much of the lexicon; a reader needs far fewer marks.
        pairs = itertools.islice(pairs, MAX_EXPANSIONS)
        return [t.decode("utf-8") if isinstance(t, bytes) else str(t) for f, t in pairs if f in TEXT_FIELDS]
    except Exception:  # a leaf that cannot list its terms (a custom query) highlights nothing
        return []


def phrase_match(text: str, word: Span, first: tuple[str, ...], phrase: MarkedPhrase,
                 breaks: Sequence[int] = ()) -> list[Span]:
    """The spans of ``phrase`` when it starts at ``word`` (which analyzes to ``first``); empty if it does
    not. An exact phrase is one span, so "right to development" (the phrase ``right develop``: stop words
    take no position, as in the index) is marked whole; a nearness match marks each of its words, not the
    unrelated words between them."""
    rest = list(phrase.words)
    taken = next((w for w in (rest if not phrase.ordered else rest[:1]) if w in first), None)
    if taken is None:
        return []
    rest.remove(taken)
    found, gap, previous = [word], 0, word[1]
    for match in WORD.finditer(text, word[1]) if rest else ():
        terms = word_terms(match.group())
        if not terms:
            continue
        # A sentence starting between the last word and this one takes a position, as in the index.
        gap += 1 + bisect_right(breaks, match.start()) - bisect_right(breaks, previous)
        previous = match.end()
        if gap > phrase.slop:
            return []
        hit = next((w for w in (rest if not phrase.ordered else rest[:1]) if w in terms), None)
        if hit is not None:
            rest.remove(hit)
            found.append(match.span())
            gap = 0
            if not rest:
                break
        elif gap >= phrase.slop:
            return []
    if rest:
        return []
    return [(found[0][0], found[-1][1])] if phrase.slop <= 1 and phrase.ordered else found


def spans_for(text: str, matchers: Matchers, breaks: Sequence[int] = ()) -> list[Span]:
    """Sorted, non-overlapping character spans of ``text`` that the matchers hit; ``breaks`` are where its
    sentences after the first start (no phrase runs across one)."""
    if not matchers or not text:
        return []
    spans: list[Span] = list(exact_words(text, matchers.exact))
    for word in candidates(text, matchers.wanted(), matchers.patterns):
        surface = text[word[0]:word[1]]
        terms = word_terms(surface)
        if matchers.terms.intersection(terms) or matchers.matches_pattern(surface):
            spans.append(word)
        for phrase in matchers.phrases:
            spans.extend(phrase_match(text, word, terms, phrase, breaks))
    return merge(spans)


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted spans with overlapping ones joined.

    >>> merge([(5, 9), (0, 3), (2, 4)])
    [(0, 4), (5, 9)]
    """
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
