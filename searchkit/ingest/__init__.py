"""Ingest: files in, documents and passages out.

Takes paths (``.txt``, ``.md``, ``.jsonl``, ``.html``/``.htm``, ``.pdf``, ``.docx``; files or folders) and
gives ``Document`` objects (``document.py``): ``files.py`` reads text and JSONL and hands published formats
to ``html``, ``pdf`` (with ``pdflines``) and ``docx``, which give the text a reader sees, its paragraphs
already found. Then each document's ``Passage`` list with its metadata and an ``OffsetMap`` back to the
source (``passages.split_document``). Open ``passages.py`` first: it runs the steps in order, each a module
here: ``lines`` (cleaned lines) -> ``layout`` (which lines make a paragraph) -> ``kinds`` (title, body,
caption, boilerplate, teaser, note) -> ``metadata`` (title, date, source, place, country, speaker;
``dates``, ``countries``; named turns in ``turns``) -> ``sentences`` (Punkt trained on the corpus: nltk is
imported in this stage and nowhere else). ``locate`` turns a document offset back into the file's line and
column, for citations.

Depends on nothing in searchkit but ``errors``: every later stage may use its types.
"""
