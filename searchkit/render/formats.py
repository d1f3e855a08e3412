"""Search results as CSV (for spreadsheets) and as an HTML fragment (for pasting into a page).

HTML escapes every character of the source (documents may hold ``<script>``); only ``<mark>`` is ours.

>>> marked_html("a <b> & c", [(0, 1), (8, 9)])
'<mark>a</mark> &lt;b&gt; &amp; <mark>c</mark>'
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import asdict
from typing import Iterator, Sequence

from searchkit.citation import URL
from searchkit.render.text import HIT_KEYS, View, fragment_text, hit_fragments, hit_keys, search_total
from searchkit.search.searcher import Hit, SearchResult

# The JSON fields, less the offset lists, which mean nothing in a spreadsheet cell.
CSV_KEYS = tuple(k for k in HIT_KEYS if k not in ("spans", "doc_spans"))
LIST_SEPARATOR = "; "


def csv_row(values: Sequence[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def cell(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict):  # --explain's score parts
        return LIST_SEPARATOR.join(f"{k} {v}" for k, v in value.items())
    return "" if value is None else value


def search_csv(result: SearchResult) -> Iterator[str]:
    """A header row, then one row per hit (each ends with a newline); ``more`` (--by-doc) and ``explain``
    (--explain) are columns when the JSON has them."""
    keys = CSV_KEYS
    if result.hits:
        keys = tuple(k for k in hit_keys(result.hits[0]) if k not in ("spans", "doc_spans"))
    yield csv_row(keys)
    for hit in result.hits:
        data = asdict(hit)
        yield csv_row([cell(data[k]) for k in keys])


def marked_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped, with ``<mark>`` around each span."""
    out, last = [], 0
    for start, end in spans:
        out += [html.escape(text[last:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


def hit_html(hit: Hit, view: View) -> Iterator[str]:
    e = html.escape
    ref = f"{hit.doc_id} para. {hit.para_label or hit.para}"
    title = e(hit.title)
    if URL.match(hit.url):  # a link only to a web address (never javascript: or a local path)
        title = f'<a href="{e(hit.url)}">{title}</a>'
    meta = [f'<cite class="title">{title}</cite>']
    meta += [f'<span class="{k}">{e(v)}</span>' for k, v in (("date", hit.date), ("source", hit.source)) if v]
    meta.append(f'<span class="ref">{e(ref)}</span>')
    if hit.more:  # --by-doc
        meta.append(f'<span class="more">+{hit.more} more passage{"" if hit.more == 1 else "s"}</span>')
    yield f'<li class="hit" data-passage-id="{e(hit.passage_id)}" data-score="{hit.score}">'
    yield f'<p class="meta">{" ".join(meta)}</p>'
    for frag in hit_fragments(hit, view):
        text, spans = fragment_text(hit.text, frag)
        yield f'<p class="fragment">{marked_html(text, spans)}</p>'
    yield "</li>"


def search_html(result: SearchResult, view: View) -> Iterator[str]:
    """An HTML fragment (no page around it): the total, then an ordered list of hits."""
    if not result.hits:
        return
    yield '<div class="searchkit-results">'
    yield f'<p class="total">{html.escape(search_total(result))}</p>'
    yield f'<ol start="{result.hits[0].rank}">'
    for hit in result.hits:
        yield from hit_html(hit, view)
    yield "</ol>"
    yield "</div>"
