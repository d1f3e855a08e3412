"""``searchkit cite``: one quotation, a batch of them, or every quotation in a draft."""

from __future__ import annotations

import sys
from typing import Any, Optional

import click

from searchkit.cli.common import (
    CliError,
    handle_errors,
    index_option,
    index_path,
    read_input,
    warn,
)
from searchkit.errors import ExitCode


@click.command("cite")
@click.argument("quote", required=False)
@click.option("--batch", "batch_file", metavar="FILE",
              help='Look up every quotation in FILE: one a line, or JSONL {"id", "text"} ("-": stdin).')
@click.option("--from", "draft_file", metavar="FILE",
              help="Look up every quotation between quote marks in the draft FILE (\"-\": stdin).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per occurrence, one per line.")
@click.option("--style", type=click.Choice(["plain", "apa", "chicago", "bibtex", "csl-json"]), default="plain",
              show_default=True, help="Citation style.")
@index_option
@click.pass_context
@handle_errors
def cite_cmd(ctx: click.Context, quote: Optional[str], batch_file: Optional[str], draft_file: Optional[str],
             as_json: bool, style: str, index_dir: Optional[str]) -> None:
    """Find where a quotation was said, every occurrence, earliest first (exit 0 exact, 1 near or none).

    QUOTE "-" reads the quotation from stdin. Typography (quotes, dashes, line breaks, hyphenation, case)
    never matters; "..." or "…" stands for any gap inside one paragraph.
    """
    from searchkit.cite.citer import Citer
    from searchkit.store.store import Store

    if sum(x is not None for x in (quote, batch_file, draft_file)) != 1:
        raise CliError("give one of QUOTE, --batch FILE or --from FILE (see searchkit cite --help)")
    store = Store.open(index_path(ctx, index_dir))
    with Citer(store, style) as citer:
        if quote is not None:
            code = _cite_one(citer, sys.stdin.read() if quote == "-" else quote, as_json)
        else:
            code = _cite_many(citer, _quotation_items(batch_file, draft_file), as_json)
        for path in sorted(citer.stale):
            warn(f"{path} changed since it was indexed: no line and column for it; run: searchkit index")
    ctx.exit(int(code))


def _cite_one(citer: Any, quote: str, as_json: bool) -> ExitCode:
    from searchkit.render.cite import citation_json, cite_lines

    cites = citer.cite(quote)
    for note in citer.limits:
        warn(f"limited: {note}")
    for cite in cites:
        if as_json:
            click.echo(citation_json(cite))
    if not as_json:
        for line in cite_lines(cites):
            click.echo(line)
    return ExitCode.FOUND if cites[0].verdict == "exact" else ExitCode.NOT_FOUND


def _quotation_items(batch_file: Optional[str], draft_file: Optional[str]) -> list[Any]:
    """The quotations of a batch file or a draft, read as the indexer reads text (UTF-8, else cp1252)."""
    from searchkit.cite.quotes import from_batch, from_draft, looks_jsonl

    raw, name = read_input(str(batch_file or draft_file), "quotations")
    if draft_file is not None:
        items = from_draft(raw, name)
        if not items:
            warn(f"no quotations between quote marks in {name}")
        return items
    items = list(from_batch(raw, name, looks_jsonl(raw, name)))
    if not items:
        raise CliError(f"{name} holds no quotations; give one a line, or JSONL {{\"id\", \"text\"}}")
    return items


def _cite_many(citer: Any, items: list[Any], as_json: bool) -> ExitCode:
    """Look up each item; exit 0 only when every one is exact, 2 when some could not be looked up."""
    from searchkit.errors import QueryError
    from searchkit.render.cite import citation_json, cite_lines

    all_exact, failed = bool(items), 0
    for item in items:
        try:
            cites = [] if item.error else citer.cite(item.text)
        except QueryError as exc:
            item.error = str(exc)
        for note in citer.limits if not item.error else ():
            warn(f"{item.where}: quotation {item.n} limited: {note}" if item.where else f"limited: {note}")
        if item.error:
            warn(f"{item.where}: quotation {item.n} {item.error}" if item.where else item.error)
            failed += 1
            continue
        all_exact = all_exact and cites[0].verdict == "exact"
        if as_json:
            for cite in cites:
                click.echo(citation_json(cite, {"n": item.n, "id": item.id, "input": item.text}))
        else:
            click.echo(f"#{item.n}{' ' + item.id if item.id else ''} {' '.join(item.text.split())}")
            for line in cite_lines(cites):
                click.echo(line)
            click.echo("")
    if failed:
        return ExitCode.ERROR
    return ExitCode.FOUND if all_exact else ExitCode.NOT_FOUND
