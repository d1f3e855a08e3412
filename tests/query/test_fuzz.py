"""Any text at all is read as a query (or said to be empty), within the clause limit."""

from __future__ import annotations

from hypothesis import given

from searchkit.errors import QueryError
from searchkit.query.limits import Limits
from searchkit.query.tree import Group, explain
from searchkit.search.searcher import read
from tests.fuzzing import FUZZ, any_text


def leaves(node, occur: str = "") -> set:
    """The different (occur, leaf) pairs of a tree: a leaf said again is not another clause."""
    if not isinstance(node, Group):
        return {(occur, node)}
    return set().union(*(leaves(n, o) for o, n in node.clauses))


@FUZZ
@given(any_text)
def test_any_text_is_read_as_a_query_of_bounded_size(text):
    try:
        tree = read(text)
    except QueryError as exc:
        assert not text.strip(), exc
        return
    assert isinstance(explain(tree), str)
    assert len(leaves(tree)) <= Limits().clauses
