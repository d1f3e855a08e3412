"""``searchkit web``: the index as a read-only web site on a local port (``searchkit.web``)."""

from __future__ import annotations

from typing import Optional

import click

from searchkit.cli.common import handle_errors, index_option, index_path, warn


@click.command("web")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines read the index "
                   "(a warning says so).")
@click.option("--open", "open_browser", is_flag=True, help="Open the search page in the default browser.")
@index_option
@click.pass_context
@handle_errors
def web_cmd(ctx: click.Context, port: int, host: str, open_browser: bool, index_dir: Optional[str]) -> None:
    """Serve the index read-only as web pages: search, passage, cite, export, and each page's data as JSON."""
    from searchkit.web.server import serve

    directory = index_path(ctx, index_dir)
    serve(directory, host, port, open_browser, note=warn)
    warn(f"stopped serving {directory}")
