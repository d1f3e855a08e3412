"""Docs cannot drift from the code: commands, options, examples and links are checked against it.

An example is a ```console block placed right after a line ``<!-- example -->`` in README.md or docs/cli.md.
Each ``$ `` line in it is a command and the lines up to the next ``$ `` line are what it prints: its stderr,
then its stdout (how a terminal shows a command whose notes come before its results), then, for a command
ending in ``; echo $?``, its exit status. ``...`` in the expected text matches anything (doctest's ELLIPSIS),
for what changes from run to run: times, sizes, absolute paths. ``searchkit`` runs in this process through
click's CliRunner, in a folder holding a copy of the seeds and an index of them in ``./index``; what follows
a ``|`` is a shell filter fed its stdout (the example is skipped when the filter's program is missing), and
any other command runs in a shell in that folder.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from searchkit.cli.main import main
from tests.conftest import REPO, SEEDS

README = REPO / "README.md"
CLI_MD = REPO / "docs" / "cli.md"
MARKER = "<!-- example -->"
README_MAX_LINES = 200
# Every command takes these; docs/cli.md documents them once, before the commands.
COMMON_OPTIONS = {"--index", "--help", "-h"}


def sections(text: str) -> dict[str, str]:
    """Each ``### `searchkit NAME ...` `` section of docs/cli.md, up to the next heading."""
    found = {}
    for match in re.finditer(r"^### `searchkit (\w+)[^\n]*\n(.*?)(?=^#{1,3} |\Z)", text, re.M | re.S):
        found[match.group(1)] = match.group(2)
    return found


def test_every_command_has_help_and_a_section_in_cli_md():
    documented = sections(CLI_MD.read_text(encoding="utf-8"))
    for name, command in main.commands.items():
        assert command.help, f"{name} has no help"
        assert name in documented, f"docs/cli.md has no section ### `searchkit {name}`"
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.stdout
    assert set(documented) <= set(main.commands), f"docs/cli.md documents no such command: {set(documented) - set(main.commands)}"


def option_names(command: click.Command) -> list[str]:
    return [name for param in command.params if isinstance(param, click.Option)
            for name in (*param.opts, *param.secondary_opts)]


