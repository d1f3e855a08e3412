"""Shared fixtures: a tiny corpus written per test, the bundled seeds, and a CLI runner."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit.cli.main import main

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"
# A test's answer must not depend on how loaded the machine is: the time limit (limits.py) is tested with
# its own small values, and every other test runs well within this one.
os.environ.setdefault("SEARCHKIT_MAX_SECONDS", "60")
# No test leaves a server behind: only tests/cli/test_autoserve.py starts one on first use, and stops it.
os.environ["SEARCHKIT_AUTOSERVE"] = "0"


@pytest.fixture
def run(tmp_path: Path):
    """Invoke ``searchkit --index <tmp>/ix ARGS``; returns click's Result (stdout and stderr apart)."""
    runner = CliRunner()

    def invoke(*args: str, index: Path | None = None, **kwargs):
        return runner.invoke(main, ["--index", str(index or tmp_path / "ix"), *args], **kwargs)

    return invoke


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Three small documents: two .txt files and a .jsonl file with two records."""
    return write_corpus(tmp_path / "corpus")


def write_corpus(root: Path) -> Path:
    """The ``corpus`` fixture's files under ``root`` (for module-scoped fixtures that only read an index)."""
    root.mkdir()
    (root / "lanes.txt").write_text(
        "Green lanes reopen\n\nThe ministers agreed to open fast lanes and green lanes for travel.\n\n"
        "Trade in the Mekong region grew.\n",
        encoding="utf-8",
    )
    (root / "bom.txt").write_text("\ufeffVaccine cooperation\n\nCooperating on vaccines saves lives.\n", encoding="utf-8")
    records = [
        {"id": "pc-1", "text": "Q: Any comment?\n\nA: We oppose unilateral sanctions.", "title": "Press conference",
         "date": "2020-05-11", "source": "MFA", "speaker": "Zhao Lijian"},
        {"id": "pc-2", "text": "The sea lanes must stay open.", "title": "Maritime statement"},
    ]
    (root / "pressers.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def seeds_index(tmp_path: Path, run) -> Path:
    index = tmp_path / "seeds-ix"
    result = run("index", str(SEEDS), index=index)
    assert result.exit_code == 0, result.stderr
    return index
