"""The one analyzer chain shared by indexing, querying and highlighting.

It must stay cheap to import: it is on the query path, so it never imports nltk.

>>> [t.text for t in ANALYZER("Việt Nam’s fast lanes, cooperating on A/RES/70/1")]
['viet', 'nam', 'fast', 'lane', 'cooper', 'res', '70', '1']

Each token keeps the character span of the surface word it came from, which is what highlighting marks:

>>> [(t.text, t.startchar, t.endchar) for t in ANALYZER("The green lanes", chars=True)]
[('green', 4, 9), ('lane', 10, 15)]
"""

from __future__ import annotations

import re

from whoosh.analysis import STOP_WORDS as _WHOOSH_STOP_WORDS
from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.porter2 import stem as porter2_stem
from whoosh.support.charset import accent_map

# An explicit pattern: Whoosh's default keeps "*" inside words. Words are runs of letters and digits;
# hyphens, slashes and apostrophes split them, so "COVID-19" is two tokens on both sides of the index.
TOKEN_PATTERN = r"[^\W_]+"

# Acronyms as written: two or more capitals (digits allowed), a plural "s" left off ("NGOs" -> "NGO").
ACRONYM_PATTERN = r"\b(?=(?:\d*[A-ZÀ-ÖØ-Þ]){2})[A-ZÀ-ÖØ-Þ\d]+(?=s?\b)"
# What every acronym contains (its first two capitals, digits between): a pattern that opens with a
# character class, which the regex engine scans for quickly, while the one above is tried at every
# position. Most passages hold no acronym; indexing looks for this first (analysis/words.py).
ACRONYM_HINT = r"[A-ZÀ-ÖØ-Þ]\d*[A-ZÀ-ÖØ-Þ]"

# Bump when the chain changes: an index built with another version must be rebuilt.
ANALYZER_VERSION = 3

# A lone "s" is the possessive or a contraction ("Huawei's", "it's": the tokenizer splits at the
# apostrophe), never a word of its own: as a term it matched nearly every passage and fed query feedback.
STOP_WORDS = frozenset(_WHOOSH_STOP_WORDS) | {"s"}

# English function words besides the stop words: pronouns, auxiliaries, determiners, prepositions,
# conjunctions, question words. The index keeps them (quoted phrases need them); a query read as prose
# does not search for them (query/parser.py, ``plain_words``).
FUNCTION_WORDS = frozenset("""
about above after again against all also am any because been before being below between both but could
did do does doing down during each few further had has having he her here hers herself him himself his
how i into its itself just me more most my myself no nor now off once only other our ours ourselves out
over own same she should so some such than then there these they their theirs them themselves those
through too under until up very was were what which while who whom why would yours yourself yourselves
""".split())


def make_analyzer() -> Analyzer:
    """Tokenize, fold accents, lowercase, drop stop words, stem.

    Porter2, not Whoosh's default Porter: that one stems "cooperating" to "cooperat" but "cooperation" to
    "cooper", so the two never match.
    """
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | CharsetFilter(accent_map)
        | LowercaseFilter()
        | StopFilter(stoplist=STOP_WORDS, minsize=1)
        | StemFilter(stemfn=porter2_stem, cachesize=50000)
    )


ANALYZER = make_analyzer()

# The case-preserving field keeps only acronyms, so that `DOC` finds "DOC" and not "doc"; a regex
# tokenizer that yields only the matches keeps indexing cheap.
ACRONYM_ANALYZER = RegexTokenizer(ACRONYM_PATTERN)


def fold_text(text: str) -> str:
    """``text`` with accents folded the way the index folds them (``Việt`` -> ``Viet``)."""
    return text.translate(accent_map)


def acronyms(text: str) -> list[str]:
    """The acronyms of ``text`` as the case-preserving field indexes them.

    >>> acronyms("ASEAN’s DOC, not doc; NGOs and G20")
    ['ASEAN', 'DOC', 'NGO']
    """
    return [t.text for t in ACRONYM_ANALYZER(text)]


_WORD = re.compile(TOKEN_PATTERN)
_STEMS: dict[str, str] = {}


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order: what ``ANALYZER`` yields, computed without its token objects
    (several times faster; ranking analyses whole feedback documents at query time).

    >>> text = "Việt Nam’s fast lanes, CO-OPERATING on A/RES/70/1 — Straße Æsir ﬁnal"
    >>> terms(text) == [t.text for t in ANALYZER(text)]
    True
    """
    out = []
    for word in _WORD.findall(text):
        word = (word if word.isascii() else word.translate(accent_map)).lower()
        if word and word not in STOP_WORDS:
            stem = _STEMS.get(word)
            if stem is None:
                if len(_STEMS) > 100_000:  # bounded, like the analyzer's own cache
                    _STEMS.clear()
                stem = _STEMS[word] = porter2_stem(word)
            out.append(stem)
    return out
