"""Scoring in arrays (``search/dense.py``) gives the very scores and rankings of scoring in dicts: the
same floats, compared exactly, on the seeds and (when ../shared is there) on a session of UN speeches."""

from __future__ import annotations

from pathlib import Path

import numpy  # noqa: F401  (imported, numpy is used from DENSE_POSTINGS postings on: 0 here forces it)
import pytest

from searchkit.search import ranking
from searchkit.search import searcher as searcher_module
from searchkit.search.searcher import Options, Searcher, search
from searchkit.store.store import Store
from tests.conftest import SHARED

QUERIES = [
    "the freedom of navigation in the South China Sea and the sea lanes must stay open for all",
    "vaccine cooperation between China and the countries of Africa during the pandemic",
    'fast lanes "green lanes" ministers video conference',
    "lanes~ minist* cooperation",  # fuzzy and wildcard alternatives go through the dict path
    "cooperation -vaccine year:2020..2021",
    "WHAT SHOULD THE MINISTERS DO ABOUT THE LANES AND THE FISHERIES OF THE REGION",
]


def both_ways(index: Path, query: str, monkeypatch: pytest.MonkeyPatch, **options) -> tuple:
    """The hits, and every unit's exact score (hits show them rounded), scored in dicts, then in arrays."""
    found = []
    for threshold in (10**12, 0):  # never arrays, always arrays
        monkeypatch.setattr(ranking, "DENSE_POSTINGS", threshold)
        scores: list[dict[int, float]] = []
        monkeypatch.setattr(searcher_module, "rank", keeping(scores))
        result = search(Store.open(index), query, limit=50, **options)
        found.append((result.total, [(h.passage_id, h.score, h.spans) for h in result.hits], scores))
    return tuple(found)


def keeping(scores: list[dict[int, float]]):
    def rank(*args, **kwargs):
        ranked = ranking.rank(*args, **kwargs)
        scores.append(dict(ranked.scores))
        return ranked

    return rank


@pytest.mark.parametrize("query", QUERIES)
def test_arrays_score_the_seeds_as_dicts_do(seeds_index, monkeypatch, query):
    by_dicts, by_arrays = both_ways(seeds_index, query, monkeypatch)
    assert by_arrays == by_dicts
    assert by_dicts[0] > 0, query


def test_a_resident_searcher_ranks_all_the_same(seeds_index, monkeypatch):
    hits = []
    with Searcher.of(Store.open(seeds_index)) as searcher:
        for threshold in (10**12, 0):
            monkeypatch.setattr(ranking, "DENSE_POSTINGS", threshold)
            hits.append(searcher.search(QUERIES[0], Options(limit=1000)).hits)
    assert [(h.passage_id, h.score) for h in hits[0]] == [(h.passage_id, h.score) for h in hits[1]]


@pytest.mark.slow
def test_arrays_score_un_speeches_as_dicts_do(run, tmp_path, monkeypatch):
    session = SHARED / "corpora" / "ungdc-sample" / "Session 70 - 2015"
    if not session.exists():
        pytest.skip("needs ../shared/corpora/ungdc-sample (the UN General Debate sample)")
    index = tmp_path / "un"
    assert run("index", str(session), index=index).exit_code == 0
    for query in ["rising sea levels threaten the very existence of low-lying island nations in the Pacific",
                  "the debt burden of developing countries prevents them from investing in education",
                  "We States Members of the United Nations family must all rededicate ourselves"]:
        by_dicts, by_arrays = both_ways(index, query, monkeypatch)
        assert by_arrays == by_dicts and by_dicts[0] > 100


def test_deleted_passages_stay_out_of_arrays_as_of_dicts(run, tmp_path, monkeypatch):
    import shutil

    from tests.conftest import SEEDS

    corpus, index = tmp_path / "seeds", tmp_path / "ix"
    shutil.copytree(SEEDS, corpus)
    assert run("index", str(corpus), index=index).exit_code == 0
    changed = sorted(corpus.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8").replace("lanes", "corridors"), encoding="utf-8")
    assert run("index", str(corpus), index=index).exit_code == 0  # the old passages are deleted, not gone
    with Searcher.of(Store.open(index)) as searcher:
        assert searcher.searcher.reader().has_deletions()
    for query in QUERIES[:3]:
        by_dicts, by_arrays = both_ways(index, query, monkeypatch)
        assert by_arrays == by_dicts
