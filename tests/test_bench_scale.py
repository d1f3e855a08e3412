"""The fixed query set of bench/scale.py and its translation for SQLite FTS5 (no timing here)."""

from __future__ import annotations

import importlib.util
import re

from tests.conftest import REPO


def load_workers():
    spec = importlib.util.spec_from_file_location("scale_workers", REPO / "bench" / "scale_workers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_query_set_has_four_classes_of_the_promised_shapes():
    workers = load_workers()
    queries = workers.read_queries(REPO / "bench" / "queries_scale.tsv")
    by_class = {}
    for kind, query in queries:
        by_class.setdefault(kind, []).append(query)
    assert sorted(by_class) == ["filter", "keyword", "long", "phrase"]
    assert 55 <= len(queries) <= 65 and len(set(queries)) == len(queries)
    assert all(1 <= len(q.split()) <= 2 for q in by_class["keyword"])
    assert all(re.fullmatch(r'"[^"]+"', q) and 3 <= len(q.split()) <= 8 for q in by_class["phrase"])
    assert all(len(q.split()) >= 10 for q in by_class["long"])
    assert all(re.search(r"\b(country|year):\S+", q) for q in by_class["filter"])


def test_fts5_translation_ors_words_keeps_phrases_and_turns_fields_into_conditions():
    workers = load_workers()
    assert workers.fts5_query("nuclear disarmament") == ('"nuclear" OR "disarmament"', "", [])
    assert workers.fts5_query('"small island developing States"') == ('"small island developing States"', "", [])
    assert workers.fts5_query('"human rights" country:CHN') == ('"human rights"', " AND country = ?", ["CHN"])
    assert workers.fts5_query("apartheid year:1985") == ('"apartheid"', " AND year = ?", [1985])
    assert workers.fts5_query("war year:[1960 TO 1969]") == ('"war"', " AND year BETWEEN ? AND ?", [1960, 1969])
    assert workers.fts5_query("COVID-19 (") == ('"COVID" OR "19"', "", [])
