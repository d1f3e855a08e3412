"""Highlights of any query's words in any text stay inside the text, sorted and apart, and so do fragments."""

from __future__ import annotations

from hypothesis import given

from searchkit.analysis.chain import fold_text, terms
from searchkit.highlight.fragments import fragments
from searchkit.highlight.spans import Matchers, spans_for
from tests.fuzzing import FUZZ, any_text


def matchers_of(query: str) -> Matchers:
    """Terms, two-word phrases and wildcards taken from ``query`` as a user might have typed them."""
    found = list(terms(query))[:50]
    words = query.split()[:50]
    patterns = [fold_text(w).lower() for w in words if "*" in w or "?" in w]
    return Matchers(terms=set(found), phrases=[found[i:i + 2] for i in range(0, len(found) - 1, 2)],
                    patterns=patterns)


@FUZZ
@given(text=any_text, query=any_text)
def test_spans_and_fragments_stay_inside_the_text(text, query):
    spans = spans_for(text, matchers_of(query))
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    for frag in fragments(text, spans):
        assert 0 <= frag.start <= frag.end <= len(text)
        assert all(frag.start <= s and e <= frag.end for s, e in frag.spans)
