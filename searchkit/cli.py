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
