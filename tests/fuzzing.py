"""Hypothesis strategies shared by the fuzz tests: arbitrary Unicode with what breaks naive code mixed in
(control characters, bidi marks, combining marks, escaped surrogates, query syntax), short and up to
10,000 characters."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ODD = ["\u200f", "\u200e", "\u202e", "\u2066", "\u0301", "\ufeff", "\u00a0", "\u3000", "\t", "\r", "\n", "\x00",
       "\x07", "\x1b", "\x7f", "\U0001f600", "\ufffd", "\udcff", "\udc80", "ǅ", "İ", "ß", "ﬁ", "…", "“", "”", "’"]
SYNTAX = ["(", ")", '"', "*", "?", "~", "~2", ":", " AND ", " OR ", " NOT ", "-", "+", "[", "]", "{", "}",
          " TO ", "title:", "year:", "date:", "country:", "kind:", "\\", "'"]
WORDS = ["lanes", "green", "fast", "vaccine", "ASEAN", "China", "Việt", "Nam", "cooperation", "the", "of",
         "2020", "a", "I"]

piece = st.one_of(st.sampled_from(ODD + SYNTAX + WORDS), st.text(max_size=8), st.just(" "))
short_text = st.lists(piece, max_size=40).map("".join)
long_text = short_text.map(lambda t: ((t or "x") * (10_000 // max(len(t), 1) + 1))[:10_000])
any_text = st.one_of(short_text, short_text, long_text, st.text(max_size=200))

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
