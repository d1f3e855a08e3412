"""The walking skeleton: index the seeds, search with highlights, JSON keys, exit codes."""

from __future__ import annotations

import json

import pytest

from searchkit.render.text import mark

HIT_KEYS = [
    "rank", "score", "doc_id", "passage_id", "para", "para_label", "title", "date", "source", "path", "url", "kind",
    "speaker", "text", "spans", "doc_spans", "matched_forms", "char_start", "char_end", "page_start", "page_end",
    "citation", "turn", "question", "answers",
]


def hits(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def bracketed(hit: dict) -> str:
    return mark(hit["text"], hit["spans"], "[", "]")


def test_index_seeds_reports_counts(run, tmp_path):
    from tests.conftest import SEEDS

    result = run("index", str(SEEDS), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report) == ["added", "updated", "removed", "unchanged", "skipped", "documents", "passages", "seconds"]
    assert report["added"] == report["documents"] == 5
    assert report["passages"] > 50
    assert result.stderr == ""


def test_reindex_unchanged_changes_nothing(run, corpus):
    assert run("index", str(corpus)).exit_code == 0
    again = run("index", "--json")  # no PATH: the recorded sources
    assert again.exit_code == 0
    report = json.loads(again.stdout)
    assert (report["added"], report["updated"], report["unchanged"]) == (0, 0, 4)


def test_keyword_search_finds_both_fast_lane_articles(run, seeds_index):
    result = run("search", "fast lanes", "--json", index=seeds_index)
    assert result.exit_code == 0
    docs = {h["doc_id"] for h in hits(result)}
    assert {"000_12979fbd4c949159.txt", "004_b914c251ea5d2bac.txt"} <= docs


def test_phrase_search_marks_the_phrase_as_one_span(run, seeds_index):
    result = run("search", '"green lanes"', "--json", index=seeds_index)
    assert result.exit_code == 0
    first = hits(result)[0]
    assert first["passage_id"] == "000_12979fbd4c949159.txt#7"
    assert "“fast lanes” and “[green lanes]” for personnel" in bracketed(first)
    assert [first["text"][s:e] for s, e in first["spans"]] == ["green lanes"]


def test_spans_and_doc_spans_point_at_the_matched_words(run, corpus):
    run("index", str(corpus))
    rows = hits(run("search", "cooperation", "--json"))
    assert {bracketed(h) for h in rows} == {"Vaccine [cooperation]", "[Cooperating] on vaccines saves lives."}
    source = (corpus / "bom.txt").read_text(encoding="utf-8-sig")  # offsets count from after the BOM
    for hit in rows:
        for (s, e), (ds, de) in zip(hit["spans"], hit["doc_spans"]):
            assert source[ds:de] == hit["text"][s:e]
        assert source[hit["char_start"]:hit["char_end"]] == hit["text"]


def test_json_keys_are_stable(run, seeds_index):
    result = run("search", "ASEAN", "-n", "3", "--json", index=seeds_index)
    assert result.exit_code == 0
    rows = hits(result)
    assert len(rows) == 3
    assert all(list(row) == HIT_KEYS for row in rows)
    assert [row["rank"] for row in rows] == [1, 2, 3]
    assert rows[0]["score"] >= rows[1]["score"] >= rows[2]["score"]
    assert rows[0]["passage_id"] == f'{rows[0]["doc_id"]}#{rows[0]["para"]}'


def test_jsonl_metadata_is_kept(run, corpus):
    run("index", str(corpus))
    hit = hits(run("search", "sanctions", "--json"))[0]
    assert (hit["doc_id"], hit["title"], hit["date"], hit["source"]) == ("pc-1", "Press conference", "2020-05-11", "MFA")
    assert hit["citation"] == "Press conference. MFA, 2020-05-11, para. 2"


def test_plain_output_in_a_pipe_has_no_escape_codes(run, seeds_index):
    result = run("search", "fast lanes", "-n", "2", index=seeds_index)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "1-2 of 3 passages"
    assert lines[2].startswith("1. ") and "[000_12979fbd4c949159.txt para. 7]" in lines[2]
    assert "\x1b[" not in result.stdout


def test_color_always_marks_matches(run, seeds_index):
    result = run("search", "fast lanes", "--color", "always", index=seeds_index)
    assert "\x1b[1;31mfast\x1b[0m" in result.stdout


def test_no_hits_exits_1_with_a_note_on_stderr(run, seeds_index):
    result = run("search", "zeppelin", index=seeds_index)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "searchkit: no passages match 'zeppelin'\n"


@pytest.mark.parametrize("query", ["A/RES/70/1", "COVID-19 (", '"unbalanced', "AND", ":::", "title:", "((("])
def test_raw_queries_never_error(run, seeds_index, query):
    result = run("search", query, "--json", index=seeds_index)
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_covid_query_matches_covid_19(run, seeds_index):
    result = run("search", "COVID-19 (", "--json", index=seeds_index)
    assert result.exit_code == 0
    # COVID-19 is in the alias table, so the form is matched (and marked) as one phrase.
    assert "[COVID-19]" in bracketed(hits(result)[0])


def test_empty_query_is_an_error(run, seeds_index):
    result = run("search", "  ", index=seeds_index)
    assert result.exit_code == 2
    assert result.stderr.startswith("searchkit: empty query")


def test_missing_index_says_how_to_build_one(run, tmp_path):
    result = run("search", "lanes", index=tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "searchkit index" in result.stderr and len(result.stderr.splitlines()) == 1


def test_missing_path_is_an_error_and_creates_no_index(run, tmp_path):
    result = run("index", str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr
    assert not (tmp_path / "ix").exists()


def test_index_option_on_the_command_wins(run, corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCHKIT_INDEX", str(tmp_path / "env-ix"))
    from click.testing import CliRunner

    from searchkit.cli.main import main

    CliRunner().invoke(main, ["index", str(corpus), "--index", str(tmp_path / "cmd-ix")])
    assert (tmp_path / "cmd-ix").is_dir() and not (tmp_path / "env-ix").exists()
    result = CliRunner().invoke(main, ["index", str(corpus)])
    assert result.exit_code == 0 and (tmp_path / "env-ix").is_dir()


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("searchkit, version ")


def test_a_closed_pipe_ends_quietly(run, tmp_path):
    """Output far larger than a pipe's buffer, read by a reader that leaves early (``| head -c 10``)."""
    import subprocess
    import sys

    from tests.conftest import REPO

    many = tmp_path / "many"
    many.mkdir()
    paragraph = "The lanes stay open for trade and travel across the region. " * 5
    (many / "long.txt").write_text("\n\n".join([paragraph] * 2000), encoding="utf-8")
    assert run("index", str(many)).exit_code == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "searchkit", "--index", str(tmp_path / "ix"), "search", "lanes", "-n", "2000",
         "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, bufsize=0,
    )
    proc.stdout.read(10)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert stderr == ""


def test_readme_quick_start_in_a_checkout(tmp_path, monkeypatch):
    """The checkout's ./index holds only its README: `searchkit index seeds` builds there, keeping it."""
    from click.testing import CliRunner

    from searchkit.cli.main import main
    from tests.conftest import SEEDS

    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "README.md").write_text("The default index location.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEARCHKIT_INDEX", raising=False)
    built = CliRunner().invoke(main, ["index", str(SEEDS)])
    assert built.exit_code == 0, built.stderr
    found = CliRunner().invoke(main, ["search", "fast lanes"])
    assert found.exit_code == 0, found.stderr
    assert (tmp_path / "index" / "README.md").is_file()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["index", str(SEEDS), "--index", "other"])
    assert refused.exit_code == 2 and "holds other files" in refused.stderr
