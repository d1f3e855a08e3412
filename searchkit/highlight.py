"""Highlight spans from the shared analyzer: which surface words of a passage a query matched.

A snippet is text plus ``(start, end)`` spans; colouring is the renderer's job. A phrase is marked as one
span (covering the stop words inside it), never word by word; a stemmed match marks the word as written.

>>> text = "Green lanes and fast lanes: the green lanes opened."
>>> spans = spans_for(text, Matchers(terms={"fast"}, phrases=[["green", "lane"]]))
>>> [text[s:e] for s, e in spans]
['Green lanes', 'fast', 'green lanes']

Speed matters (the top ten passages are highlighted on every query, and some are long): rather than run
the analyzer over the whole passage, each distinct word is analyzed once, and only words that can stem to a
wanted term (cheap prefix test) are analyzed at all; positions are found by a regex over the candidates.
"""

from __future__ import annotations

import fnmatch
import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, NamedTuple

from whoosh.support.charset import accent_map

from .analysis import ANALYZER, TOKEN_PATTERN

# Fields whose terms are marked in the passage text (a title word found in the text is worth marking).
TEXT_FIELDS = ("text", "title")
WORD = re.compile(TOKEN_PATTERN)
# The analyzer's stemmer only rewrites word endings, by at most this many characters of new text (Porter2:
# "biliti" -> "ble" adds "le", "y" -> "i"); a word can stem to a term only if it starts with the rest.
STEM_SLACK = 2
_CACHE_LIMIT = 200_000
MAX_EXPANSIONS = 1000
_terms_cache: dict[str, tuple[str, ...]] = {}
# One character of a token, when the token pattern is a repeated character class (the fast path needs it).
_TOKEN_CHAR = TOKEN_PATTERN[:-1] if re.fullmatch(r"\[[^\]]+\]\+", TOKEN_PATTERN) else None
_TOKEN_CHAR_RE = re.compile(_TOKEN_CHAR or "(?!)")


class Phrase(NamedTuple):
    """Analyzed words in order; ``slop`` is Whoosh's (1: adjacent, N: at most N positions apart)."""

    words: tuple[str, ...]
    slop: int = 1


@dataclass
class Matchers:
    """What a query looks for in passage text: analyzed terms, phrases, and glob patterns on words."""

    terms: set[str] = field(default_factory=set)
    phrases: list[Phrase] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.phrases = [p if isinstance(p, Phrase) else Phrase(tuple(p)) for p in self.phrases]

    @functools.cached_property
    def _globs(self) -> re.Pattern[str] | None:
        return re.compile("|".join(fnmatch.translate(p) for p in self.patterns)) if self.patterns else None

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases or self.patterns)

    def wanted(self) -> set[str]:
        """Terms a word must analyze to for a match to start at it."""
        return self.terms | {p.words[0] for p in self.phrases if p.words}

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
        if isinstance(node, wq.Phrase):
            if node.fieldname in TEXT_FIELDS and node.words:
                found.phrases.append(Phrase(tuple(str(w) for w in node.words), max(1, int(node.slop))))
            return
        if node.is_leaf():
            if getattr(node, "fieldname", None) in TEXT_FIELDS:
                add_leaf(found, node, reader)
            return
        for child in node.children():
            walk(child)

    walk(query)
    return found


def add_leaf(found: Matchers, node: Any, reader: Any) -> None:
    from whoosh import query as wq

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
    except Exception:  # a leaf that cannot list its terms (a range, a custom query) highlights nothing
        return []


def fold(word: str) -> str:
    """The analyzer's normalisation before stemming: accents folded, lower case."""
    return word.lower() if word.isascii() else word.translate(accent_map).lower()


