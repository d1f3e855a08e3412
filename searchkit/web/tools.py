"""The cite page (a quotation or a draft in; verdicts, word diffs, occurrences and citations out) and the
export of a result list (CSV, JSON lines, CSL-JSON, RIS)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Iterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from searchkit import citation
from searchkit.cite.citer import Citation, Citer
from searchkit.cite.quotes import from_draft
from searchkit.errors import SearchkitError
from searchkit.render.cite import citation_json, where
from searchkit.render.formats import search_csv
from searchkit.render.references import csl_items, ris_records
from searchkit.render.text import hit_json
from searchkit.web.pages import as_json, library, problem, render, search_result
from searchkit.web.requests import (
    EXPORTS,
    MAX_DRAFT,
    MAX_EXPORT,
    BadRequest,
    SearchAsk,
    choice_param,
    int_param,
    text_param,
)

MAX_QUOTATIONS = 200
MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8",
         "csl-json": "application/vnd.citationstyles.csl+json; charset=utf-8",
         "ris": "application/x-research-info-systems; charset=utf-8"}
SUFFIX = {"csv": "csv", "jsonl": "jsonl", "csl-json": "json", "ris": "ris"}


@dataclass
class Looked:
    """One quotation and what the index says of it."""

    n: int
    text: str
    cites: list[Citation] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return self.cites[0].verdict if self.cites else "none"

    def places(self) -> list[str]:
        return [where(cite) for cite in self.cites if cite.doc_id]

    def citation_text(self, cite: Citation) -> str:
        value = cite.citation
        return json.dumps(value, ensure_ascii=False, indent=2) if isinstance(value, dict) else str(value or "")


async def cite_form(request: Request) -> dict[str, str]:
    """The parameters of a cite request: the URL's, and a posted form's over them."""
    params = dict(request.query_params)
    if request.method == "POST":
        async with request.form(max_fields=10, max_part_size=4 * MAX_DRAFT) as form:
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def look_up(request: Request, params: dict[str, str]) -> tuple[str, str, str, list[Looked]]:
    text = text_param(params, "text", MAX_DRAFT, "text")
    style = choice_param(params, "style", citation.STYLES)
    mode = choice_param(params, "mode", ("quote", "draft"))
    if not text:
        return text, style, mode, []
    quotations = [(item.n, item.text) for item in from_draft(text)] if mode == "draft" else [(1, text)]
    if mode == "draft" and not quotations:
        raise BadRequest("the draft holds no quotations between quote marks (“…”, \"…\", «…»); mark them, "
                         "or choose 'one quotation' to look the whole text up")
    if len(quotations) > MAX_QUOTATIONS:
        raise BadRequest(f"the draft holds {len(quotations)} quotations; at most {MAX_QUOTATIONS} are looked up "
                         "at once, so split it")
    with Citer(library(request).store(), style) as citer:
        looked = [Looked(n, quote, citer.cite(quote)) for n, quote in quotations]
    return text, style, mode, looked


async def cite_page(request: Request) -> Response:
    return await _cite(request, api=False)


async def cite_api(request: Request) -> Response:
    return await _cite(request, api=True)


async def _cite(request: Request, api: bool) -> Response:
    from starlette.concurrency import run_in_threadpool

    try:
        params = await cite_form(request)
        text, style, mode, looked = await run_in_threadpool(look_up, request, params)
    except SearchkitError as exc:
        return problem(request, str(exc), api)
    if api:
        return as_json({"quotations": [{"n": q.n, "text": q.text, "verdict": q.verdict,
                                        "occurrences": [json.loads(citation_json(c)) for c in q.cites]}
                                       for q in looked]})
    return render(request, "cite.html", text=text, style=style, mode=mode, looked=looked,
                  styles=citation.STYLES)


# --- export ---------------------------------------------------------------------------------------------

def export(request: Request) -> Response:
    try:
        params = request.query_params
        ask = SearchAsk.of(params)
        fmt = choice_param(params, "format", EXPORTS)
        limit = int_param(params, "limit", 1_000, MAX_EXPORT)
        if not ask.q:
            raise BadRequest("give a query to export: /export?q=words&format=csv")
        with library(request).searcher() as searcher:
            options = search_result(ask)
            options.limit, options.page = limit, 1
            result = searcher.search(ask.q, options)
    except SearchkitError as exc:
        return problem(request, str(exc), api=False)
    name = f"searchkit-export.{SUFFIX[fmt]}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(export_lines(result, fmt), media_type=MEDIA[fmt], headers=headers)


def export_lines(result: Any, fmt: str) -> Iterator[str]:
    if fmt == "csv":
        yield from search_csv(result)
    elif fmt == "jsonl":
        yield from (hit_json(hit) + "\n" for hit in result.hits)
    elif fmt == "csl-json":
        yield csl_items(asdict(hit) for hit in result.hits)
    else:
        yield from ris_records(asdict(hit) for hit in result.hits)
