"""Any query searched and any quotation cited on the seeds: an answer or a one-line QueryError, never
another exception, with highlights inside the passages and citations inside theirs."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import given

from searchkit.cite.citer import Citer
from searchkit.cli.main import main
from searchkit.errors import QueryError
from searchkit.search.searcher import Options, Searcher
from searchkit.store.store import Store
from tests.conftest import SEEDS
from tests.fuzzing import FUZZ, any_text

VERDICTS = {"exact", "cross_paragraph", "near", "none"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    index = tmp_path_factory.mktemp("fuzz") / "ix"
    assert CliRunner().invoke(main, ["--index", str(index), "index", str(SEEDS)]).exit_code == 0
    return Store.open(index)


@FUZZ
@given(query=any_text)
def test_any_query_is_answered_with_highlights_inside_the_passages(store, query):
    with Searcher(store) as searcher:
        try:
            result = searcher.search(query, Options(limit=5))
        except QueryError:
            assert not query.strip()
            return
    assert result.total >= len(result.hits)
    for hit in result.hits:
        assert all(0 <= s < e <= len(hit.text) for s, e in hit.spans)


@FUZZ
@given(quote=any_text)
def test_any_quotation_is_cited_or_refused_in_one_line(store, quote):
    with Citer(store) as citer:
        try:
            found = citer.cite(quote)
        except QueryError as exc:
            assert "\n" not in str(exc)
            return
    assert found and {c.verdict for c in found} <= VERDICTS
    for cite in found:
        assert cite.char_start is None or 0 <= cite.char_start <= cite.char_end
