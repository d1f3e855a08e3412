"""The pages: each reads its parameters (``requests``), asks the library, and answers HTML or JSON.

Every endpoint is a plain function: Starlette runs it in its thread pool, so that a slow query holds up
only its own request. The HTML and the JSON of a page come from the same data (``*_data`` functions).
"""

from __future__ import annotations

import json
import math
from typing import Any, Optional

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from searchkit.errors import QueryError, SearchkitError
from searchkit.render.kwic import kwic_json, reference
from searchkit.render.text import hit_json, search_total
from searchkit.search.kwic import concordance
from searchkit.search.searcher import Options, SearchResult
from searchkit.search.show import show
from searchkit.web import figures
from searchkit.web.requests import KWIC_SORTS, BadRequest, KwicAsk, SearchAsk, text_param
from searchkit.web.views import HitView, ParagraphView, citations, metadata, safe_link

MAX_ID = 1_000


def library(request: Request) -> Any:
    return request.app.state.library


def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    context.setdefault("reference", reference)  # a concordance line's "doc_id para. N" as the terminal shows it
    return request.app.state.templates.TemplateResponse(request, template, context, status_code=status)


def as_json(data: Any, status: int = 200) -> Response:
    return JSONResponse(data, status_code=status)


def problem(request: Request, message: str, api: bool, status: int = 400, **context: Any) -> Response:
    """A page (or JSON object) saying what is wrong and what to do, with the search box to do it in."""
    if api:
        return as_json({"error": message}, status)
    return render(request, "error.html", status, message=message, **context)


# --- search -------------------------------------------------------------------------------------------

def search_result(ask: SearchAsk) -> Options:
    return Options(limit=ask.n, page=ask.page, by_doc=ask.by_doc, sort=ask.sort, all_kinds=ask.all_kinds)


def search_data(request: Request, ask: SearchAsk) -> dict[str, Any]:
    """The search's hits, totals, facet counts and matches per year."""
    with library(request).searcher() as searcher:
        result: SearchResult = searcher.search(ask.q, search_result(ask))
        counted = figures.count(searcher, ask.q, ask.all_kinds) if result.total else figures.Counts()
    return {"ask": ask, "result": result, "counts": counted,
            "pages": max(1, math.ceil(result.total / ask.n))}


def search_json(data: dict[str, Any]) -> dict[str, Any]:
    result, ask = data["result"], data["ask"]
    return {
        "query": result.query, "parsed": result.parsed, "total": result.total, "page": ask.page,
        "per_page": ask.n, "pages": data["pages"], "by_doc": ask.by_doc, "sort": ask.sort,
        "suggestion": result.suggestion, "note": result.note or None,
        "hits": [json.loads(hit_json(hit)) for hit in result.hits],
        "facets": data["counts"].facets_json(), "years": data["counts"].years_json(),
    }


def search_page(request: Request) -> Response:
    return _search(request, api=False)


def search_api(request: Request) -> Response:
    return _search(request, api=True)


def _search(request: Request, api: bool) -> Response:
    try:
        ask = SearchAsk.of(request.query_params)
        if not ask.q:
            if api:
                return problem(request, "give a query: /api/search?q=words", api)
            return render(request, "search.html", ask=ask, data=None)
        data = search_data(request, ask)
    except SearchkitError as exc:
        return problem(request, str(exc), api, q=request.query_params.get("q", "")[:200])
    if api:
        return as_json(search_json(data))
    result = data["result"]
    return render(request, "search.html", ask=ask, data=data,
                  hits=[HitView.of(hit) for hit in result.hits],
                  total_line=search_total(result) if result.hits else "",
                  chart=figures.chart(data["counts"].years, ask),
                  facets=figures.facet_links(data["counts"], ask))


# --- concordance ----------------------------------------------------------------------------------------

def kwic_page(request: Request) -> Response:
    return _kwic(request, api=False)


def kwic_api(request: Request) -> Response:
    return _kwic(request, api=True)


def _kwic(request: Request, api: bool) -> Response:
    try:
        ask = KwicAsk.of(request.query_params)
        if not ask.q:
            return problem(request, "give a query: /kwic?q=words", api)
        with library(request).searcher() as searcher:
            found = concordance(searcher, ask.q, ask.n, ask.sort, all_kinds=ask.all_kinds)
    except SearchkitError as exc:
        return problem(request, str(exc), api, q=request.query_params.get("q", "")[:200])
    if api:
        return as_json({"query": ask.q, "sort": ask.sort, "passages": found.passages, "more": found.more,
                        "note": found.note or None, "lines": [json.loads(line) for line in kwic_json(found)]})
    return render(request, "kwic.html", ask=ask, found=found, search=SearchAsk(ask.q, all_kinds=ask.all_kinds),
                  sorts=KWIC_SORTS)


# --- passage / document ---------------------------------------------------------------------------------

def passage_data(request: Request) -> Optional[dict[str, Any]]:
    """The whole document in reading order, the passages the ID names marked; None when there is none."""
    ident = text_param(request.query_params, "id", MAX_ID, "passage ID")
    if not ident:
        raise BadRequest("give a passage or document ID: /passage?id=doc_id#para (as search shows it)")
    query = text_param(request.query_params, "q", 2_000, "query") or None
    with library(request).searcher() as searcher:
        try:
            shown = show(searcher.store, ident, context=10**9, query=query, searcher=searcher.searcher)
        except QueryError:  # a query that marks nothing (an empty one): the document unmarked
            shown = show(searcher.store, ident, context=10**9, searcher=searcher.searcher)
    if shown is None:
        return None
    named = [hit for hit in shown.passages if hit.passage_id in shown.targets]
    cited = named[0] if named else shown.passages[0]
    return {"id": ident, "q": query or "", "shown": shown, "cited": cited}


def passage_page(request: Request) -> Response:
    return _passage(request, api=False)


def passage_api(request: Request) -> Response:
    return _passage(request, api=True)


def _passage(request: Request, api: bool) -> Response:
    try:
        data = passage_data(request)
    except SearchkitError as exc:
        return problem(request, str(exc), api)
    if data is None:
        ident = request.query_params.get("id", "")
        return problem(request, f"no passage or document {ident[:200]!r} in the index; IDs are as search "
                                "shows them (doc_id#para, or doc_id for a whole document)", api, 404)
    shown, cited = data["shown"], data["cited"]
    meta = metadata(cited)
    if api:
        keys = ("passage_id", "para", "para_label", "kind", "speaker", "text", "spans", "char_start", "char_end")
        return as_json({
            "doc_id": shown.doc_id, "title": cited.title, "date": cited.date, "source": cited.source,
            "path": cited.path, "url": cited.url or None, "targets": sorted(shown.targets),
            "passages": [{k: getattr(hit, k) for k in keys} for hit in shown.passages],
            "citations": {style: text for style, _, text in citations(meta)},
        })
    return render(request, "passage.html", data=data, doc=cited,
                  paragraphs=[ParagraphView.of(hit, hit.passage_id in shown.targets) for hit in shown.passages],
                  citations=citations(meta), source_link=safe_link(cited.url))
