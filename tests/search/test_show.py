"""`searchkit show ID`: a passage with its neighbours, or a whole document, matches marked with --query."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchkit.render.text import mark

PARAS = [
    "Statement on the Mekong",
    "Water levels in the Mekong fell sharply this spring.",
    "Ministers met in Vientiane to discuss dams and fisheries.",
    "They agreed to share hydrological data all year round.",
    "The next meeting will be held in Phnom Penh.",
    "Observers welcomed the agreement on data sharing.",
]


@pytest.fixture
def mekong(tmp_path: Path, run) -> Path:
    folder = tmp_path / "mekong"
    folder.mkdir()
    (folder / "mekong.txt").write_text("\n\n".join(PARAS) + "\n", encoding="utf-8")
    index = tmp_path / "mekong-ix"
    assert run("index", str(folder), index=index).exit_code == 0
    return index


def rows(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_show_prints_the_passage_with_one_paragraph_each_side(run, mekong):
    result = run("show", "mekong.txt#3", index=mekong)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Statement on the Mekong  [mekong.txt]\n"
        "\n"
        "  2  Water levels in the Mekong fell sharply this spring.\n"
        "\n"
        "> 3  Ministers met in Vientiane to discuss dams and fisheries.\n"
        "\n"
        "  4  They agreed to share hydrological data all year round.\n"
    )


def test_context_chooses_how_many_neighbours(run, mekong):
    assert [r["para"] for r in rows(run("show", "mekong.txt#3", "--context", "0", "--json", index=mekong))] == [3]
    wide = rows(run("show", "mekong.txt#3", "--context", "2", "--json", index=mekong))
    assert [r["para"] for r in wide] == [1, 2, 3, 4, 5]
    assert [r["target"] for r in wide] == [False, False, True, False, False]
    assert [r["para"] for r in rows(run("show", "mekong.txt#6", "--json", index=mekong))] == [5, 6]


def test_a_doc_id_shows_the_whole_document(run, mekong):
    result = run("show", "mekong.txt", "--json", index=mekong)
    assert result.exit_code == 0
    assert [r["text"] for r in rows(result)] == PARAS
    assert not any(r["target"] for r in rows(result))
    assert ">" not in run("show", "mekong.txt", index=mekong).stdout


def test_query_marks_matches_in_every_passage_shown(run, mekong):
    result = run("show", "mekong.txt#4", "--query", "data sharing", "--json", index=mekong)
    marked = [mark(r["text"], r["spans"], "[", "]") for r in rows(result)]
    assert marked == [
        "Ministers met in Vientiane to discuss dams and fisheries.",
        "They agreed to [share] hydrological [data] all year round.",
        "The next meeting will be held in Phnom Penh.",
    ]
    colored = run("show", "mekong.txt#4", "-q", '"data sharing"', "-C", "2", "--color", "always", index=mekong)
    assert "the agreement on \x1b[1;31mdata sharing\x1b[0m." in colored.stdout


def test_show_json_keys(run, mekong):
    row = rows(run("show", "mekong.txt#2", "-C", "0", "--json", index=mekong))[0]
    assert list(row) == [
        "doc_id", "passage_id", "para", "para_label", "title", "date", "source", "path", "url", "kind", "speaker",
        "text", "spans", "doc_spans", "matched_forms", "char_start", "char_end", "page_start", "page_end", "citation",
        "turn", "question", "answers", "target",
    ]


def test_unknown_id_exits_1_with_a_note(run, mekong):
    result = run("show", "nowhere.txt#3", index=mekong)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("searchkit: no passage or document 'nowhere.txt#3'")


def test_options_that_do_not_fit_show_exit_2(run, mekong):
    result = run("show", "mekong.txt", "--context", "2", index=mekong)
    assert result.exit_code == 2 and result.stdout == ""
    assert "whole document, so --context does not apply" in result.stderr
    result = run("show", "mekong.txt#2", "--json", "--width", "50", index=mekong)
    assert result.exit_code == 2 and result.stderr.startswith("searchkit: --width does not apply to --json")


def test_what_search_shows_in_brackets_is_an_id_too(run, mekong):
    header = run("search", "hydrological", index=mekong).stdout.splitlines()[2]
    bracket = header[header.index("[") + 1 : header.rindex("]")]
    assert bracket == "mekong.txt para. 4"
    result = run("show", bracket, "-C", "0", "--json", index=mekong)
    assert [r["passage_id"] for r in rows(result)] == ["mekong.txt#4"]
    assert run("show", f"[{bracket}]", "-C", "0", index=mekong).exit_code == 0
    assert run("show", "mekong.txt para. 99", index=mekong).exit_code == 1
