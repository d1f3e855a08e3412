"""Search: a query string and options in, ranked hits (plain dataclasses) out.

Open ``searcher.py`` first: ``Searcher.search`` parses and plans the query (``query``), ranks, pages,
collapses by document and highlights. Ranking: ``ranking.rank`` is the entry point; ``bm25f.py`` scores
concepts (BM25F; ``dense.py`` does the same arithmetic in numpy arrays when a query scores tens of
thousands of postings), ``units.py`` makes passages or whole documents the unit, ``rerank.py`` adds proximity and
pseudo-relevance feedback (RM3), and ``parameters.py`` holds every knob (k1, b, field weights such as the
title's, proximity and feedback settings). ``suggest.py`` offers "did you mean"; ``show.py`` looks a
passage or document up by its ID.
"""