def mentioned(name: str, text: str) -> bool:
    """``name`` written as an option, not as the start of a longer one (``--format`` is not ``--formats``)."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_of_a_command_is_in_its_section(name):
    section = sections(CLI_MD.read_text(encoding="utf-8"))[name]
    missing = [o for o in option_names(main.commands[name]) if o not in COMMON_OPTIONS and not mentioned(o, section)]
    assert not missing, f"docs/cli.md's section on searchkit {name} does not mention {missing}"


def test_options_every_command_takes_are_documented_before_the_commands():
    intro = CLI_MD.read_text(encoding="utf-8").split("\n### ", 1)[0]
    for name in [*option_names(main), "--index"]:
        if name not in ("--help", "-h"):
            assert mentioned(name, intro), f"docs/cli.md does not say what {name} does before the commands"


@dataclass
class Example:
    path: Path
    line: int
    steps: list[tuple[str, str]]  # (command, expected output)

    @property
    def indexes(self) -> bool:
        return any(re.match(r"searchkit index\b", command) for command, _ in self.steps)


def examples(path: Path) -> list[Example]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for i, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        assert lines[i + 1] == "```console", f"{path.name}:{i + 1}: {MARKER} must be followed by a ```console block"
        end = lines.index("```", i + 2)
        steps: list[tuple[str, str]] = []
        for body in lines[i + 2:end]:
            if body.startswith("$ "):
                steps.append((body[2:], ""))
            else:
                assert steps, f"{path.name}:{i + 3}: an example starts with a $ line"
                steps[-1] = (steps[-1][0], steps[-1][1] + body + "\n")
        found.append(Example(path, i + 1, steps))
    return found


EXAMPLES = examples(README) + examples(CLI_MD)


def test_enough_examples_are_checked():
    commands = {shlex.split(c)[1] for e in EXAMPLES for c, _ in e.steps if c.startswith("searchkit ")}
    assert len([s for e in EXAMPLES for s in e.steps]) >= 8
    assert {"index", "search", "show", "cite", "stats"} <= commands


def split_pipe(command: str) -> tuple[str, str]:
    """The command before the first ``|`` outside quotes, and the filter after it ("" when none)."""
    quote = ""
    for i, char in enumerate(command):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "|":
            return command[:i].strip(), command[i + 1:].strip()
    return command, ""


def run_step(command: str, folder: Path) -> str:
    """What the terminal shows for one ``$`` line of an example."""
    echo_status = command.endswith("; echo $?")
    command = command.removesuffix("; echo $?")
    if not command.startswith("searchkit "):
        done = subprocess.run(command, shell=True, cwd=folder, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        return done.stderr + done.stdout
    command, pipe = split_pipe(command)
    if pipe and not shutil.which(shlex.split(pipe)[0]):
        pytest.skip(f"{shlex.split(pipe)[0]} is not installed")
    result = CliRunner().invoke(main, shlex.split(command)[1:])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    out = result.stdout
    if pipe:
        done = subprocess.run(pipe, shell=True, cwd=folder, input=out, capture_output=True, text=True)
        assert done.returncode == 0, f"{pipe}: {done.stderr}"
        out = done.stdout
    return result.stderr + out + (f"{result.exit_code}\n" if echo_status else "")


@pytest.fixture(scope="module")
def seeds_folder(tmp_path_factory) -> Path:
    """A folder holding a copy of the seeds and their index in ./index, shared by the examples that only read."""
    folder = tmp_path_factory.mktemp("docs")
    shutil.copytree(SEEDS, folder / "seeds")
    result = CliRunner().invoke(main, ["--index", str(folder / "index"), "index", str(folder / "seeds")])
    assert result.exit_code == 0, result.stderr
    return folder


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.path.name}:{e.line}" for e in EXAMPLES])
def test_example_prints_what_the_docs_say(example: Example, seeds_folder: Path, tmp_path: Path, monkeypatch):
    if example.indexes:  # an example that indexes starts from no index, as a reader's first run does
        folder = tmp_path
        shutil.copytree(SEEDS, folder / "seeds")
    else:
        folder = seeds_folder
    monkeypatch.chdir(folder)
    for name in ("SEARCHKIT_INDEX", "SEARCHKIT_ALIASES", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # the width the examples were written at, as on a plain terminal
    checker = doctest.OutputChecker()
    for command, want in example.steps:
        got = run_step(command, folder)
        assert checker.check_output(want, got, doctest.ELLIPSIS), (
            f"{example.path.name}:{example.line}: $ {command}\n--- documented\n{want}--- printed\n{got}")


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


@pytest.mark.parametrize("doc", [README, CLI_MD], ids=lambda p: p.name)
def test_links_lead_to_files_that_exist(doc: Path):
    targets = [t for t in LINK.findall(doc.read_text(encoding="utf-8")) if not re.match(r"[a-z]+:", t)]
    assert targets or doc != README, "the README links to the other docs"
    for target in targets:
        path = target.split("#", 1)[0]
        assert path and (doc.parent / path).exists(), f"{doc.name} links to {target}, which does not exist"


def test_readme_links_the_three_docs_and_names_paths_that_exist():
    text = README.read_text(encoding="utf-8")
    for doc in ("docs/cli.md", "docs/architecture.md", "docs/benchmarks.md"):
        assert f"]({doc})" in text, f"README does not link {doc}"
    for path in re.findall(r"`((?:searchkit|bench|docs)/[\w./]+)`", text):
        assert (REPO / path).exists(), f"README names {path}, which does not exist"


def test_readme_is_short():
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; the reference belongs in docs/cli.md"


def test_the_speed_table_has_the_rows_bench_report_prints():
    """A table regenerated with bench/report.py lines up with the one in docs/benchmarks.md."""
    spec = importlib.util.spec_from_file_location("bench_report", REPO / "bench" / "report.py")
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    text = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    table = text.split("## Speed at scale", 1)[1].split("\n\n| ", 1)[1].split("\n\n", 1)[0]
    labels = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    assert labels == [label for label, _, _ in report.ROWS]
