"""The analyzer chain run lean for indexing: the same postings as ``field.index(value)``, a few times faster.

Whoosh runs every token through a chain of generators that set attributes on a shared Token object; for
an index run that is a third of the work. When a field's analyzer is a chain this module knows (a
``RegexTokenizer`` followed by any of lowercasing and charset folding, then an optional ``StopFilter``
and an optional ``StemFilter``; or a bare tokenizer), ``index_field`` computes the same (term, frequency, weight, positions)
with list comprehensions and a stem cache. Any other analyzer or format goes through Whoosh itself, so a
changed chain can never index differently, only more slowly. ``tests/test_lean.py`` holds the proof.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Any, Callable, Iterable, Optional

from whoosh.analysis import CharsetFilter, IDTokenizer, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import NUMERIC
from whoosh.formats import Existence, Frequency, Positions
from whoosh.system import pack_uint

from searchkit.analysis.chain import ACRONYM_HINT, ACRONYM_PATTERN
from searchkit.postings.phrasefile import KEY_LIMIT

Items = list[tuple[bytes, int, float, bytes]]
STEM_CACHE_LIMIT = 500_000  # distinct words; a cache that large is ~50 MB, then it starts over
# Tokenizer patterns whose every match contains a match of a cheaper pattern: a value without one has no
# tokens, and the tokenizer is not run on it (tests/test_lean.py checks the hint on random text).
HINTS = {ACRONYM_PATTERN: re.compile(ACRONYM_HINT)}


class LeanChain:
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


def lean_chain(analyzer: Any) -> Optional[LeanChain]:
    """A LeanChain doing exactly what ``analyzer`` does at index time, or None when it is not one we know."""
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
    return None if rest else LeanChain(items[0], maps, stop, stem)


_CHAINS: dict[int, tuple[Any, Optional[LeanChain]]] = {}


def chain_for(field: Any) -> Optional[LeanChain]:
    """The lean chain of a field with positions or frequencies, cached per analyzer object."""
    analyzer = getattr(field, "analyzer", None)
    if analyzer is None or type(field.format) not in (Positions, Frequency):
        return None
    held = _CHAINS.get(id(analyzer))
    if held is None or held[0] is not analyzer:
        held = _CHAINS[id(analyzer)] = (analyzer, lean_chain(analyzer))
    return held[1]


def index_field(field: Any, value: Any, positions: Optional[list[list[int]]] = None) -> Items:
    """``list(field.index(value))``, the lean way when the field allows it.

    Given a list, a field with positions also gets each posting's positions appended to it, for the
    ``.phr`` keys (``prepare.sorted_keys``): nothing when Whoosh did the work, or when a position is too
    large for a key. Positions stay counted from 0: small numbers are shared objects in Python, while
    numbering from a passage's key made a new one for every word of the corpus (a quarter of ``prepare``).
    """
    if type(field.format) is Existence and type(field.analyzer) is IDTokenizer and isinstance(value, str):
        return [(value.encode("utf-8"), 1, field.format.field_boost, b"")]  # an ID: the value is the term
    if type(field) is NUMERIC:
        return numeric_items(field, value)
    chain = chain_for(field) if isinstance(value, str) else None
    if chain is None:
        return list(field.index(value))
    boost = field.format.field_boost
    if type(field.format) is Frequency:
        return [(term.encode("utf-8"), len(poses), len(poses) * boost, pack_uint(len(poses)))
                for term, poses in chain.positions(value).items()]
    encode, single = field.format.encode, _SINGLE
    found = chain.positions(value)
    if positions is not None and found and max(map(itemgetter(-1), found.values())) < KEY_LIMIT:
        positions.extend(found.values())
    return [(term.encode("utf-8"), len(poses), len(poses) * boost,
             (single.get(poses[0]) or _single(poses[0], encode)) if len(poses) == 1 else encode(poses))
            for term, poses in found.items()]


_NUMERIC: dict[tuple[int, Any], tuple[Any, Items]] = {}


def numeric_items(field: Any, value: Any) -> Items:
    """A number's tiered terms, remembered: paragraph numbers and years repeat across passages."""
    key = (id(field), value)
    held = _NUMERIC.get(key)
    if held is None or held[0] is not field:  # the field kept alongside: an id can be reused
        if len(_NUMERIC) >= 100_000:
            _NUMERIC.clear()
        held = _NUMERIC[key] = (field, list(field.index(value)))
    return list(held[1])


_SINGLE: dict[int, bytes] = {}  # Positions.encode([p]) by p: most terms occur once in a passage


def _single(pos: int, encode: Callable[[list[int]], bytes]) -> bytes:
    value = _SINGLE[pos] = encode([pos])
    return value


def same_as_whoosh(field: Any, values: Iterable[str]) -> bool:
    """Whether the lean path gives Whoosh's own postings for every value (for tests and checks)."""
    return all(index_field(field, v) == list(field.index(v)) for v in values)
