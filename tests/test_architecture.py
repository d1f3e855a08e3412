"""The package's shape stays what docs/architecture.md says: stages in layers, no import circle, each
stage saying in its ``__init__`` what it takes, what it gives and which module to open first."""

from __future__ import annotations

import ast
import sys

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "searchkit"
STAGES = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())


def import_graph() -> dict[str, set[str]]:
    """Every searchkit module and the searchkit modules it imports anywhere (function bodies and
    ``TYPE_CHECKING`` blocks included), read from the source."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("searchkit"))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                if base.startswith("searchkit"):
                    found.add(base)
                    found.update(f"{base}.{a.name}" for a in node.names)
    return {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = [stack.pop()]
            while component[-1] != v:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_module_takes_part_in_an_import_circle():
    assert cycles(import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_graph_sees_lazy_imports():
    graph = import_graph()
    assert "searchkit.cli.main" in graph["searchkit.cli.launch"]  # imported inside launch.main


def test_the_layer_contracts_hold():
    lint = pytest.importorskip("importlinter.cli", reason="import-linter is in the test extra: pip install '.[test]'")
    sys.path.insert(0, str(REPO))
    try:
        code = lint.lint_imports(config_filename=str(REPO / "setup.cfg"))
    finally:
        sys.path.remove(str(REPO))
    assert code == 0, "run lint-imports to see the broken contract"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_takes_gives_and_where_to_start(stage):
    doc = ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))) or ""
    assert len(doc.splitlines()) >= 3, f"searchkit/{stage}/__init__.py needs a docstring"
    named = [m.stem for m in (PACKAGE / stage).glob("*.py") if m.stem != "__init__" and f"{m.stem}." in doc]
    assert named, f"searchkit/{stage}'s docstring names none of its modules"


def test_the_architecture_doc_names_every_stage():
    doc = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    for stage in STAGES:
        assert f"{stage}/" in doc, stage
