"""The ``searchkit`` command: the only module that prints or exits."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import click
from click.core import ParameterSource

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


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--index", "index_dir", metavar="DIR", envvar="SEARCHKIT_INDEX", default=DEFAULT_INDEX, show_default=True,
    help="Index directory; also $SEARCHKIT_INDEX.",
)
@click.version_option(__version__, prog_name="searchkit")
def main(index_dir: str) -> None:
    """Full-text search over policy statements: speeches, press conferences, diplomatic news."""


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--prune/--no-prune", default=True, show_default=True,
              help="Drop documents whose files are gone (only under the paths scanned).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes that read, segment and analyse documents.")
@click.option("--rebuild", is_flag=True,
              help="Start the index afresh from the PATHs given, else from the recorded sources.")
@click.option("--watch", is_flag=True, help="Keep running: index changes as files appear (Ctrl-C stops).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@index_option
@click.pass_context
@handle_errors
def index_cmd(ctx: click.Context, paths: tuple[str, ...], prune: bool, jobs: int, rebuild: bool, watch: bool,
              as_json: bool, index_dir: Optional[str]) -> None:
    """Index .txt and .jsonl files or folders (default: the recorded sources, or the seeds)."""
    from .indexer import check_paths

    directory = index_path(ctx, index_dir)
    if rebuild and given(ctx, "prune"):
        raise CliError("--rebuild starts a fresh index, which has nothing to prune; drop --prune/--no-prune")
    check_paths(list(paths))  # before touching the index, so that a typo creates nothing
    with sigterm_as_interrupt():
        report = index_once(directory, list(paths), prune, jobs, rebuild, as_json)
        if report.failed and not (report.added or report.updated or report.unchanged or report.removed):
            raise CliError("no input could be indexed; see the messages above")
        if watch:
            watch_sources(directory, list(paths), prune, jobs, as_json)


def index_once(directory: Path, paths: list[str], prune: bool, jobs: int, rebuild: bool, as_json: bool,
               quiet_if_unchanged: bool = False) -> Any:
    from .index import Store
    from .indexer import run_index
    from .render import report_json, report_text

    with Store.writing(directory, rebuild=rebuild, on_wait=warn, keep_sources=not paths) as store, \
            ProgressBar() as bar:
        for note in store.notes:
            warn(note)
        report = run_index(store, paths, prune=prune, jobs=jobs, warn=bar.warn, progress=bar.update)
    if not (quiet_if_unchanged and not (report.added or report.updated or report.removed or report.skipped)):
        click.echo(report_json(report) if as_json else report_text(report))
    return report


def watch_sources(directory: Path, paths: list[str], prune: bool, jobs: int, as_json: bool) -> None:
    from .index import Store
    from .watch import watch

    roots = [Path(p) for p in paths] or [Path(s) for s in Store.open(directory).manifest.sources]
    warn(f"watching {len(roots)} source(s) for changes; Ctrl-C stops")
    try:
        watch(roots, directory, lambda: index_once(directory, paths, prune, jobs, False, as_json, True))
    except KeyboardInterrupt:
        warn("stopped watching")


class ProgressBar:
    """A progress bar on stderr, only on a terminal and only once a run has taken more than a second."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: Any = None
        self.done = 0

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.render_finish()

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < 1.0 or not sys.stderr.isatty():
                return
            self.bar = click.progressbar(length=total, label="indexing", file=sys.stderr, show_pos=True)
            self.bar.render_progress()
        self.bar.update(done - self.done)
        self.done = done

    def warn(self, message: str) -> None:
        if self.bar is not None:
            click.echo("\r\x1b[K", nl=False, err=True)  # clear the bar's line; it redraws on the next update
        warn(message)


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """``kill`` stops an index run like Ctrl-C does: cleanly, keeping the last commit."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (e.g. embedded): leave SIGTERM alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@main.command("sources")
@click.option("--forget", metavar="PATH", default=None, help="Drop a recorded source and its documents.")
@index_option
@click.pass_context
@handle_errors
def sources_cmd(ctx: click.Context, forget: Optional[str], index_dir: Optional[str]) -> None:
    """List the recorded sources (path, tab, documents), or forget one."""
    from .index import Store
    from .indexer import forget_source
    from .ingest import safe_name, within

    directory = index_path(ctx, index_dir)
    if forget is None:
        store = Store.open(directory)
        for source in store.manifest.sources:
            held = sum(1 for r in store.manifest.docs.values() if within(r.path, source))
            click.echo(f"{safe_name(source)}\t{held}")
        return
    Store.open(directory)  # a missing or incompatible index fails here, without creating anything
    with Store.writing(directory, on_wait=warn) as store:
        removed = forget_source(store, forget)
        warn(f"forgot {forget}: {removed} documents removed; the index holds {len(store.manifest.docs)}")


@main.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@index_option
@click.pass_context
@handle_errors
def stats_cmd(ctx: click.Context, as_json: bool, index_dir: Optional[str]) -> None:
    """Documents, passages, sources, size and last update of the index."""
    import json
    from dataclasses import asdict

    from .index import Store
    from .status import stats

    store = Store.open(index_path(ctx, index_dir))
    for note in store.notes:
        warn(note)
    result = stats(store)
    if as_json:
        click.echo(json.dumps(asdict(result), ensure_ascii=False, separators=(",", ":")))
        return
    click.echo(f"documents    {result.documents}")
    click.echo(f"passages     {result.passages}")
    click.echo(f"index_bytes  {result.index_bytes} ({result.index_bytes / 2**20:.1f} MB)")
    click.echo(f"last_update  {result.last_update or 'never'}")
    for number, source in enumerate(result.sources):
        click.echo(f"{'sources' if number == 0 else '':<12} {source}")


@main.command("verify")
@index_option
@click.pass_context
@handle_errors
def verify_cmd(ctx: click.Context, index_dir: Optional[str]) -> None:
    """Read every stored passage and check the index against its manifest; exit 2 on damage."""
    from .index import Store
    from .status import MAX_PROBLEMS, verify

    result = verify(Store.open(index_path(ctx, index_dir)))
    if not result.problems:
        click.echo(f"ok: {result.documents} documents, {result.passages} passages (commit {result.generation}) "
                   f"read in {result.seconds:.2f} s")
        return
    for problem in result.problems[:MAX_PROBLEMS]:
        warn(f"verify: {problem}")
    more = len(result.problems) - MAX_PROBLEMS
    if more > 0:
        warn(f"verify: ... and {more} more problems")
    raise CliError(f"verify failed: {len(result.problems)} problems in {result.passages} passages; "
                   "rebuild with: searchkit index --rebuild")


FORMATS = ("text", "json", "jsonl", "csv", "html", "trec")


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


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """How a search prints: the format, and how much of each passage the text and html formats show."""
    options = [
        click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
                     help="text (default), json (one object a line; jsonl is the same), csv (a header row), "
                          "html (a fragment, matches in <mark>)."),
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


def given(ctx: click.Context, name: str) -> bool:
    """Whether the user typed ``name`` (rather than it taking its default)."""
    return ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT)


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


def make_view(width: Optional[int], color: str, fragments: int = 2, full: bool = False) -> Any:
    from .render import View

    width = width or shutil.get_terminal_size((80, 24)).columns
    return View(width=width, count=fragments, full=full, color=use_color(color))


def emit_search(result: Any, fmt: str, view: Any) -> None:
    """Print ``result`` in ``fmt`` on stdout."""
    from . import formats, render

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


@main.command("search")
@click.argument("query", required=False)
@click.option("-n", "limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="Hits per page (per query with --batch).")
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Page of hits to show.")
@click.option("--by-doc", is_flag=True, help="One hit per document: its best passage, and how many more matched.")
@click.option("--sort", type=click.Choice(["score", "date"]), default="score", show_default=True,
              help="Best first, or newest first (undated last).")
@click.option("--all-kinds", is_flag=True, help="Also search captions, boilerplate and teasers.")
@click.option("--explain", is_flag=True, help="Show the query as read and each hit's score parts.")
@click.option("--batch", "batch_file", metavar="FILE",
              help="Run every query of FILE (ID<TAB>text a line, or JSONL {\"id\",\"text\"}; - for stdin); "
                   "--format jsonl (default) or trec.")
@output_options
@index_option
@click.pass_context
@handle_errors
def search_cmd(ctx: click.Context, query: Optional[str], limit: int, page: int, by_doc: bool, sort: str,
               all_kinds: bool, explain: bool, batch_file: Optional[str], fmt: Optional[str], as_json: bool,
               color: str, fragments: int, width: Optional[int], full: bool, index_dir: Optional[str]) -> None:
    """Search passages; exit 0 when something is found, 1 when nothing is."""
    from .index import Store
    from .search import Options, Searcher

    if (query is None) == (batch_file is None):
        raise CliError("give a QUERY or --batch FILE (see searchkit search --help)")
    fmt = batch_format(ctx, fmt, as_json) if batch_file is not None else output_format(ctx, fmt, as_json)
    options = Options(limit=limit, page=page, by_doc=by_doc, sort=sort, all_kinds=all_kinds, explain=explain,
                      highlight=fmt != "trec")
    searcher = Searcher.of(Store.open_cached(index_path(ctx, index_dir)))
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
    from .render import explain_lines

    result = searcher.search(query, options)
    if options.explain and fmt == "text":
        for line in explain_lines(result):
            click.echo(line)
    emit_search(result, fmt, view)
    if result.suggestion:
        warn(f"did you mean: {result.suggestion}")
    if result.hits:
        return ExitCode.FOUND
    if fmt == "text":
        why = f" ({result.note})" if result.note else ""
        warn(f"no passages match {query!r}{why}" if result.total == 0 else f"no hits on page {options.page} of {query!r}")
    return ExitCode.NOT_FOUND


def search_batch(searcher: Any, batch_file: str, options: Any, fmt: str) -> ExitCode:
    """Every query of the file; exit 0 when each found something, 1 when some did not, 2 if a line was unusable."""
    from .batch import hit_record, queries_from, trec_line
    from .errors import QueryError
    from .render import hit_keys

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
        all_found = all_found and bool(result.hits)
        for hit in result.hits:
            if fmt == "trec":
                click.echo(trec_line(item.id, hit.doc_id if options.by_doc else hit.passage_id, hit.rank, hit.score))
            else:
                click.echo(hit_record(item.id, hit, hit_keys(hit)))
    if failed:
        return ExitCode.ERROR
    return ExitCode.FOUND if all_found else ExitCode.NOT_FOUND


def read_input(name: str, what: str) -> tuple[str, str]:
    """A text input file (``-`` for stdin), decoded as the indexer decodes text (UTF-8, else cp1252)."""
    from .ingest import decode

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


@main.command("show")
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
    from .index import Store
    from .lookup import show
    from .render import show_json, show_text

    for name in ("color", "width"):
        if as_json and given(ctx, name):
            raise CliError(f"--{name} does not apply to --json; drop it")
    store = Store.open(index_path(ctx, index_dir))
    shown = show(store, ident, context=context, query=query)
    if shown is None:
        warn(f"no passage or document {ident!r} in the index; IDs are as search prints them (doc_id#para)")
        ctx.exit(int(ExitCode.NOT_FOUND))
    if shown.whole and given(ctx, "context"):
        raise CliError(f"{ident!r} is a whole document, so --context does not apply; give a passage ID (doc_id#para)")
    view = make_view(width, color)
    for line in show_json(shown) if as_json else show_text(shown, view):
        click.echo(line, color=view.color)


@main.command("serve")
@click.option("--stop", is_flag=True, help="Stop the server of this index, and wait until it is gone.")
@index_option
@click.pass_context
@handle_errors
def serve_cmd(ctx: click.Context, stop: bool, index_dir: Optional[str]) -> None:
    """Keep the index open so that each `searchkit search` answers at once (stop: --stop or Ctrl-C)."""
    from .serve import serve, stop_server

    directory = index_path(ctx, index_dir)
    if stop:
        warn(f"stopped the server of {directory}" if stop_server(directory) else f"no server runs for {directory}")
        return
    serve(directory, note=warn)
    warn(f"stopped serving {directory}")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True,
              help="Output format: one JSON object per passage and line (json means the same).")
@index_option
@click.pass_context
@handle_errors
def export_cmd(ctx: click.Context, fmt: str, index_dir: Optional[str]) -> None:
    """Print every passage with its metadata, in reading order (for inspection or another engine)."""
    from .export import json_lines
    from .index import Store

    for line in json_lines(Store.open(index_path(ctx, index_dir))):
        click.echo(line)
