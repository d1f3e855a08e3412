"""Bounds on a query's cost (query/limits.py): each setting cuts what it says, says so, and leaves alone
what stays within it."""

from __future__ import annotations

import os
import re

import pytest

from searchkit.errors import InputError, QueryError
from searchkit.query import limits
from searchkit.query.expansion import cut_stem
from searchkit.query.limits import Budget, Limits, bound_text, bound_tree
from searchkit.query.parser import parse
from searchkit.query.plan import Compiler
from searchkit.query.tree import Pattern, Words, explain
from searchkit.search.searcher import Options, Searcher, read
from searchkit.store.store import Store


def test_settings_come_from_the_environment_and_a_bad_one_is_named():
    bounds = Limits.from_env({"SEARCHKIT_MAX_SECONDS": "2.5", "SEARCHKIT_MAX_CLAUSES": "7"})
    assert (bounds.seconds, bounds.clauses, bounds.expansions) == (2.5, 7, 64)
    with pytest.raises(InputError, match="SEARCHKIT_MAX_CLAUSES='many' is not a positive number"):
        Limits.from_env({"SEARCHKIT_MAX_CLAUSES": "many"})
    with pytest.raises(InputError, match="SEARCHKIT_MAX_SECONDS='0'"):
        Limits.from_env({"SEARCHKIT_MAX_SECONDS": "0"})


def test_a_setting_changed_between_requests_is_read_again(monkeypatch):
    monkeypatch.setenv("SEARCHKIT_MAX_CLAUSES", "7")
    assert Limits.from_env().clauses == 7
    monkeypatch.setenv("SEARCHKIT_MAX_CLAUSES", "9")
    assert Limits.from_env().clauses == 9
    monkeypatch.setenv("SEARCHKIT_MAX_CLAUSES", "none")
    for _ in range(2):  # a bad setting is named every time, not once
        with pytest.raises(InputError, match="SEARCHKIT_MAX_CLAUSES='none'"):
            Limits.from_env()
    monkeypatch.delenv("SEARCHKIT_MAX_CLAUSES")
    assert Limits.from_env().clauses == Limits().clauses


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="no /proc: memory is not measured here")
def test_memory_is_the_process_s_own_also_in_a_forked_child():
    assert limits.rss_mb() > 1
    reader, writer = os.pipe()
    if os.fork() == 0:  # the child grows by 64 MB; the parent's figure must not be what it reads
        before = limits.rss_mb()
        held = bytearray(64 * 2**20)
        os.write(writer, f"{limits.rss_mb() - before:.0f}".encode())
        del held
        os._exit(0)
    os.close(writer)
    grown = float(os.read(reader, 64))
    os.wait()
    assert grown >= 60


def test_a_long_query_is_cut_at_a_space_and_says_how_much_was_read():
    budget = Budget(Limits(query_chars=20))
    assert bound_text("alpha beta gamma delta epsilon", budget.limits, budget) == "alpha beta gamma"
    assert budget.cuts == ["read the first 16 of 30 characters (SEARCHKIT_MAX_QUERY_CHARS=20); shorten the query"]
    untouched = Budget(Limits())
    assert bound_text("alpha (beta)", untouched.limits, untouched) == "alpha (beta)" and not untouched.cuts


def test_parentheses_nested_too_deep_are_read_as_spaces_and_the_rest_parses():
    budget = Budget(Limits(depth=2))
    text = bound_text("(" * 50 + "trade" + ")" * 50, budget.limits, budget)
    assert explain(parse(text)) == "trade"
    assert "deeper than 2" in budget.cuts[0]


def test_clauses_past_the_limit_are_left_out_in_reading_order():
    budget = Budget(Limits(clauses=3))
    tree = bound_tree(parse("a1 (b2 -c3 d4) e5 year:2020"), budget.limits, budget)
    assert explain(tree) == "a1 (b2 -c3)"
    assert budget.cuts == ["read the first 3 of 6 different words, phrases, wildcards and fields "
                           "(SEARCHKIT_MAX_CLAUSES); search for fewer at a time"]


def test_a_clause_said_again_is_not_another_clause():
    budget = Budget(Limits(clauses=3))
    tree = bound_tree(parse("a1 b2 a1 -c3 a1 b2 d4 a1"), budget.limits, budget)
    assert explain(tree) == "a1 b2 a1 -c3 a1 b2 a1"  # only d4, a fourth different word, left out
    assert budget.cuts[0].startswith("read the first 3 of 4 different words")


def test_a_fuzzy_word_too_long_to_compare_is_matched_as_written():
    budget = Budget(Limits(edit_chars=7))
    tree = bound_tree(parse("sanctons~ title:negotiations~2 vaccine~"), budget.limits, budget)
    nodes = [n.node if hasattr(n, "node") and n.node else n for _, n in tree.clauses]
    assert [type(n).__name__ for n in nodes] == ["Words", "Words", "Pattern"]
    assert nodes[0] == Words("sanctons", ("sancton",)) and nodes[2] == Pattern("vaccine", fuzzy=1)
    assert len(budget.cuts) == 2


