"""``searchkit count``, ``searchkit kwic`` and ``searchkit terms``: what a corpus says, beyond where."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import click

from searchkit.cli.common import (
    CliError,
    color_option,
    given,
    handle_errors,
    index_option,
    index_path,
    noted,
    use_color,
    warn,
)
from searchkit.errors import ExitCode

FORMATS = ("text", "json", "csv")


def format_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                        help="text (a table for people), json (one object a line) or csv (a header row).")(func)


def all_kinds_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--all-kinds", is_flag=True, help="Also count captions, boilerplate and teasers.")(func)


def open_searcher(ctx: click.Context, index_dir: Optional[str]) -> Any:
    from searchkit.search.searcher import Searcher
    from searchkit.store.store import Store

    return Searcher.of(noted(Store.open_cached(index_path(ctx, index_dir))))


def text_only(ctx: click.Context, fmt: str, *names: str) -> None:
    for name in names:
        if fmt != "text" and given(ctx, name):
            raise CliError(f"--{name} applies to --format text only; drop it for --format {fmt}")


def echo_all(lines: Iterable[str], color: bool = False) -> None:
    for line in lines:
        click.echo(line, nl=not line.endswith("\n"), color=color)


def limited(notes: list[str]) -> None:
    """What the request's limits cut ($SEARCHKIT_MAX_SECONDS and the like): the figures fall short."""
    for note in notes:
        warn(f"limited: {note}; the figures leave out what was not reached")


def terminal_width(width: Optional[int]) -> int:
    return width or shutil.get_terminal_size((80, 24)).columns


@click.command("count")
@click.argument("query")
@click.option("--by", "by", default="year", show_default=True, metavar="FIELD[,FIELD2]",
              help="year, month, country, speaker, source, kind, turn or doc; two (comma-separated) give a table.")
@click.option("--docs", is_flag=True, help="Count documents, not passages.")
@click.option("--per", type=click.IntRange(min=1), default=None, metavar="N",
              help="Also the rate: matches per N passages (documents) that have the value.")
@format_option
@click.option("--plot", "plot_file", metavar="FILE", default=None,
              help="Also draw a chart into FILE (.svg, .png or .pdf); needs pip install 'searchkit[plot]'.")
@all_kinds_option
@color_option
@click.option("--width", type=click.IntRange(min=40), default=None, metavar="W",
              help="Table width in characters (default: the terminal's, or 80).")
@index_option
@click.pass_context
@handle_errors
def count_cmd(ctx: click.Context, query: str, by: str, docs: bool, per: Optional[int], fmt: str,
              plot_file: Optional[str], all_kinds: bool, color: str, width: Optional[int],
              index_dir: Optional[str]) -> None:
    """Count matching passages per year (month, country, speaker, ...); exit 1 when nothing matches.

    QUERY is read as search reads it; search's kinds rule applies (titles and body unless kind: or
    --all-kinds). Years with no match count 0 between the index's first and last year.
    """
    from searchkit.render import counts as render
    from searchkit.search.counts import count

    text_only(ctx, fmt, "color", "width")
    if plot_file:
        from searchkit.render.plot import check_plot

        check_plot(Path(plot_file))
    searcher = open_searcher(ctx, index_dir)
    try:
        counts = count(searcher, query, [f.strip() for f in by.split(",")], docs=docs, per=per, all_kinds=all_kinds)
    finally:
        searcher.release()
    limited(counts.limits)
    if not counts.matched:
        why = f" ({counts.note})" if counts.note else ""
        warn(f"no {counts.unit} match {query!r}{why}")
        ctx.exit(int(ExitCode.NOT_FOUND))
    if fmt == "json":
        echo_all(render.counts_json(counts))
    elif fmt == "csv":
        echo_all(render.counts_csv(counts))
    else:
        painted = use_color(color)
        echo_all(render.counts_text(counts, terminal_width(width), painted), painted)
    if plot_file:
        from searchkit.render.plot import plot_counts

        plot_counts(counts, Path(plot_file))


@click.command("kwic")
@click.argument("query")
@click.option("-n", "limit", type=click.IntRange(min=0), default=100, show_default=True,
              help="Occurrences to show (0: all).")
@click.option("--width", type=click.IntRange(min=5), default=None, metavar="W",
              help="Characters of context on each side (default: as many as fit the terminal; 40 in json and csv).")
@click.option("--sort", type=click.Choice(["score", "date", "right", "left"]), default="score", show_default=True,
              help="Passages best first or newest first; or every occurrence by the words after (before) it.")
@format_option
@all_kinds_option
@color_option
@index_option
@click.pass_context
@handle_errors
def kwic_cmd(ctx: click.Context, query: str, limit: int, width: Optional[int], sort: str, fmt: str,
             all_kinds: bool, color: str, index_dir: Optional[str]) -> None:
    """A concordance: every occurrence of what QUERY matches, one line each, with its context and where
    it was said; exit 1 when nothing matches."""
    from searchkit.render import kwic as render
    from searchkit.search.kwic import CONTEXT, concordance

    text_only(ctx, fmt, "color")
    searcher = open_searcher(ctx, index_dir)
    try:
        context = width or (CONTEXT if fmt != "text" else 2 * CONTEXT)
        conc = concordance(searcher, query, limit or None, sort, context, all_kinds)
    finally:
        searcher.release()
    limited(conc.limits)
    if not conc.lines:
        why = f" ({conc.note})" if conc.note else ""
        warn(f"no occurrences of {query!r}{why}" if conc.passages else f"no passages match {query!r}{why}")
        ctx.exit(int(ExitCode.NOT_FOUND))
    if fmt == "json":
        echo_all(render.kwic_json(conc))
    elif fmt == "csv":
        echo_all(render.kwic_csv(conc))
    else:
        painted = use_color(color)
        echo_all(render.kwic_text(conc, terminal_width(None), width or 0, painted), painted)
    if conc.more:
        warn(f"the first {len(conc.lines)} occurrences, of {conc.passages:,} matching passages; "
             "-n N shows more, -n 0 all")


@click.command("terms")
@click.argument("query")
@click.option("--by", "by", default=None, metavar="FIELD",
              help="Per value of year, month, country, speaker, source, kind, turn or doc (the six with most matches).")
@click.option("-n", "limit", type=click.IntRange(min=1), default=20, show_default=True, help="Terms per list.")
@format_option
@all_kinds_option
@index_option
@click.pass_context
@handle_errors
def terms_cmd(ctx: click.Context, query: str, by: Optional[str], limit: int, fmt: str, all_kinds: bool,
              index_dir: Optional[str]) -> None:
    """The words and two-word phrases most typical of the passages QUERY matches, against the rest of the
    index (log-likelihood keyness); exit 1 when nothing matches."""
    from searchkit.render import terms as render
    from searchkit.search.terms import keyness

    searcher = open_searcher(ctx, index_dir)
    try:
        found = keyness(searcher, query, by.strip() if by else None, limit, all_kinds)
    finally:
        searcher.release()
    limited(found.limits)
    if not found.groups:
        why = f" ({found.note})" if found.note else ""
        warn(f"no passages match {query!r}{why}")
        ctx.exit(int(ExitCode.NOT_FOUND))
    echo_all({"json": render.terms_json, "csv": render.terms_csv}.get(fmt, render.terms_text)(found))
