"""The ``searchkit`` command: the only module that prints or exits."""

from __future__ import annotations

import functools
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import click

from . import __version__
from .errors import ExitCode, SearchkitError

DEFAULT_INDEX = "index"


class CliError(click.ClickException):
    """A library error shown as one line on stderr, exit status 2."""

    exit_code = int(ExitCode.ERROR)

    def show(self, file: Any = None) -> None:
        click.echo(f"searchkit: {self.format_message()}", err=True)


def warn(message: str) -> None:
    click.echo(f"searchkit: {message}", err=True)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the package's exceptions (and OS errors) into one-line click errors."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except SearchkitError as exc:
            raise CliError(str(exc)) from None
        except BrokenPipeError:
            # The reader (head, less) went away: stop quietly, as grep does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(int(ExitCode.FOUND))
        except OSError as exc:
            raise CliError(f"{exc.filename or 'I/O'}: {exc.strerror or exc}; check the path and free space") from None
        except KeyboardInterrupt:
            raise CliError("interrupted; the index keeps its last complete commit") from None

    return wrapper


def index_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--index DIR`` on a command: wins over the group's ``--index`` and ``$SEARCHKIT_INDEX``."""
    return click.option(
        "--index", "index_dir", metavar="DIR", default=None, help="Index directory (overrides the group's)."
    )(func)


def index_path(ctx: click.Context, index_dir: Optional[str]) -> Path:
    return Path(index_dir or ctx.find_root().params.get("index_dir") or DEFAULT_INDEX)


def use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--index", "index_dir", metavar="DIR", envvar="SEARCHKIT_INDEX", default=DEFAULT_INDEX, show_default=True,
    help="Index directory; also $SEARCHKIT_INDEX.",
)
@click.version_option(__version__, prog_name="searchkit")
def main(index_dir: str) -> None:
    """Full-text search over policy statements: speeches, press conferences, diplomatic news."""


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--prune/--no-prune", default=True, help="Drop documents whose files are gone (under the roots scanned).")
@click.option("--rebuild", is_flag=True, help="Start the index afresh.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@index_option
@click.pass_context
@handle_errors
def index_cmd(ctx: click.Context, paths: tuple[str, ...], prune: bool, rebuild: bool, as_json: bool,
              index_dir: Optional[str]) -> None:
    """Index .txt and .jsonl files or folders (default: the recorded sources, or the seeds)."""
    from .index import Store
    from .indexer import check_paths, run_index
    from .render import report_json, report_text

    directory = index_path(ctx, index_dir)
    check_paths(list(paths))  # before touching the index, so that a typo creates nothing
    store = Store.open_or_create(directory, rebuild=rebuild)
    report = run_index(store, list(paths), prune=prune, warn=warn)
    click.echo(report_json(report) if as_json else report_text(report))
    if report.failed and not (report.added or report.updated or report.unchanged or report.removed):
        raise CliError("no input could be indexed; see the messages above")


@main.command("search")
@click.argument("query")
@click.option("-n", "limit", type=click.IntRange(min=1), default=10, show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page of hits to show.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit, one per line.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour matches (auto: only on a terminal; NO_COLOR respected).")
@click.option("--width", type=click.IntRange(min=20), default=None, help="Line width (default: terminal's, or 80).")
@index_option
@click.pass_context
@handle_errors
def search_cmd(ctx: click.Context, query: str, limit: int, page: int, as_json: bool, color: str,
               width: Optional[int], index_dir: Optional[str]) -> None:
    """Search passages; exit 0 when something is found, 1 when nothing is."""
    from .index import Store
    from .render import hit_json, search_text
    from .search import search

    store = Store.open(index_path(ctx, index_dir))
    result = search(store, query, limit=limit, page=page)
    if as_json:
        for hit in result.hits:
            click.echo(hit_json(hit))
    else:
        width = width or shutil.get_terminal_size((80, 24)).columns
        colored = use_color(color)
        for line in search_text(result, colored, width):
            click.echo(line, color=colored)  # click strips escapes off a non-terminal unless told
    if not result.hits:
        if not as_json:
            warn(f"no passages match {query!r}")
        ctx.exit(int(ExitCode.NOT_FOUND))


@main.command("cite")
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
    from .cite import Citer
    from .index import Store

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
    from .cite_render import citation_json, cite_lines

    cites = citer.cite(quote)
    for cite in cites:
        if as_json:
            click.echo(citation_json(cite))
    if not as_json:
        for line in cite_lines(cites):
            click.echo(line)
    return ExitCode.FOUND if cites[0].verdict == "exact" else ExitCode.NOT_FOUND


def _quotation_items(batch_file: Optional[str], draft_file: Optional[str]) -> list[Any]:
    """The quotations of a batch file or a draft, read as the indexer reads text (UTF-8, else cp1252)."""
    from .ingest import decode
    from .quotes import from_batch, from_draft, looks_jsonl

    name = str(batch_file or draft_file)
    if name == "-":
        data = sys.stdin.buffer.read()
    elif not Path(name).is_file():
        raise CliError(f"{name}: no such file; check the path and try again")
    else:
        data = Path(name).read_bytes()
    if b"\0" in data[:8192]:
        raise CliError(f"{name} looks binary (it holds NUL bytes); give a text file of quotations")
    raw, encoding = decode(data)
    if encoding != "utf-8":
        warn(f"{name}: not UTF-8, read as {encoding}")
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
    from .cite_render import citation_json, cite_lines
    from .errors import QueryError

    all_exact, failed = bool(items), 0
    for item in items:
        try:
            cites = [] if item.error else citer.cite(item.text)
        except QueryError as exc:
            item.error = str(exc)
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
