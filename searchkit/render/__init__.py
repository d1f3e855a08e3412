"""Render: results in, text for people and JSON, CSV or HTML for programs out.

``text.py`` is the entry point for people (fragments, colours only on a terminal, headers, wrapping) and
for ``--json`` (one compact object a line, stable keys); ``formats.py`` writes CSV and HTML; ``cite.py``
renders ``cite`` verdicts. Nothing here reads the index: it only formats what the library returned.
"""
