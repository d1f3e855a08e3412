"""Cite: a quotation in, every place it was said (or the closest near miss) out.

Open ``citer.py`` first: ``Citer.cite(text)`` makes the quotation ready (``quotation.py``: parts between
ellipses, folded for typography by ``typography.py``), finds candidate passages in the index
(``candidates.py``), verifies each on its stored text, and for a near miss aligns words (``align.py``).
``quotes.py`` reads quotations from a batch file or from the quote marks of a draft. Citation styles are
``searchkit.citation``, shared with search.
"""