def test_read_bounds_the_query_of_every_caller():
    with limits.request(Limits(clauses=10, query_chars=5000)) as budget:
        tree = read(" ".join(f"x{n:03d}*" for n in range(1000)))  # different wildcards (not prose: no stop words)
    assert len(tree.clauses) == 10
    assert [c.split(" (")[0] for c in budget.cuts] == ["read the first 4,997 of 5,999 characters",
                                                        "read the first 10 of 833 different words, phrases, "
                                                        "wildcards and fields"]


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory):
    from click.testing import CliRunner

    from searchkit.cli.main import main
    from tests.conftest import SEEDS

    index = tmp_path_factory.mktemp("limits") / "ix"
    assert CliRunner().invoke(main, ["--index", str(index), "index", str(SEEDS)]).exit_code == 0
    return Store.open(index)


def slow_pattern_terms(reader, pattern: str) -> set[str]:
    """What a wildcard matches, by the whole lexicon: the rule of expansion.pattern_terms, unbounded."""
    prefix = re.split(r"[*?]", pattern, 1)[0]
    regex = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))
    found = set()
    for field in ("text", "title"):
        for raw in reader.lexicon(field):
            term = raw.decode() if isinstance(raw, bytes) else raw
            if regex.fullmatch(term) or (len(prefix) >= 4 and cut_stem(prefix, term) and len(prefix) - len(term) <= 3
                                         and prefix == pattern.rstrip("*")):
                found.add(term)
    return found


def frequencies(reader, pattern: str) -> dict[str, int]:
    """What a query's wildcard finds, each term with its frequency in the text (a title-only term has 0)."""
    with limits.request(Limits()):
        return Compiler(reader).pattern_terms(pattern)


@pytest.mark.parametrize("pattern", ["cooperat*", "lan*", "l*", "*ion", "g?een", "negotiat*", "a*e", "*"])
def test_wildcard_terms_are_those_of_a_scan_of_the_whole_lexicon(seeds_store, pattern):
    with seeds_store.ix.searcher() as searcher:
        reader = searcher.reader()
        fast = frequencies(reader, pattern)
        assert set(fast) == slow_pattern_terms(reader, pattern)
        assert all(df == reader.doc_frequency("text", t) for t, df in fast.items())


def test_an_expansion_keeps_the_most_frequent_terms_and_says_so(seeds_store):
    with seeds_store.ix.searcher() as searcher, limits.request(Limits(expansions=3)) as budget:
        reader = searcher.reader()
        kept = Compiler(reader).expand(Pattern("c*"))
        every = frequencies(reader, "c*")
    assert kept == sorted(every, key=lambda t: (-every[t], t))[:3]
    assert budget.cuts == []  # said once the plan is compiled (Compiler.plan)


def test_a_search_past_its_time_limit_answers_with_what_it_has_and_a_note(seeds_store, monkeypatch):
    searcher = Searcher(seeds_store)
    try:
        whole = searcher.search("lanes vaccine cooperation ASEAN", Options())
        with limits.request(Limits(seconds=5)):
            monkeypatch.setattr(Budget, "elapsed", lambda self: 6.0)  # as if each step took that long
            cut = searcher.search("lanes vaccine cooperation ASEAN", Options())
    finally:
        searcher.close()
    assert whole.limits == [] and whole.total > 0 and all(h.limits is None for h in whole.hits)
    assert cut.total <= whole.total and len(cut.limits) == 1
    assert cut.limits[0].startswith("stopped ") and "SEARCHKIT_MAX_SECONDS" in cut.limits[0]
    assert all(h.limits == cut.limits for h in cut.hits)


def test_the_hard_stop_turns_an_overrun_into_a_one_line_error():
    with pytest.raises(QueryError, match="took 0.0125 s of processor time and was stopped"):
        with limits.request(Limits(seconds=0.01)):
            while True:
                pass


def test_a_bounded_search_says_so_on_stderr_and_in_json(run, corpus, monkeypatch):
    assert run("index", str(corpus)).exit_code == 0
    monkeypatch.setenv("SEARCHKIT_MAX_CLAUSES", "100")
    done = run("search", "--json", "lan* " + " ".join(f"lan{n}*" for n in range(199)))
    assert done.exit_code == 0
    assert "searchkit: limited: read the first 100 of 200 different words" in done.stderr
    assert all("read the first 100 of 200" in json_line["limits"][0] for json_line in map(__import__("json").loads,
                                                                                            done.stdout.splitlines()))


def test_a_long_phrase_is_matched_by_its_first_words():
    budget = Budget(Limits(phrase_words=2))
    tree = bound_tree(parse('"fast lanes green lanes" trade'), budget.limits, budget)
    assert explain(tree) == '"fast lane" trade'
    assert budget.cuts == ["matched the first 2 of a phrase's 4 words (SEARCHKIT_MAX_PHRASE_WORDS); "
                           "quote a shorter part of it"]
