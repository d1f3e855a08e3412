"""The ``searchkit`` command group. Commands live in ``cli_index``, ``cli_search`` and ``cli_cite``;
the ``cli*`` modules are the only ones that print or exit."""

from __future__ import annotations

import click

from searchkit import __version__
from searchkit.cli.analysis_commands import count_cmd, kwic_cmd, terms_cmd
from searchkit.cli.cite_command import cite_cmd
from searchkit.cli.common import (
    DEFAULT_INDEX,
    Group,
)
from searchkit.cli.index_commands import (
    export_cmd,
    index_cmd,
    serve_cmd,
    sources_cmd,
    stats_cmd,
    verify_cmd,
)
from searchkit.cli.search_commands import search_cmd, show_cmd
from searchkit.cli.web_command import web_cmd


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--index", "index_dir", metavar="DIR", envvar="SEARCHKIT_INDEX", default=DEFAULT_INDEX, show_default=True,
    help="Index directory; also $SEARCHKIT_INDEX.",
)
@click.version_option(__version__, prog_name="searchkit")
def main(index_dir: str) -> None:
    """Full-text search over policy statements: speeches, press conferences, diplomatic news."""


main.add_command(index_cmd)
main.add_command(sources_cmd)
main.add_command(stats_cmd)
main.add_command(verify_cmd)
main.add_command(search_cmd)
main.add_command(show_cmd)
main.add_command(cite_cmd)
main.add_command(export_cmd)
main.add_command(serve_cmd)
main.add_command(web_cmd)
main.add_command(count_cmd)
main.add_command(kwic_cmd)
main.add_command(terms_cmd)
