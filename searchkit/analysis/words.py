"""The analyzer chain as a function of each word: the same terms as Whoosh's generator chain, a few times faster.

Whoosh runs every token through a chain of generators that set attributes on a shared Token object; for an
index run that is a third of the work. When an analyzer is a chain this module knows (a ``RegexTokenizer``
followed by any of lowercasing and charset folding, then an optional ``StopFilter`` and an optional
``StemFilter``; or a bare tokenizer), ``word_chain`` returns a ``WordChain`` that runs each distinct surface
word through the filters once and remembers the result. Any other analyzer gets None, and its callers go
through Whoosh itself, so a changed chain can never index differently, only more slowly
(``tests/postings/test_encode.py`` holds the proof).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Optional

from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

from searchkit.analysis.chain import ACRONYM_HINT, ACRONYM_PATTERN

STEM_CACHE_LIMIT = 500_000  # distinct words; a cache that large is ~50 MB, then it starts over
# Tokenizer patterns whose every match contains a match of a cheaper pattern: a value without one has no
# tokens, and the tokenizer is not run on it (tests/postings/test_encode.py checks the hint on random text).
HINTS = {ACRONYM_PATTERN: re.compile(ACRONYM_HINT)}


class WordChain:
    """A recognised analyzer: tokenizer pattern, word maps, stop filter and stemmer, in that order.

    Everything after the tokenizer depends on the word alone, so each distinct surface word is run
    through the filters once and remembered (False for a stop word).
    """

    def __init__(self, tokenizer: RegexTokenizer, maps: list[Callable[[str], str]],
                 stop: Optional[StopFilter], stem: Optional[StemFilter]) -> None:
        expression = tokenizer.expression
        self.words: Callable[[str], list[str]] = (
            expression.findall if expression.groups == 0 else lambda v: [m.group(0) for m in expression.finditer(v)]
        )
        hint = HINTS.get(expression.pattern)
        if hint is not None:
            self.words = lambda v, words=self.words, search=hint.search: words(v) if search(v) else []
        self.maps, self.stop, self.stem = maps, stop, stem
        self.renumber = stop is not None and stop.renumber
        self.cache: dict[str, Any] = {}

    def positions(self, value: str) -> dict[str, list[int]]:
        """Each term of ``value`` with its positions, in order of first occurrence (as Whoosh numbers them)."""
        words = self.words(value)
        terms = list(map(self.cache.get, words))  # C-level; after the first documents every word is known
        if None in terms:
            learn = self.learn
            terms = [learn(w) if t is None else t for w, t in zip(words, terms)]
        found: dict[str, list[int]] = {}
        if self.renumber:  # the first kept word keeps its place, the others follow it closely
            kept = [t for t in terms if t is not False]
            numbered: Iterable[tuple[int, str]] = enumerate(kept, start=terms.index(kept[0]) if kept else 0)
        else:
            numbered = ((i, t) for i, t in enumerate(terms) if t is not False)
        for pos, term in numbered:
            held = found.get(term)
            if held is None:
                found[term] = [pos]
            else:
                held.append(pos)
        return found

    def learn(self, surface: str) -> Any:
        """The term of one surface word, or False for a stop word; remembered."""
        word = surface
        for fn in self.maps:
            word = fn(word)
        stop, stem = self.stop, self.stem
        term: Any = word
        if stop is not None and (len(word) < stop.min or (stop.max is not None and len(word) > stop.max)
                                 or word in stop.stops):
            term = False
        elif stem is not None and word not in stem.ignore:
            term = stem.stemfn(word)
        if len(self.cache) >= STEM_CACHE_LIMIT:
            self.cache.clear()
        self.cache[surface] = term
        return term


def word_chain(analyzer: Any) -> Optional[WordChain]:
    """A WordChain doing exactly what ``analyzer`` does at index time, or None when it is not one we know."""
    items = [analyzer] if type(analyzer) is RegexTokenizer else list(getattr(analyzer, "items", []))
    if not items or type(items[0]) is not RegexTokenizer or items[0].gaps:
        return None
    maps: list[Callable[[str], str]] = []
    rest = items[1:]
    while rest and type(rest[0]) in (LowercaseFilter, CharsetFilter):
        f = rest.pop(0)
        maps.append(str.lower if type(f) is LowercaseFilter else (lambda w, table=f.charmap: w.translate(table)))
    stop = rest.pop(0) if rest and type(rest[0]) is StopFilter else None
    stem = rest.pop(0) if rest and type(rest[0]) is StemFilter and not rest[0].lang else None
    return None if rest else WordChain(items[0], maps, stop, stem)
