"""What every ``searchkit`` command shares: one-line errors, ``--index``, colour and width options."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import click
from click.core import ParameterSource

from searchkit.errors import ExitCode, SearchkitError

DEFAULT_INDEX = "index"


class CliError(click.ClickException):
    """A library error shown as one line on stderr, exit status 2."""

    exit_code = int(ExitCode.ERROR)

    def show(self, file: Any = None) -> None:
        click.echo(f"searchkit: {self.format_message()}", err=True)


def warn(message: str) -> None:
    click.echo(f"searchkit: {message}", err=True)


def noted(store: Any) -> Any:
    """``store``, once the user has heard what opening it involved (e.g. answering from the commit before
    an unreadable newest one)."""
    for note in store.notes:
        warn(note)
    return store


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
            raise CliError(
                "interrupted; the index keeps its last commit: run the same command again to continue"
            ) from None

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


@contextlib.contextmanager
def one_line_usage() -> Iterator[None]:
    """A usage error (an unknown option, a bad value) as one line on stderr like every other error, where
    click prints four: usage, hint, blank line, message."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # a bare ``searchkit``: the help is the answer
    except click.UsageError as exc:
        message = exc.format_message().strip().rstrip(".")
        if message[:2].istitle():
            message = message[0].lower() + message[1:]  # "Invalid value" -> "invalid value", as ours read
        # "searchkit" whatever the program was called as (python -m, a test runner)
        where = " ".join(["searchkit", *(exc.ctx.command_path.split()[1:] if exc.ctx else [])])
        raise CliError(f"{message} (see {where} --help)") from None


class Group(click.Group):
    """The ``searchkit`` group: usage errors of the group and of every command are one line."""

    def make_context(self, info_name: Optional[str], args: list[str], parent: Optional[click.Context] = None,
                     **extra: Any) -> click.Context:
        with one_line_usage():
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with one_line_usage():
            return super().invoke(ctx)


def color_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
        help="Colour matches (auto: only on a terminal; NO_COLOR respected).",
    )(func)


def width_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--width", type=click.IntRange(min=20), default=None, metavar="W",
        help="Line width in characters; a fragment is two lines of it (default: the terminal's, or 80).",
    )(func)


def given(ctx: click.Context, name: str) -> bool:
    """Whether the user typed ``name`` (rather than it taking its default)."""
    return ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)


def make_view(width: Optional[int], color: str, fragments: int = 2, full: bool = False) -> Any:
    from searchkit.render.text import View

    width = width or shutil.get_terminal_size((80, 24)).columns
    return View(width=width, count=fragments, full=full, color=use_color(color))


def read_input(name: str, what: str) -> tuple[str, str]:
    """A text input file (``-`` for stdin), decoded as the indexer decodes text (UTF-8, else cp1252)."""
    from searchkit.ingest.files import decode

    if name == "-":
        data = sys.stdin.buffer.read()
    elif not Path(name).is_file():
        raise CliError(f"{name}: no such file; check the path and try again")
    else:
        data = Path(name).read_bytes()
    if b"\0" in data[:8192]:
        raise CliError(f"{name} looks binary (it holds NUL bytes); give a text file of {what}")
    raw, encoding = decode(data)
    if encoding != "utf-8":
        warn(f"{name}: not UTF-8, read as {encoding}")
    return raw, name
