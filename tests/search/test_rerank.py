"""Feedback's share of the score: full for focused results, damped for diffuse ones."""

from __future__ import annotations

import math

import pytest

from searchkit.search import parameters
from searchkit.search.rerank import feedback_share


class Reader:
    """What feedback_share reads of an index: 1000 words of text, each term's count."""

    schema = {"text": None}

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts

    def field_length(self, field: str) -> int:
        return 1000

    def frequency(self, field: str, term: str) -> int:
        return self.counts[term]


class Post:
    def __init__(self, counts: dict[str, int]) -> None:
        self.reader = Reader(counts)


@pytest.fixture
def focus(monkeypatch):
    monkeypatch.setattr(parameters, "FEEDBACK_ORIGINAL", 0.5)
    monkeypatch.setattr(parameters, "FEEDBACK_FOCUS", 4.0)


def test_results_sharing_rare_words_get_the_full_share(focus):
    # each term once in 1000 words, half the model each: clarity log(500) = 6.2 nats, above 4
    assert feedback_share(Post({"mekong": 1, "delta": 1}), [("mekong", 0.5), ("delta", 0.5)]) == 0.5


def test_results_sharing_only_common_words_get_a_damped_share(focus):
    # each term 100 times in 1000 words: clarity log(5) = 1.6 nats, so the share is 0.5 * 1.6 / 4
    share = feedback_share(Post({"said": 100, "also": 100}), [("said", 0.5), ("also", 0.5)])
    assert share == pytest.approx(0.5 * math.log(5) / 4)


def test_a_model_no_more_typical_than_the_collection_gets_none(focus):
    assert feedback_share(Post({"said": 500, "also": 500}), [("said", 0.5), ("also", 0.5)]) == 0.0


def test_without_a_focus_threshold_feedback_is_never_damped(monkeypatch):
    monkeypatch.setattr(parameters, "FEEDBACK_ORIGINAL", 0.5)
    monkeypatch.setattr(parameters, "FEEDBACK_FOCUS", 0.0)
    assert feedback_share(Post({"said": 500, "also": 500}), [("said", 0.5), ("also", 0.5)]) == 0.5


def test_a_query_longer_than_the_expansion_gives_feedback_a_smaller_share(focus, monkeypatch):
    monkeypatch.setattr(parameters, "FEEDBACK_TERMS", 20)
    monkeypatch.setattr(parameters, "FEEDBACK_LONG", True)
    post, model = Post({"mekong": 1, "delta": 1}), [("mekong", 0.5), ("delta", 0.5)]
    assert feedback_share(post, model, concepts=20) == 0.5
    assert feedback_share(post, model, concepts=80) == pytest.approx(0.5 * 20 / 80)
    monkeypatch.setattr(parameters, "FEEDBACK_LONG", False)
    assert feedback_share(post, model, concepts=80) == 0.5
