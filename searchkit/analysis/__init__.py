"""Analysis: text in, index terms out; the one analyzer chain shared by indexing, querying and highlighting.

Open ``chain.py`` first: ``ANALYZER`` (Whoosh's tokenizer and filters: case and accent folding, stop
words, Porter2 stems) and ``terms(text)``. ``words.py`` runs the same chain as a cached function of each
word (``WordChain``), which indexing and highlighting use for speed and which gives the same terms.
``wordfind.py`` finds, in a passage's text, the surface words that can yield given terms (for highlights
and for the re-rankers' term counts).

Below everything that analyses text; above ``ingest`` only.
"""