def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one surface word (empty for a stop word), analyzed once per process."""
    found = _terms_cache.get(word)
    if found is None:
        if len(_terms_cache) > _CACHE_LIMIT:
            _terms_cache.clear()
        found = _terms_cache[word] = tuple(t.text for t in ANALYZER(word))
    return found


def clear_caches() -> None:
    """Forget analyzed words (benchmarks use it to measure a fresh process)."""
    _terms_cache.clear()


def _accent_marks() -> tuple[bytes, ...]:
    """UTF-8 lead bytes of the characters the analyzer folds (two for three-byte characters)."""
    marks = {chr(c).encode("utf-8")[: 1 if c < 0x800 else 2] for c in accent_map if c > 127}
    return tuple(sorted(marks))


_ACCENT_MARKS = _accent_marks()
_ACCENTED = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(accent_map) if c > 127) + "]")


def has_accents(text: str) -> bool:
    """Whether ``text`` holds a letter the analyzer folds (curly quotes do not count); a byte search is
    far faster than a character class over a long passage."""
    if text.isascii():
        return False
    raw = text.encode("utf-8")
    return any(mark in raw for mark in _ACCENT_MARKS)


def accented_words(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the words of ``text`` that hold a folded letter."""
    last = -1
    for match in _ACCENTED.finditer(text):
        if match.start() < last:
            continue
        word = WORD.match(text, word_start(text, match.start()))
        if word:
            last = word.end()
            yield word.span()


def word_start(text: str, pos: int) -> int:
    while pos > 0 and _TOKEN_CHAR_RE.match(text, pos - 1):
        pos -= 1
    return pos


def _literal_prefix(glob: str) -> str:
    cut = min((i for i in (glob.find("*"), glob.find("?"), glob.find("[")) if i >= 0), default=len(glob))
    return glob[:cut].lower()


def candidates(text: str, matchers: Matchers) -> Iterator[tuple[int, int]]:
    """Spans of the words of ``text`` that may match: their folded form starts with a wanted prefix.

    A term can only come from a word that starts with the term less its last ``STEM_SLACK`` letters, so
    a literal search for those prefixes (fast) finds every candidate; words with accents are checked apart.
    """
    prefixes = {t[: max(1, len(t) - STEM_SLACK)] for t in matchers.wanted()}
    prefixes.update(_literal_prefix(g) for g in matchers.patterns)
    lower = text.lower()
    if len(lower) != len(text) or "" in prefixes or _TOKEN_CHAR is None:
        yield from (m.span() for m in WORD.finditer(text))  # rare: scan every word
        return
    seen: set[int] = set()
    for prefix in prefixes:
        for match in re.finditer(re.escape(prefix) + _TOKEN_CHAR + "*", lower):
            start = match.start()
            if start in seen or (start and _TOKEN_CHAR_RE.match(lower, start - 1)):
                continue  # inside a longer word, or already found through a shorter prefix
            seen.add(start)
            yield match.span()
    if has_accents(text):
        starts = tuple(prefixes)
        for start, end in accented_words(text):
            if start not in seen and fold(text[start:end]).startswith(starts):
                yield start, end


def phrase_end(text: str, pos: int, phrase: Phrase) -> int | None:
    """Where ``phrase`` ends when its first word ends at ``pos``, or None if it does not continue there.

    Words analyzing to nothing (stop words) take no position, as in the index, so "right to development"
    matches the phrase ``right develop`` and is marked whole.
    """
    rest, gap, end = list(phrase.words[1:]), 0, pos
    if not rest:
        return end
    for match in WORD.finditer(text, pos):
        terms = word_terms(match.group())
        if not terms:
            continue
        gap += 1
        if rest[0] in terms:
            rest.pop(0)
            gap, end = 0, match.end()
            if not rest:
                return end
        elif gap >= phrase.slop:
            return None
    return None


def spans_for(text: str, matchers: Matchers) -> list[tuple[int, int]]:
    """Sorted, non-overlapping character spans of ``text`` that the matchers hit."""
    if not matchers or not text:
        return []
    spans: list[tuple[int, int]] = []
    for start, end in candidates(text, matchers):
        word = text[start:end]
        terms = word_terms(word)
        if matchers.terms.intersection(terms) or matchers.matches_pattern(word):
            spans.append((start, end))
        for phrase in matchers.phrases:
            if phrase.words[0] in terms:
                last = phrase_end(text, end, phrase)
                if last is not None:
                    spans.append((start, last))
    return merge(spans)


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones joined.

    >>> merge([(5, 9), (0, 3), (2, 4)])
    [(0, 4), (5, 9)]
    """
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
