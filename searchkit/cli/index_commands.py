"""Commands that build and look after the index: index, sources, stats, verify, serve, export."""

from __future__ import annotations

import contextlib
import signal
import sys
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import click

from searchkit.cli.common import (
    CliError,
    given,
    handle_errors,
    index_option,
    index_path,
    noted,
    warn,
)


@click.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--prune/--no-prune", default=True, show_default=True,
              help="Drop documents whose files are gone (only under the paths scanned).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, show_default="the number of CPUs",
              help="Processes that read, segment and analyse documents.")
@click.option("--rebuild", is_flag=True,
              help="Start the index afresh from the PATHs given, else from the recorded sources.")
@click.option("--watch", is_flag=True, help="Keep running: index changes as files appear (Ctrl-C stops).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@index_option
@click.pass_context
@handle_errors
def index_cmd(ctx: click.Context, paths: tuple[str, ...], prune: bool, jobs: Optional[int], rebuild: bool,
              watch: bool, as_json: bool, index_dir: Optional[str]) -> None:
    """Index .txt and .jsonl files or folders (default: the recorded sources, or the seeds)."""
    from searchkit.indexing.run import check_paths
    from searchkit.indexing.workers import default_jobs

    jobs = jobs or default_jobs()
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
    from searchkit.indexing.run import run_index
    from searchkit.render.text import report_json, report_text
    from searchkit.store.store import Store

    with Store.writing(directory, rebuild=rebuild, on_wait=warn, keep_sources=not paths) as store, \
            ProgressBar() as bar:
        report = run_index(noted(store), paths, prune=prune, jobs=jobs, warn=bar.warn, progress=bar.update)
    if not (quiet_if_unchanged and not (report.added or report.updated or report.removed or report.skipped)):
        click.echo(report_json(report) if as_json else report_text(report))
    return report


def watch_sources(directory: Path, paths: list[str], prune: bool, jobs: int, as_json: bool) -> None:
    from searchkit.indexing.watch import watch
    from searchkit.store.store import Store

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


@click.command("sources")
@click.option("--forget", metavar="PATH", default=None, help="Drop a recorded source and its documents.")
@index_option
@click.pass_context
@handle_errors
def sources_cmd(ctx: click.Context, forget: Optional[str], index_dir: Optional[str]) -> None:
    """List the recorded sources (path, tab, documents), or forget one."""
    from searchkit.indexing.run import forget_source
    from searchkit.ingest.files import safe_name, within
    from searchkit.store.store import Store

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


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@index_option
@click.pass_context
@handle_errors
def stats_cmd(ctx: click.Context, as_json: bool, index_dir: Optional[str]) -> None:
    """Documents, passages, sources, size and last update of the index."""
    import json
    from dataclasses import asdict

    from searchkit.store.status import stats
    from searchkit.store.store import Store

    result = stats(noted(Store.open(index_path(ctx, index_dir))))
    if as_json:
        click.echo(json.dumps(asdict(result), ensure_ascii=False, separators=(",", ":")))
        return
    click.echo(f"documents    {result.documents}")
    click.echo(f"passages     {result.passages}")
    click.echo(f"index_bytes  {result.index_bytes} ({result.index_bytes / 2**20:.1f} MB)")
    click.echo(f"last_update  {result.last_update or 'never'}")
    for number, source in enumerate(result.sources):
        click.echo(f"{'sources' if number == 0 else '':<12} {source}")


@click.command("verify")
@index_option
@click.pass_context
@handle_errors
def verify_cmd(ctx: click.Context, index_dir: Optional[str]) -> None:
    """Read every stored passage and check the index against its manifest; exit 2 on damage."""
    from searchkit.store.status import MAX_PROBLEMS, verify_newest

    result = verify_newest(index_path(ctx, index_dir))
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


@click.command("serve")
@click.option("--stop", is_flag=True, help="Stop the server of this index, and wait until it is gone.")
@click.option("--workers", type=click.IntRange(min=1, max=64), default=4, show_default=True, metavar="N",
              help="Requests answered at once, each by a worker process.")
@click.option("--idle", type=click.FloatRange(min=1), default=None, metavar="SECONDS",
              help="Stop after this long without a request (how a server started on first use stops).")
@index_option
@click.pass_context
@handle_errors
def serve_cmd(ctx: click.Context, stop: bool, workers: int, idle: Optional[float], index_dir: Optional[str]) -> None:
    """Keep the index open so that each `searchkit search` answers at once (stop: --stop or Ctrl-C)."""
    from searchkit.cli.serve import serve, stop_server

    directory = index_path(ctx, index_dir)
    if stop:
        if given(ctx, "workers") or given(ctx, "idle"):
            raise CliError("--workers and --idle apply to starting a server, not to --stop; drop them")
        warn(f"stopped the server of {directory}" if stop_server(directory) else f"no server runs for {directory}")
        return
    serve(directory, ctx.find_root().command, note=warn, workers=workers, idle=idle)
    warn(f"stopped serving {directory}")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json"]), default="jsonl", show_default=True,
              help="Output format: one JSON object per passage and line (json means the same).")
@index_option
@click.pass_context
@handle_errors
def export_cmd(ctx: click.Context, fmt: str, index_dir: Optional[str]) -> None:
    """Print every passage with its metadata, in reading order (for inspection or another engine)."""
    from searchkit.store.export import json_lines
    from searchkit.store.store import Store

    for line in json_lines(Store.open(index_path(ctx, index_dir))):
        click.echo(line)
