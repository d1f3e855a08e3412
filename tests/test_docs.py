"""Docs cannot drift: every command has help and a section in the README."""

from __future__ import annotations

from click.testing import CliRunner

from searchkit.cli.main import main
from tests.conftest import REPO


def test_every_command_has_help_and_a_readme_section():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help"
        assert f"### `searchkit {name}" in readme, f"README has no section for {name}"
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.stdout
