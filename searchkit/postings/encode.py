"""A field's value as Whoosh postings: the same as ``list(field.index(value))``, a few times faster.

For a field with positions or frequencies whose analyzer ``analysis.words`` recognises, ``index_field``
computes the (term, frequency, weight, value bytes) postings from the per-word chain; numeric fields are
cached per value; any other field or format goes through Whoosh itself, so a changed schema can never index
differently, only more slowly. ``tests/postings/test_encode.py`` holds the proof.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Callable, Iterable, Optional

from whoosh.analysis import IDTokenizer
from whoosh.fields import NUMERIC
from whoosh.formats import Existence, Frequency, Positions
from whoosh.system import pack_uint

from searchkit.analysis.words import WordChain, word_chain
from searchkit.postings.phrasefile import KEY_LIMIT

Items = list[tuple[bytes, int, float, bytes]]


_CHAINS: dict[int, tuple[Any, Optional[WordChain]]] = {}


def chain_for(field: Any) -> Optional[WordChain]:
    """The word chain of a field with positions or frequencies, cached per analyzer object."""
    analyzer = getattr(field, "analyzer", None)
    if analyzer is None or type(field.format) not in (Positions, Frequency):
        return None
    held = _CHAINS.get(id(analyzer))
    if held is None or held[0] is not analyzer:
        held = _CHAINS[id(analyzer)] = (analyzer, word_chain(analyzer))
    return held[1]


def index_field(field: Any, value: Any, positions: Optional[list[list[int]]] = None) -> Items:
    """``list(field.index(value))``, through the word chain when the field allows it.

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
    """Whether the word-chain path gives Whoosh's own postings for every value (for tests and checks)."""
    return all(index_field(field, v) == list(field.index(v)) for v in values)
