"""searchkit kwic: one line per occurrence, marked as search marks it, with offsets into the source."""

from __future__ import annotations

import json
from collections import Counter

from tests.conftest import SEEDS


def lines(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_phrase_is_one_occurrence_with_its_context_and_place(run, seeds_index):
    assert lines(run("kwic", '"green lanes"', "--format", "json", index=seeds_index)) == [
        {"left": "have established “fast lanes” and “", "match": "green lanes",
         "right": "” for personnel and goods movement,", "passage_id": "000_12979fbd4c949159.txt#7",
         "doc_id": "000_12979fbd4c949159.txt", "para": 7, "date": "", "speaker": "", "char_start": 1608,
         "char_end": 1619},
        {"left": "countries the establishment of fast and ", "match": "green lane",
         "right": " networks between China and ASEAN and in", "passage_id": "000_12979fbd4c949159.txt#8",
         "doc_id": "000_12979fbd4c949159.txt", "para": 8, "date": "", "speaker": "", "char_start": 1845,
         "char_end": 1855},
    ]


def test_text_lines_align_the_matches_and_end_with_the_reference(run, seeds_index):
    out = run("kwic", '"green lanes"', "--width", "15", index=seeds_index).stdout
    assert out == (
        "    lanes” and “green lanes” for personnel   000_12979fbd4c949159.txt para. 7\n"
        "    of fast and green lane  networks         000_12979fbd4c949159.txt para. 8\n"
    )


def test_lines_fit_the_terminal_with_a_shorter_reference(run, seeds_index):
    for columns, reference in ((80, "000_12979fbd4c949159.txt ¶7"), (60, "…9159.txt ¶7"),
                               (120, "000_12979fbd4c949159.txt para. 7")):
        out = run("kwic", "lanes", "-n", "3", index=seeds_index, env={"COLUMNS": str(columns)}).stdout
        assert out.splitlines()[0].endswith(reference), out
        if columns >= 80:
            assert max(len(line) for line in out.splitlines()) <= columns, out


def test_offsets_point_at_the_match_in_the_source_file(run, seeds_index):
    for line in lines(run("kwic", "Vietnam", "-n", "0", "--all-kinds", "--format", "json", index=seeds_index)):
        source = (SEEDS / line["doc_id"]).read_text(encoding="utf-8")
        assert " ".join(source[line["char_start"]:line["char_end"]].split()) == line["match"]


def test_occurrences_are_the_spans_search_marks(run, seeds_index):
    """Aliases and stems included: kwic shows exactly what search highlights."""
    for query in ("Vietnam", "cooperating", '"fast lane"', "ASEAN AND China", "negotiat*"):
        hits = lines(run("search", query, "--json", "-n", "1000", index=seeds_index))
        marked = Counter((h["passage_id"], " ".join(h["text"][s:e].split())) for h in hits for s, e in h["spans"])
        shown = Counter((o["passage_id"], o["match"])
                        for o in lines(run("kwic", query, "-n", "0", "--format", "json", index=seeds_index)))
        assert shown == marked and shown, query
    aliases = {o["match"] for o in lines(run("kwic", "Vietnam", "-n", "0", "--all-kinds", "--format", "json",
                                             index=seeds_index))}
    assert aliases == {"Vietnam", "Viet Nam"}


def test_sort_right_orders_by_the_words_after_the_match(run, seeds_index):
    rights = [o["right"] for o in lines(run("kwic", "Vietnam", "-n", "0", "--sort", "right", "--format", "json",
                                            index=seeds_index))]
    assert rights[:3] == ["", " and some other ASEAN nations. China has", " attends the 6th Mekong-Lancang"]
    words = [r.casefold().replace(",", "").replace(".", "").split() for r in rights]
    assert words == sorted(words)


def test_a_limit_says_there_is_more_and_nothing_found_exits_1(run, seeds_index):
    result = run("kwic", "China", "-n", "2", index=seeds_index)
    assert len(result.stdout.splitlines()) == 2 and "-n N shows more" in result.stderr
    assert run("kwic", "zzqx", index=seeds_index).exit_code == 1
    filters = run("kwic", "year:2020", index=seeds_index)
    assert filters.exit_code == 1 and "marks no words" in filters.stderr
    assert run("kwic", "China", "--format", "csv", "-n", "1", index=seeds_index).stdout.splitlines()[0] == (
        "left,match,right,passage_id,doc_id,para,date,speaker,char_start,char_end")
