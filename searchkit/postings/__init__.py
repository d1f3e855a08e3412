"""Postings: analyzed passages in, Whoosh posting bytes out, and fast ways to read them back.

Writing: ``schema.py`` names the fields and analyzes a passage for them; ``encode.py`` computes a field's
postings exactly as Whoosh would; ``prepare.py`` packs a document's passages into a ``Prepared`` record
(what index workers send the writer); ``pool.py`` is the writer's posting pool and segment flush;
``phrasefile.py`` writes the ``.phr`` file of every word's positions.
Reading: ``readers.py`` (``Postings``: a term's ids and frequencies as arrays, field lengths), ``blocks.py``
(a posting block's ids and weights without its positions) and ``phrases.py`` (phrase counts per passage,
from ``.phr`` files or the postings).

Open ``schema.py`` first to see what the index holds. This stage and ``store`` are the ones that know
Whoosh's on-disk format and private attributes (docs/architecture.md lists them).
"""
