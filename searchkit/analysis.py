"""The one analyzer chain shared by indexing, querying and highlighting.

It must stay cheap to import: it is on the query path, so it never imports nltk.

>>> [t.text for t in ANALYZER("Việt Nam’s fast lanes, cooperating on A/RES/70/1")]
['viet', 'nam', 's', 'fast', 'lane', 'cooper', 'res', '70', '1']

Each token keeps the character span of the surface word it came from, which is what highlighting marks:

>>> [(t.text, t.startchar, t.endchar) for t in ANALYZER("The green lanes", chars=True)]
[('green', 4, 9), ('lane', 10, 15)]
"""

from __future__ import annotations

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

# Bump when the chain changes: an index built with another version must be rebuilt.
ANALYZER_VERSION = 1


def make_analyzer() -> Analyzer:
    """Tokenize, fold accents, lowercase, drop stop words, stem.

    Porter2, not Whoosh's default Porter: that one stems "cooperating" to "cooperat" but "cooperation" to
    "cooper", so the two never match.
    """
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | CharsetFilter(accent_map)
        | LowercaseFilter()
        | StopFilter(minsize=1)
        | StemFilter(stemfn=porter2_stem, cachesize=50000)
    )


ANALYZER = make_analyzer()


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order."""
    return [t.text for t in ANALYZER(text)]
