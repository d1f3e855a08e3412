"""Finding, fast, the words of a passage that can match a query: a literal search for term prefixes.

Highlighting the top ten passages runs on every query, and some passages are long; running the analyzer
over all of a passage costs more than the search. A term can only come from a word that starts with the
term less its last ``STEM_SLACK`` letters, so a literal search for those prefixes in the lower-cased text
finds every candidate; only candidates are analyzed (once per process per word), and words holding accented
letters are checked apart. ``tests/highlight/test_spans.py`` checks this against the analyzer on every seed word.

>>> [w for w in ("cooperating", "Cooperation", "corporate") if word_terms(w) == ("cooper",)]
['cooperating', 'Cooperation']
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Iterator

from whoosh.support.charset import accent_map

from searchkit.analysis.chain import ANALYZER, TOKEN_PATTERN
from searchkit.analysis.words import word_chain

Span = tuple[int, int]
WORD = re.compile(TOKEN_PATTERN)
# The analyzer's stemmer (Porter2) only rewrites word endings, adding at most this many letters of its
# own ("biliti" -> "ble" adds "le", "y" -> "i"): measured at most 2 over the 35,000 distinct words of
# ../shared/corpora.
STEM_SLACK = 2
_CACHE_LIMIT = 200_000
_terms_cache: dict[str, tuple[str, ...]] = {}
# One character of a token, when the token pattern is a repeated character class (the fast path needs it).
_TOKEN_CHAR = TOKEN_PATTERN[:-1] if re.fullmatch(r"\[[^\]]+\]\+", TOKEN_PATTERN) else None
_TOKEN_CHAR_RE = re.compile(_TOKEN_CHAR or "(?!)")
_CHAIN = word_chain(ANALYZER)


def fold(word: str) -> str:
    """The analyzer's normalisation before stemming: accents folded, lower case."""
    return word.lower() if word.isascii() else word.translate(accent_map).lower()


def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one surface word (empty for a stop word), analyzed once per process: through
    the per-word chain (analysis.words) (the same filters without Whoosh's token generators, half the time) when it
    knows the analyzer, else through the analyzer itself."""
    found = _terms_cache.get(word)
    if found is None:
        if len(_terms_cache) > _CACHE_LIMIT:
            _terms_cache.clear()
        if _CHAIN is not None:
            term = _CHAIN.learn(word)
            found = (term,) if term is not False else ()
        else:
            found = tuple(t.text for t in ANALYZER(word))
        _terms_cache[word] = found
    return found


def text_positions(text: str) -> dict[str, list[int]]:
    """Each index term of ``text`` with its positions: what the index holds for it (the indexer's chain)."""
    if _CHAIN is not None:
        return _CHAIN.positions(text)
    found: dict[str, list[int]] = {}
    for token in ANALYZER(text, positions=True):
        found.setdefault(token.text, []).append(token.pos)
    return found


def text_counts(text: str) -> dict[str, int]:
    """Each index term of ``text`` with how often it occurs (its postings' frequency), without positions:
    the terms through the chain's word cache, counted by ``Counter`` in C."""
    if _CHAIN is None:
        return {t: len(p) for t, p in text_positions(text).items()}
    cache, learn = _CHAIN.cache, _CHAIN.learn
    counts = Counter([cache[w] if w in cache else learn(w) for w in _CHAIN.words(text)])
    counts.pop(False, None)  # stop words
    return counts


def clear_caches() -> None:
    """Forget analyzed words (benchmarks use it to measure a fresh process)."""
    _terms_cache.clear()
    if _CHAIN is not None:
        _CHAIN.cache.clear()


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
    raw = text.encode("utf-8", "surrogatepass")  # a lone surrogate (an undecodable byte, escaped) is no accent
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


def literal_prefix(glob: str) -> str:
    cut = min((i for i in (glob.find("*"), glob.find("?"), glob.find("[")) if i >= 0), default=len(glob))
    return glob[:cut].lower()


def candidates(text: str, terms: Iterable[str], globs: Iterable[str] = ()) -> Iterator[Span]:
    """Spans of the words of ``text`` that may analyze to one of ``terms`` or fit one of ``globs``."""
    prefixes = {t[: max(1, len(t) - STEM_SLACK)] for t in terms}
    prefixes.update(literal_prefix(g) for g in globs)
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


def exact_words(text: str, forms: Iterable[str]) -> Iterator[Span]:
    """Whole-word occurrences of ``forms`` as written (case kept), a plural ``s`` included: ``NGOs``."""
    for form in forms:
        for match in re.finditer(re.escape(form) + "s?", text):
            start, end = match.span()
            if not (start and _TOKEN_CHAR_RE.match(text, start - 1)) and not _TOKEN_CHAR_RE.match(text, end):
                yield start, end
