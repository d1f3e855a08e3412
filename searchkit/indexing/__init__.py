"""Indexing: paths in, an up-to-date index out, processing only what changed.

Open ``run.py`` first: ``run_index`` plans what to read (``scan.py``: sources, scopes, which files are
unchanged), has a new index's files surveyed once in worker processes (``survey.py``: the corpus evidence
on line-end hyphens, the sentence splitter's sample, pages and PDFs kept as read), reads, segments and
analyzes files in worker processes (``workers.py``, in file order whatever ``--jobs`` is) and commits
batches of whole documents through ``store``. ``watch.py`` re-runs it when
files change (``index --watch``).

Uses ``ingest``, ``postings`` and ``store``; nothing on the query side.
"""
