"""Counts are exact: each equals what search finds, grouped by hand with the values export prints."""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

import pytest

from searchkit.search.counts import FIELDS, count
from searchkit.search.searcher import Options, Searcher
from searchkit.store.export import passages
from searchkit.store.store import Store
from tests.conftest import SEEDS, SHARED

PRESSCON = SHARED / "corpora" / "china-mfa-presscon" / "china_mfa_presscon_2018-2020.jsonl"
UN_SESSION = SHARED / "corpora" / "ungdc-sample" / "Session 25 - 1970"
SHOWN_KINDS = ("title", "body")


@pytest.fixture(autouse=True)
def unlimited(monkeypatch):
    """Exactness is checked on whole answers: no request is cut short by the time or memory limits, which a
    loaded machine can reach (a cut count says so: see test_a_count_cut_by_the_limits_says_so)."""
    monkeypatch.setenv("SEARCHKIT_MAX_SECONDS", "600")
    monkeypatch.setenv("SEARCHKIT_MAX_MEMORY_MB", "100000")


def value_of(field: str, record: dict) -> object:
    """A passage's value of ``field``, from its exported record (not from the columns counting reads)."""
    date = record["date"]
    if field == "year":
        return int(date[:4]) if date[:4].isdigit() else None
    if field == "month":
        return date[:7] if len(date) >= 7 else None
    return record["doc_id" if field == "doc" else field] or None


def by_hand(ids: list[str], records: dict[str, dict], fields: tuple[str, ...], docs: bool) -> Counter:
    keys = [(tuple(value_of(f, records[i]) for f in fields), records[i]["doc_id"]) for i in ids]
    return Counter(k for k, _ in (set(keys) if docs else keys))


def counted(result) -> Counter:
    return Counter({row.values: row.count for row in result.rows if row.count})


def random_queries(records: list[dict], n: int, seed: int) -> list[str]:
    """Words, phrases, OR, NOT, metadata filters and a wildcard, drawn from the corpus's own text."""
    rng = random.Random(seed)
    words = [w.strip(".,;:“”\"'()") for r in records for w in r["text"].split()]
    words = [w for w in words if len(w) > 3 and w.isalpha()]
    speakers = sorted({r["speaker"] for r in records if r["speaker"]}) or ["x"]
    shapes = [
        lambda: rng.choice(words),
        lambda: f'"{" ".join(words[(i := rng.randrange(len(words) - 1)):i + 2])}"',
        lambda: f"{rng.choice(words)} OR {rng.choice(words)}",
        lambda: f"{rng.choice(words)} {rng.choice(words)} -{rng.choice(words)}",
        lambda: f"{rng.choice(words)} turn:{rng.choice(['question', 'answer', 'statement'])}",
        lambda: f'{rng.choice(words)} speaker:"{rng.choice(speakers)}"',
        lambda: f"{rng.choice(words)} kind:{rng.choice(['caption', 'teaser', 'body'])}",
        lambda: f"{rng.choice(words)[:4]}*",
    ]
    return [rng.choice(shapes)() for _ in range(n)]


def check_counts(index: Path, n: int, seed: int) -> int:
    """Count ``n`` random queries by random fields and compare with search grouped by hand; the number
    of queries that matched something (so that a test cannot pass on empty results alone)."""
    store = Store.open(index)
    records = {r["passage_id"]: r for r in passages(store)}
    rng = random.Random(seed)
    nonempty = 0
    with Searcher(store) as searcher:
        for query in random_queries(list(records.values()), n, seed):
            fields = tuple(rng.sample(sorted(FIELDS), rng.choice([1, 1, 2])))
            docs = rng.random() < 0.3
            found = searcher.search(query, Options(limit=1_000_000, highlight=False))
            result = count(searcher, query, fields, docs=docs)
            assert not found.limits and not result.limits, (query, found.limits, result.limits)
            hits = found.hits
            expected = by_hand([h.passage_id for h in hits], records, fields, docs)
            assert counted(result) == expected, (query, fields, docs)
            shown = [i for i, r in records.items() if r["kind"] in SHOWN_KINDS or "kind:" in query]
            totals = by_hand(shown, records, fields, docs)
            assert all(row.total == totals[row.values] for row in result.rows), (query, fields, docs)
            nonempty += bool(hits)
    return nonempty


def test_counts_equal_search_grouped_by_hand_on_the_seeds(seeds_index):
    assert check_counts(seeds_index, 60, seed=1) >= 30


def test_count_cli_json_equals_search_json_grouped_by_hand(run, seeds_index):
    hits = [json.loads(line) for line in run("search", "China", "--json", "-n", "1000000", index=seeds_index).stdout.splitlines()]
    rows = [json.loads(line) for line in run("count", "China", "--by", "source", "--format", "json", index=seeds_index).stdout.splitlines()]
    assert {r["source"]: r["count"] for r in rows} == dict(Counter(h["source"] or None for h in hits))
    assert sum(r["count"] for r in rows) == len(hits) == 47


