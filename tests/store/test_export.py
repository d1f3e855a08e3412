"""`searchkit export`, the default kind filter, field queries on metadata, and Punkt kept in the index."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, SEEDS

EXPORT_KEYS = [
    "doc_id", "passage_id", "para", "para_label", "path", "kind", "title", "date", "date_inferred", "year",
    "source", "place", "country", "speaker", "url", "symbol", "page_start", "page_end", "ocr", "text", "char_start",
    "char_end", "sentences", "turn", "question", "answers",
]


def rows(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def fixture_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, root)
    return root


def test_export_prints_every_passage_in_reading_order_with_stable_keys(run, seeds_index):
    exported = rows(run("export", index=seeds_index))
    stats = json.loads(run("index", "--json", index=seeds_index).stdout)
    assert len(exported) == stats["passages"]
    assert all(list(row) == EXPORT_KEYS for row in exported)
    order = [(r["doc_id"], r["para"]) for r in exported]
    assert order == sorted(order)
    first = exported[0]
    assert first == {
        "doc_id": "000_12979fbd4c949159.txt", "passage_id": "000_12979fbd4c949159.txt#1", "para": 1,
        "para_label": "", "path": first["path"], "kind": "title",
        "title": "Chinese Ambassador lauds ASEAN’s cooperation in COVID-19 fight", "date": "",
        "date_inferred": False, "year": None, "source": "VNA", "place": "Jakarta", "country": "", "speaker": "",
        "url": "", "symbol": "", "page_start": None, "page_end": None, "ocr": False,
        "text": "Chinese Ambassador lauds ASEAN’s cooperation in COVID-19 fight", "char_start": 0,
        "char_end": 62, "sentences": [[0, 62]], "turn": "", "question": "", "answers": [],
    }
    assert run("export", "--format", "json", index=seeds_index).stdout == run("export", index=seeds_index).stdout


def test_exported_offsets_point_into_the_original_documents(run, tmp_path):
    root = fixture_corpus(tmp_path)
    run("index", str(root), str(SEEDS))
    for row in rows(run("export")):
        path = Path(row["path"])
        if path.suffix != ".txt":
            continue
        with open(path, encoding="utf-8-sig", newline="") as handle:
            source = handle.read()
        span = source[row["char_start"]:row["char_end"]]
        # Words joined over a line end ("coopera-" + "tion", "Secretary-" + "General") read on in the source.
        joined = (span, re.sub(r"-\s+", "", span), re.sub(r"\s+", "", span))
        assert all(any(w in s for s in joined) for w in row["text"].split()), row["passage_id"]
        assert span[0] == row["text"][0] and span[-1] == row["text"][-1]


def test_search_shows_titles_and_body_only_by_default(run, seeds_index):
    assert run("search", "\"Suggest to a friend\"", index=seeds_index).exit_code == 1  # a button
    assert run("search", "Reuters", index=seeds_index).exit_code == 1  # a photo credit
    hits = rows(run("search", "Thailand national identity", "--json", index=seeds_index))
    assert hits and all(h["kind"] in ("title", "body") for h in hits)


def test_metadata_fields_are_queryable(run, tmp_path):
    root = fixture_corpus(tmp_path)
    run("index", str(root))
    for query in ("country:KEN", "country:Kenya", "country:ken"):
        assert {h["doc_id"] for h in rows(run("search", query, "--json"))} == {"KEN_30_1975.txt"}, query
    speakers = {h["speaker"] for h in rows(run("search", "speaker:journalist", "--json"))}
    assert speakers == {"journalist"}


def test_punkt_is_trained_once_stored_and_retrained_on_rebuild(run, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    shutil.copy(FIXTURES / "long.txt", first / "long.txt")
    for name in ("blank.txt", "oneline.txt", "wrapped.txt"):
        shutil.copy(FIXTURES / name, second / name)
    assert run("index", str(first)).exit_code == 0
    params = tmp_path / "ix" / "punkt.json"
    trained = params.read_text(encoding="utf-8")
    assert "abbrev_types" in json.loads(trained)
    before = {r["passage_id"] for r in rows(run("export"))}
    assert run("index", str(second)).exit_code == 0
    assert params.read_text(encoding="utf-8") == trained  # reused, not retrained
    assert before <= {r["passage_id"] for r in rows(run("export"))}
    assert run("index", "--rebuild", str(second)).exit_code == 0
    assert params.read_text(encoding="utf-8") != trained


def test_export_without_an_index_says_how_to_build_one(run, tmp_path):
    result = run("export", index=tmp_path / "none")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("searchkit: no index at") and len(result.stderr.splitlines()) == 1


def test_searching_never_imports_nltk(seeds_index):
    import subprocess
    import sys

    from tests.conftest import REPO

    code = (
        "import sys\nfrom click.testing import CliRunner\nfrom searchkit.cli.main import main\n"
        f"r = CliRunner().invoke(main, ['--index', {str(seeds_index)!r}, 'search', 'fast lanes', '--json'])\n"
        "assert r.exit_code == 0, r.output\nprint(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('nltk', 'pycountry', 'ftfy')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
