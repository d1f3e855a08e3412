"""``searchkit search`` (one query or a batch) and ``searchkit show``."""

from __future__ import annotations

from typing import Any, Callable, Optional

import click

from searchkit.cli.common import (
    CliError,
    color_option,
    given,
    handle_errors,
    index_option,
    index_path,
    make_view,
    noted,
    read_input,
    warn,
    width_option,
)
from searchkit.errors import ExitCode

FORMATS = ("text", "json", "jsonl", "csv", "html", "trec")


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """How a search prints: the format, and how much of each passage the text and html formats show."""
    options = [
        click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="text (default), json (one object a line; jsonl is the same), csv (a header row), "
                          "html (a fragment, matches in <mark>); with --batch, jsonl or trec (TREC run lines)."),
        click.option("--json", "as_json", is_flag=True, help="Short for --format json."),
        color_option,
        click.option("--fragments", type=click.IntRange(min=1), default=2, show_default=True, metavar="N",
                     help="Fragments of each passage to show (they end at sentence or clause boundaries)."),
        width_option,
        click.option("--full", is_flag=True, help="Show whole passages instead of fragments."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def output_format(ctx: click.Context, fmt: Optional[str], as_json: bool) -> str:
    """The format of a single search's output; options that do nothing in it are errors."""
    if as_json and fmt not in (None, "json", "jsonl"):
        raise CliError(f"--json is short for --format json; give --json or --format {fmt}, not both")
    fmt = "json" if as_json or fmt == "jsonl" else (fmt or "text")
    if fmt == "trec":
        raise CliError("--format trec is for --batch FILE; a single search prints text, json, csv or html")
    whole = {"json": "each passage's whole text and spans", "csv": "each passage's whole text"}
    for name in ("fragments", "width", "full"):
        if fmt in whole and given(ctx, name):
            raise CliError(f"--{name} does not apply to --format {fmt}, which prints {whole[fmt]}; drop it")
    if fmt != "text" and given(ctx, "color"):
        raise CliError(f"--color applies to --format text only; drop it for --format {fmt}")
    if given(ctx, "full") and given(ctx, "fragments"):
        raise CliError("--full shows whole passages; drop --fragments")
    return fmt


def emit_search(result: Any, fmt: str, view: Any) -> None:
    """Print ``result`` in ``fmt`` on stdout."""
    from searchkit.render import formats
    from searchkit.render import text as render

    if fmt == "json":
        lines = (render.hit_json(hit) for hit in result.hits)
    elif fmt == "csv":
        for row in formats.search_csv(result):
            click.echo(row, nl=False)
        return
    elif fmt == "html":
        lines = formats.search_html(result, view)
    else:
        lines = render.search_text(result, view)
    for line in lines:
        click.echo(line, color=view.color)  # click strips escapes off a non-terminal unless told


@click.command("search")
@click.argument("query", required=False)
@click.option("-n", "limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="Hits per page (per query with --batch).")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page of hits to show.")
@click.option("--by-doc", is_flag=True, help="One hit per document: its best passage, and how many more matched.")
@click.option("--sort", type=click.Choice(["score", "date"]), default="score", show_default=True,
              help="Best first, or newest first (undated last).")
@click.option("--all-kinds", is_flag=True, help="Also search captions, boilerplate and teasers.")
@click.option("--explain", is_flag=True, help="Show the query as read and each hit's score parts.")
@click.option("--with-answers", is_flag=True,
              help="Under a question of a press conference, print the start of its answer (text only).")
@click.option("--batch", "batch_file", metavar="FILE",
              help="Run every query of FILE (ID<TAB>text a line, or JSONL {\"id\",\"text\"}; - for stdin); "
                   "--format jsonl (default) or trec.")
@output_options
@index_option
@click.pass_context
@handle_errors
def search_cmd(ctx: click.Context, query: Optional[str], limit: int, page: int, by_doc: bool, sort: str,
               all_kinds: bool, explain: bool, with_answers: bool, batch_file: Optional[str], fmt: Optional[str],
               as_json: bool, color: str, fragments: int, width: Optional[int], full: bool,
               index_dir: Optional[str]) -> None:
    """Search passages; exit 0 when something is found, 1 when nothing is.

    QUERY: plain words (ranked), "a phrase", "near words"~5, AND OR NOT (upper case), -word, +word,
    wild*, fuzzy~, and fields title: source: speaker: country: kind: year: date:[2020-01 TO 2020-06].
    A query beginning with - goes after --: searchkit search -n 5 -- -word.
    """
    from searchkit.search.searcher import Options, Searcher
    from searchkit.store.store import Store

    if (query is None) == (batch_file is None):
        raise CliError("give a QUERY or --batch FILE (see searchkit search --help)")
    fmt = batch_format(ctx, fmt, as_json) if batch_file is not None else output_format(ctx, fmt, as_json)
    if explain and fmt in ("csv", "html", "trec"):
        raise CliError(f"--explain prints with --format text or json, not {fmt}; drop one of them")
    if with_answers and fmt != "text":
        raise CliError(f"--with-answers prints under each question in --format text; with {fmt}, a question's "
                       "answers are its answers key (passage ids): drop --with-answers")
    options = Options(limit=limit, page=page, by_doc=by_doc, sort=sort, all_kinds=all_kinds, explain=explain,
                      highlight=fmt != "trec", with_answers=with_answers)
    searcher = Searcher.of(noted(Store.open_cached(index_path(ctx, index_dir))))
    try:
        if batch_file is not None:
            code = search_batch(searcher, batch_file, options, fmt)
        else:
            code = search_one(searcher, query or "", options, fmt, make_view(width, color, fragments, full))
    finally:
        searcher.release()
    ctx.exit(int(code))


def batch_format(ctx: click.Context, fmt: Optional[str], as_json: bool) -> str:
    """A batch prints JSON lines or TREC run lines; the page layout options mean nothing there."""
    fmt = "jsonl" if as_json or fmt in (None, "json") else fmt
    if fmt not in ("jsonl", "trec"):
        raise CliError(f"--batch prints --format jsonl or trec, not {fmt}")
    for name in ("page", "fragments", "width", "full", "color"):
        if given(ctx, name):
            raise CliError(f"--{name} does not apply to --batch; drop it")
    if fmt == "trec" and given(ctx, "explain"):
        raise CliError("--explain does not apply to --format trec, which has no room for score parts; "
                       "drop it, or use --format jsonl")
    return fmt


def search_one(searcher: Any, query: str, options: Any, fmt: str, view: Any) -> ExitCode:
    from searchkit.render.text import explain_lines

    result = searcher.search(query, options)
    if options.explain and fmt == "text":
        for line in explain_lines(result):
            click.echo(line)
    emit_search(result, fmt, view)
    for note in result.limits:
        warn(f"limited: {note}")
    if result.suggestion:
        warn(f"did you mean: {shortened(result.suggestion)}")
    if result.hits:
        return ExitCode.FOUND
    if fmt == "text":
        why = f" ({result.note})" if result.note else ""
        none = f"no passages match {shortened(query)!r}{why}"
        warn(none if result.total == 0 else f"no hits on page {options.page} of {shortened(query)!r}")
    return ExitCode.NOT_FOUND


def shortened(text: str, most: int = 80) -> str:
    """``text``, or its start and end around an ellipsis when it is longer than ``most`` characters.

    >>> shortened("a" * 100, 9)
    'aaaa…aaaa'
    """
    return text if len(text) <= most else text[: most // 2] + "…" + text[-(most - 1) // 2:]


def search_batch(searcher: Any, batch_file: str, options: Any, fmt: str) -> ExitCode:
    """Every query of the file; exit 0 when each found something, 1 when some did not, 2 if a line was unusable."""
    from searchkit.cli.batch import hit_record, queries_from, trec_line
    from searchkit.errors import QueryError
    from searchkit.render.text import hit_keys

    raw, name = read_input(batch_file, "queries")
    items = queries_from(raw, name)
    if not items:
        raise CliError(f"{name} holds no queries; give one a line as ID<TAB>text, or JSONL {{\"id\", \"text\"}}")
    failed, all_found = 0, True
    for item in items:
        try:
            result = None if item.error else searcher.search(item.text, options)
        except QueryError as exc:
            item.error, result = str(exc), None
        if result is None:
            warn(f"{item.where}: query {item.id or item.n} {item.error}")
            failed += 1
            continue
        for note in result.limits:
            warn(f"{item.where}: query {item.id or item.n} limited: {note}")
        all_found = all_found and bool(result.hits)
        for hit in result.hits:
            if fmt == "trec":
                click.echo(trec_line(item.id, hit.doc_id if options.by_doc else hit.passage_id, hit.rank, hit.score))
            else:
                click.echo(hit_record(item.id, hit, hit_keys(hit)))
    if failed:
        return ExitCode.ERROR
    return ExitCode.FOUND if all_found else ExitCode.NOT_FOUND


@click.command("show")
@click.argument("ident", metavar="ID")
@click.option("--context", "-C", type=click.IntRange(min=0), default=1, show_default=True, metavar="K",
              help="Paragraphs to show before and after the passage.")
@click.option("--query", "-q", metavar="Q", default=None, help="Mark this query's matches.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per passage, one per line.")
@color_option
@width_option
@index_option
@click.pass_context
@handle_errors
def show_cmd(ctx: click.Context, ident: str, context: int, query: Optional[str], as_json: bool, color: str,
             width: Optional[int], index_dir: Optional[str]) -> None:
    """Print a passage (doc_id#para) with the paragraphs around it, or a whole document (doc_id)."""
    from searchkit.render.text import show_json, show_text
    from searchkit.search.show import show
    from searchkit.store.store import Store

    for name in ("color", "width"):
        if as_json and given(ctx, name):
            raise CliError(f"--{name} does not apply to --json; drop it")
    store = noted(Store.open(index_path(ctx, index_dir)))
    shown = show(store, ident, context=context, query=query)
    if shown is None:
        warn(f"no passage or document {ident!r} in the index; IDs are as search prints them (doc_id#para)")
        ctx.exit(int(ExitCode.NOT_FOUND))
    if shown.whole and given(ctx, "context"):
        raise CliError(f"{ident!r} is a whole document, so --context does not apply; give a passage ID (doc_id#para)")
    view = make_view(width, color)
    for line in show_json(shown) if as_json else show_text(shown, view):
        click.echo(line, color=view.color)
