"""searchkit terms: log-likelihood keyness of words and phrases in a query's passages against the rest."""

from __future__ import annotations

import json
import math
from collections import Counter

from searchkit.analysis.chain import terms as index_terms


def rows(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_the_typical_words_of_a_query_with_their_counts(run, seeds_index):
    assert run("terms", "ASEAN", "-n", "3", index=seeds_index).stdout == (
        "61 passages match 'ASEAN'\n"
        "  term       kind      here  elsewhere   keyness\n"
        "  trade      word        19          0      10.5\n"
        "  China      word        94         15       7.2\n"
        "  strategic  word        11          0       6.1\n"
    )


def test_counts_and_scores_equal_what_the_passages_say_by_hand(run, seeds_index):
    """Here: the matching passages' own terms; elsewhere: every other passage of the index; the score is
    Dunning's G2 of the two; the query's words, stop words and function words are never listed."""
    matching = {h["passage_id"] for h in rows(run("search", "ASEAN", "--json", "-n", "1000", index=seeds_index))}
    passages = rows(run("export", index=seeds_index))
    here = Counter(t for p in passages if p["passage_id"] in matching for t in index_terms(p["text"]))
    there = Counter(t for p in passages if p["passage_id"] not in matching for t in index_terms(p["text"]))
    c, d = sum(here.values()), sum(there.values())
    found = rows(run("terms", "ASEAN", "-n", "50", "--format", "json", index=seeds_index))
    words = [r for r in found if r["kind"] == "word"]
    assert len(words) >= 10
    for row in words:
        (stem,) = index_terms(row["term"])
        a, b = here[stem], there[stem]
        assert (row["count"], row["elsewhere"]) == (a, b), row
        e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
        g2 = 2 * (a * math.log(a / e1) + (b * math.log(b / e2) if b else 0))
        assert abs(row["score"] - g2) < 0.01 and a / c > b / d, row
    listed = {r["term"].lower() for r in found}
    assert not listed & {"asean", "the", "and", "which", "our"}
    assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)


def test_per_value_of_a_field_and_exit_status(run, seeds_index):
    out = run("terms", "ASEAN", "-n", "2", "--by", "year", "--format", "csv", index=seeds_index).stdout
    assert out.splitlines()[0] == "year,term,kind,count,elsewhere,score"
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ["2020", "2020", "", ""]
    assert run("terms", "zzqx", index=seeds_index).exit_code == 1
    wrong = run("terms", "ASEAN", "--by", "year,kind", index=seeds_index)
    assert wrong.exit_code == 2 and "--by takes" in wrong.stderr
