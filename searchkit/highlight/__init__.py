"""Highlight: a passage's text and a compiled query in, highlight spans and fragments out.

Open ``spans.py`` first: ``matchers_for(query)`` collects what the query can match (terms, phrases,
patterns) and ``spans_for(text, matchers)`` finds the surface words, marking a phrase as one span.
``fragments.py`` chooses what to show of a passage: sentences or clauses around the spans. Colours and
marks are the renderer's job.
"""
