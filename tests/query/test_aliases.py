"""The alias table (shipped and $SEARCHKIT_ALIASES), case-sensitive acronyms, and batch retrieval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchkit.render.text import mark


def hits(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def docs(run, tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    records = [
        {"id": "a", "text": "Both sides will implement the DOC fully.", "title": "Sea talks"},
        {"id": "b", "text": "Open the doc file and edit it.", "title": "Editing"},
        {"id": "c", "text": "The Declaration on the Conduct of Parties in the East Sea was signed in 2002.",
         "title": "History"},
        {"id": "d", "text": "Viet Nam and the Republic of Korea signed a trade deal.", "title": "Trade"},
        {"id": "e", "text": "Vietnam exports rice; South Korea imports it.", "title": "Rice"},
    ]
    (root / "docs.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert run("index", str(root)).exit_code == 0
    return root


def found(run, query: str, *args: str) -> list[str]:
    return [h["doc_id"] for h in hits(run("search", query, "--json", *args))]


def test_an_acronym_matches_as_written_and_its_expansion(run, docs):
    assert sorted(found(run, "DOC")) == ["a", "c"]
    assert sorted(found(run, "doc")) == ["a", "b"]  # a lower-case word is any case, and no acronym


def test_a_query_all_in_capitals_is_not_read_as_acronyms(run, docs):
    assert sorted(found(run, "OPEN THE DOC FILE")) == ["a", "b"]


def test_names_find_each_other_and_say_which_form_the_source_used(run, docs):
    rows = hits(run("search", "Vietnam", "--json"))
    assert {h["doc_id"]: h["matched_forms"] for h in rows} == {"d": ["Viet Nam"], "e": ["Vietnam"]}
    rows = hits(run("search", "ROK", "--json"))
    assert {h["doc_id"]: h["matched_forms"] for h in rows} == {"d": ["Republic of Korea"], "e": ["South Korea"]}
    assert mark(rows[0]["text"], rows[0]["spans"], "[", "]").count("[") == 1


def test_quotes_turn_aliases_off(run, docs):
    assert found(run, '"Vietnam"') == ["e"]


def test_user_alias_file_extends_the_table(run, docs, tmp_path, monkeypatch):
    assert run("search", "paddy").exit_code == 1
    extra = tmp_path / "mine.tsv"
    extra.write_text("# mine\npaddy\trice\nVietnam\tVN\n", encoding="utf-8")
    monkeypatch.setenv("SEARCHKIT_ALIASES", str(extra))
    assert found(run, "paddy") == ["e"]
    assert sorted(found(run, "VN")) == ["d", "e"]  # merged into the shipped Viet Nam group


def test_a_missing_user_alias_file_is_an_error(run, docs, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCHKIT_ALIASES", str(tmp_path / "nope.tsv"))
    result = run("search", "Vietnam")
    assert result.exit_code == 2
    assert result.stderr.startswith("searchkit: $SEARCHKIT_ALIASES names ") and "unset it" in result.stderr


def test_batch_tsv_to_trec(run, docs, tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tDOC\nq2\trice exports\n", encoding="utf-8")
    result = run("search", "--batch", str(queries), "--format", "trec", "--by-doc")
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines()]
    assert [(line[0], line[1], line[3], line[5]) for line in lines] == [("q1", "Q0", "1", "searchkit"), ("q1", "Q0", "2", "searchkit"),
                                                        ("q2", "Q0", "1", "searchkit")]
    assert sorted(line[2] for line in lines if line[0] == "q1") == ["a", "c"] and lines[2][2] == "e"
    assert float(lines[0][4]) >= float(lines[1][4])


def test_batch_jsonl_to_jsonl_with_n(run, docs, tmp_path):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "x", "text": "DOC"}\n{"id": 7, "text": "Korea"}\n', encoding="utf-8")
    result = run("search", "--batch", str(queries), "-n", "1")
    assert result.exit_code == 0, result.stderr
    rows = hits(result)
    assert [(r["qid"], r["rank"]) for r in rows] == [("x", 1), ("7", 1)]
    assert list(rows[0])[:3] == ["qid", "rank", "score"] and "spans" in rows[0]


def test_batch_passage_ids_without_by_doc(run, docs, tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text("q\trice\n", encoding="utf-8")
    result = run("search", "--batch", str(queries), "--format", "trec")
    assert result.stdout.split()[2] == "e#1"


def test_batch_exit_codes(run, docs, tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\trice\nq2\tzeppelin\n", encoding="utf-8")
    result = run("search", "--batch", str(queries), "--format", "trec")
    assert result.exit_code == 1  # some query found nothing
    broken = tmp_path / "b.jsonl"
    broken.write_text('{"id": "1", "text": "rice"}\n{not json\n', encoding="utf-8")
    result = run("search", "--batch", str(broken), "--format", "trec")
    assert result.exit_code == 2
    assert result.stdout.split()[:3] == ["1", "Q0", "e#1"]
    assert result.stderr.startswith(f"searchkit: {broken}:2: query 2 is not valid JSON")


@pytest.mark.parametrize("args, message", [
    (["rice", "--format", "trec"], "searchkit: --format trec is for --batch FILE"),
    (["--batch", "missing.tsv"], "searchkit: missing.tsv: no such file"),
    ([], "searchkit: give a QUERY or --batch FILE"),
    (["rice", "--batch", "q.tsv"], "searchkit: give a QUERY or --batch FILE"),
    (["--batch", "q.tsv", "--page", "2"], "searchkit: --page does not apply to --batch"),
    (["--batch", "q.tsv", "--format", "csv"], "searchkit: --batch prints --format jsonl or trec"),
    (["rice", "--explain", "--format", "csv"], "searchkit: --explain prints with --format text or json"),
])
def test_batch_usage_errors(run, docs, args, message):
    result = run("search", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1


def test_alias_table_unit():
    from searchkit.query.aliases import AliasTable, apply
    from searchkit.query.parser import parse
    from searchkit.query.tree import explain

    table = AliasTable.from_lines(["AB\tB C", "B C\tD", "# comment", "lonely"])
    assert explain(apply(parse("b c"), table)) == '{=AB|"b c"|d}'
    assert len([g for g in table.groups if g]) == 1


def test_a_jsonl_record_with_only_a_title_is_searchable(run, tmp_path):
    root = tmp_path / "titles"
    root.mkdir()
    lines = [{"id": "1", "title": "Time sharing systems for small computers", "text": ""},
             {"id": "2", "title": "", "text": "  "}]
    (root / "cat.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    result = run("index", str(root))
    assert result.exit_code == 0 and "2: has an empty text" in result.stderr
    rows = hits(run("search", "time sharing", "--json", "--by-doc"))
    assert [(r["doc_id"], r["text"]) for r in rows] == [("1", "Time sharing systems for small computers")]
