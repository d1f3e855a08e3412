"""Facet counts and matches per year of a search, as the pages show them.

The counting itself is the library's (``searchkit.search.counts``, as ``searchkit count`` counts); this
module picks what a page shows of it: the most frequent values of each facet, each a link that narrows
the query, and a bar chart of matches per year drawn as SVG (no script).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from searchkit.search.counts import Keys
from searchkit.search.searcher import Options, Searcher
from searchkit.web.requests import SearchAsk, narrowed

FACETS = ("year", "country", "speaker", "source", "kind")
SHOWN = 12  # values of a facet shown beside the results
CHART_WIDTH, CHART_HEIGHT = 600, 120


@dataclass
class Counts:
    """Matching passages per value of each facet (most first), and per year from the first to the last."""

    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    years: list[tuple[int, int]] = field(default_factory=list)

    def facets_json(self) -> dict[str, list[dict[str, Any]]]:
        return {name: [{"value": v, "count": n} for v, n in values] for name, values in self.facets.items()}

    def years_json(self) -> list[dict[str, int]]:
        return [{"year": year, "count": n} for year, n in self.years]


@dataclass
class FacetValue:
    value: str
    count: int
    href: str
    active: bool


@dataclass
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    href: str


def search_href(ask: SearchAsk, name: str, value: str) -> str:
    return "/search?" + urlencode(ask.params(q=narrowed(ask.q, name, value), page=1))


def facet_links(counts: Counts, ask: SearchAsk) -> list[tuple[str, list[FacetValue]]]:
    """Each facet with values, and its most frequent values as links that write ``field:value`` into the query."""
    out = []
    for name in FACETS:
        values = [(v, n) for v, n in counts.facets.get(name, []) if v not in ("", None) and n]
        if not values:
            continue
        links = [FacetValue(str(v), n, search_href(ask, name, str(v)), narrowed(ask.q, name, str(v)) == ask.q)
                 for v, n in values[:SHOWN]]
        out.append((name, links))
    return out


def chart(years: list[tuple[int, int]], ask: SearchAsk) -> list[Bar]:
    """One bar per year, scaled to the busiest year; each links to the query narrowed to its year."""
    if not years:
        return []
    top = max(n for _, n in years) or 1
    width = CHART_WIDTH / len(years)
    bars = []
    for i, (year, n) in enumerate(years):
        height = round(CHART_HEIGHT * n / top, 1)
        bars.append(Bar(year, n, round(i * width, 1), round(CHART_HEIGHT - height, 1), round(max(width - 1, 0.5), 1),
                        height, search_href(ask, "year", str(year))))
    return bars



def count(searcher: Searcher, query: str, all_kinds: bool) -> Counts:
    """Every passage ``query`` matches (not only a page's), counted per value of each facet, and per
    year from the index's first year to its last, as ``searchkit count`` counts them. The passages are
    found once and grouped by each facet's column."""
    matched, _ = searcher.matching(query, Options(all_kinds=all_kinds))
    out = Counts()
    if not matched:
        return out
    for name in FACETS:
        keys = Keys(searcher, (name,), False)
        found = keys.count(matched)
        if name == "year":
            timeline = keys.order(found, keys.totals(searcher.excluded))
            out.years = [(v[0], found.get(v, 0)) for v in timeline if isinstance(v[0], int)]
        values = [(str(v[0]), n) for v, n in found.items() if v[0] not in (None, "")]
        out.facets[name] = sorted(values, key=lambda vn: (-vn[1], vn[0]))
    return out
