"""idf: Lucene's form, and the classic Robertson-Sparck Jones form that long pasted queries rank better with."""

from __future__ import annotations

import math

import pytest

from searchkit.search import parameters
from searchkit.search.bm25f import COMMON_WORD_IDF, idf


class Units:
    count = 1000


@pytest.mark.parametrize("form, df, expected", [
    ("lucene", 10, math.log(1 + 990.5 / 10.5)),
    ("lucene", 900, math.log(1 + 100.5 / 900.5)),  # a common word still weighs 0.1
    ("rsj", 10, math.log(990.5 / 10.5)),
    ("rsj", 500, COMMON_WORD_IDF * math.log(1 + 500.5 / 500.5)),  # in half the documents: next to nothing
    ("rsj", 900, COMMON_WORD_IDF * math.log(1 + 100.5 / 900.5)),
])
def test_idf_forms(monkeypatch, form, df, expected):
    monkeypatch.setattr(parameters, "IDF", form)
    assert idf(Units(), df) == pytest.approx(expected)


def test_common_words_still_weigh_more_the_rarer_they_are(monkeypatch):
    monkeypatch.setattr(parameters, "IDF", "rsj")
    assert idf(Units(), 500) > idf(Units(), 700) > idf(Units(), 1000) > 0


def test_rare_words_weigh_about_the_same_in_both_forms(monkeypatch):
    monkeypatch.setattr(parameters, "IDF", "rsj")
    classic = idf(Units(), 3)
    monkeypatch.setattr(parameters, "IDF", "lucene")
    assert classic == pytest.approx(idf(Units(), 3), abs=0.01)


def concept(asked: float):
    from searchkit.query.plan import Alt, Concept

    return Concept("word", (Alt(("text",), ("word",)),), weight=asked)


@pytest.mark.parametrize("k3, asked, expected", [
    (0.0, 1.0, 1.0), (0.0, 7.0, 7.0),  # 0: as often as asked
    (16.0, 1.0, 1.0),  # asked once: weight 1 whatever k3
    (16.0, 2.0, 17 * 2 / 18),
    (16.0, 40.0, 17 * 40 / 56),  # a word said 40 times in a pasted page weighs about 12, not 40
])
def test_a_concept_asked_again_weighs_more_and_more_slowly(monkeypatch, k3, asked, expected):
    from searchkit.search.bm25f import query_weight

    monkeypatch.setattr(parameters, "QUERY_K3", k3)
    assert query_weight(concept(asked)) == pytest.approx(expected)
    assert query_weight(concept(asked + 1)) > query_weight(concept(asked))  # never less for saying it again