def test_years_without_a_match_count_zero_between_the_first_and_last(run, tmp_path):
    records = [{"id": f"d{y}", "date": f"{y}-05-01", "text": text} for y, text in
               [(2016, "Mekong water."), (2017, "Rice trade."), (2018, "Mekong dams. Rice."), (2020, "Rice.")]]
    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    assert run("index", str(tmp_path / "c.jsonl")).exit_code == 0
    assert run("count", "Mekong", "--format", "csv").stdout == (
        "year,count,total,rate\n2016,1,1,\n2017,0,1,\n2018,1,1,\n2019,0,0,\n2020,0,1,\n")
    assert run("count", "rice", "--by", "month").stdout.splitlines()[2:5] == [
        "month    count  total", "2016-05      0      1", "2016-06      0      0"]


def test_rates_and_exit_status(run, seeds_index):
    row = json.loads(run("count", "ASEAN", "--by", "kind", "--per", "1000", "--format", "json", index=seeds_index).stdout.splitlines()[0])
    assert row == {"kind": "body", "count": 55, "total": 59, "rate": round(55 * 1000 / 59, 4)}
    missing = run("count", "zzqx", index=seeds_index)
    assert missing.exit_code == 1 and missing.stdout == "" and "no passages match 'zzqx'" in missing.stderr
    wrong = run("count", "China", "--by", "colour", index=seeds_index)
    assert wrong.exit_code == 2 and "--by takes year, month, country" in wrong.stderr


def test_plot_draws_a_chart(run, seeds_index, tmp_path):
    pytest.importorskip("matplotlib", reason="the plot extra (pip install 'searchkit[plot]') is not installed")
    out = tmp_path / "trend.svg"
    result = run("count", "China", "--by", "source,year", "--plot", str(out), index=seeds_index)
    assert result.exit_code == 0 and "<svg" in out.read_text(encoding="utf-8")


def test_plot_says_what_to_install_or_fix_before_counting(run, seeds_index, tmp_path, monkeypatch):
    wrong = run("count", "China", "--plot", str(tmp_path / "trend.txt"), index=seeds_index)
    assert wrong.exit_code == 2 and wrong.stdout == "" and "give a file ending in .svg, .png, .pdf" in wrong.stderr
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if the extra were not installed
    missing = run("count", "China", "--plot", str(tmp_path / "trend.svg"), index=seeds_index)
    assert missing.exit_code == 2 and missing.stdout == ""
    assert missing.stderr == ("searchkit: --plot needs matplotlib, which is not installed: "
                              "pip install 'searchkit[plot]'\n")


def shared_index(tmp_path_factory, source: Path) -> Path:
    if not source.exists():
        pytest.skip(f"{source} is absent (../shared/corpora is not beside the checkout)")
    from click.testing import CliRunner

    from searchkit.cli.main import main

    index = tmp_path_factory.mktemp("shared") / "ix"
    result = CliRunner().invoke(main, ["--index", str(index), "index", str(source)])
    assert result.exit_code == 0, result.stderr
    return index


@pytest.mark.slow
def test_counts_equal_search_grouped_by_hand_on_press_conferences(tmp_path_factory):
    """Speakers, turns and dates by the day: 500 press conferences."""
    assert check_counts(shared_index(tmp_path_factory, PRESSCON), 50, seed=7) >= 25


@pytest.mark.slow
def test_counts_equal_search_grouped_by_hand_on_un_speeches(tmp_path_factory):
    """Countries: the 70 UN General Debate speeches of 1970, hard-wrapped, paragraphs numbered."""
    assert check_counts(shared_index(tmp_path_factory, UN_SESSION), 50, seed=11) >= 25


def test_seeds_are_where_the_tests_expect_them():
    assert SEEDS.is_dir()


def test_a_wide_table_continues_in_blocks_and_bars_are_coloured_only_when_asked(run, seeds_index):
    out = run("count", "China", "--by", "kind,source", "--all-kinds", "--width", "40",
              index=seeds_index).stdout.splitlines()
    assert out[2:9] == ["kind           TGVN     VNA     MFA", "body             11      12       3",
                        "caption           1       0       0", "title             2       0       0",
                        "boilerplate       1       0       0", "teaser            1       0       0", ""]
    assert out[-6:] == ["kind         (none)", "body             17", "caption           7", "title             2",
                        "boilerplate       0", "teaser            0"]
    assert all(len(line) <= 40 for line in out[2:])
    plain = run("count", "China", index=seeds_index).stdout
    assert "\x1b[" not in plain and "█" in plain
    assert "\x1b[36m█" in run("count", "China", "--color", "always", index=seeds_index).stdout


def test_a_count_cut_by_the_limits_says_so(run, seeds_index, monkeypatch):
    monkeypatch.setenv("SEARCHKIT_MAX_CLAUSES", "1")
    result = run("count", "China ASEAN", index=seeds_index)
    assert result.stderr.startswith("searchkit: limited: read the first 1 of 2 different words")
    assert result.stderr.endswith("; the figures leave out what was not reached\n")
    assert run("kwic", "China ASEAN", "-n", "1", index=seeds_index).stderr.startswith("searchkit: limited: ")
    assert run("terms", "China ASEAN", "-n", "1", index=seeds_index).stderr.startswith("searchkit: limited: ")
