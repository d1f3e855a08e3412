"""Phrase occurrences counted by ``phrases.py`` are the ones Whoosh's own phrase matcher counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq

from searchkit.analysis.chain import terms
from searchkit.postings.phrases import phrase_counts
from searchkit.postings.readers import Postings
from searchkit.store.store import Store
from tests.conftest import SHARED


def whoosh_counts(searcher, field: str, words: tuple[str, ...]) -> dict[int, int]:
    counts = {}
    matcher = wq.Phrase(field, list(words)).matcher(searcher)
    while matcher.is_active():
        counts[matcher.id()] = max(len(matcher.spans()), 1)
        matcher.next()
    return counts


def phrases_of(texts: list[str], limit: int) -> list[tuple[str, ...]]:
    """Runs of 2-4 analysed words taken from the texts themselves, and a few that occur nowhere."""
    found: list[tuple[str, ...]] = []
    for text in texts:
        words = terms(text)
        for n in (2, 3, 4):
            found += [tuple(words[i : i + n]) for i in range(0, max(len(words) - n, 0), 7)]
    found += [("lane", "lane"), ("green", "lane", "green"), ("zzq", "lane"), ("fast", "zzq")]
    return list(dict.fromkeys(found))[:limit]


def check(index: Path, limit: int) -> int:
    store = Store.open(index)
    with store.ix.searcher() as searcher:
        leaves = list(searcher.reader().leaf_readers())
        texts = [searcher.stored_fields(d).get("text", "") for d in range(0, searcher.doc_count_all(), 3)]
        phrases = phrases_of(texts, limit)
        post = Postings(searcher)
        for words in phrases:
            expected = whoosh_counts(searcher, "text", words)
            assert phrase_counts(leaves, "text", words) == expected, words
            infos = [post.term_infos("text", w) for w in words]  # looked up once, as ranking does
            assert phrase_counts(post.leaves, "text", words, infos) == expected, words
    return len(phrases)


def test_phrase_counts_match_whoosh_on_the_seeds(seeds_index):
    assert check(seeds_index, 400) > 100


def test_phrase_counts_match_whoosh_over_several_segments_with_deletions(run, corpus, tmp_path):
    (corpus / "more.txt").write_text("Green lanes, green lanes and fast lanes.\n\nLanes lanes lanes.\n", encoding="utf-8")
    assert run("index", str(corpus)).exit_code == 0
    (corpus / "later.txt").write_text("Fast lanes reopen; the green lanes stay.\n", encoding="utf-8")
    (corpus / "more.txt").write_text("Lanes lanes lanes. Green lanes.\n", encoding="utf-8")  # replaced: deletions
    assert run("index", str(corpus)).exit_code == 0
    reader = Store.open(tmp_path / "ix").ix.reader()
    assert len(list(reader.leaf_readers())) > 1 and reader.has_deletions()
    reader.close()
    assert check(tmp_path / "ix", 200) >= 8


def test_phrase_counts_match_whoosh_on_un_speeches(run, tmp_path):
    sample = SHARED / "corpora" / "ungdc-sample" / "Session 70 - 2015"
    if not sample.is_dir():
        pytest.skip("needs ../shared/corpora/ungdc-sample (the UN General Debate sample)")
    files = sorted(sample.glob("*.txt"))[:12]
    folder = tmp_path / "un"
    folder.mkdir()
    for f in files:
        (folder / f.name).write_bytes(f.read_bytes())
    assert run("index", str(folder)).exit_code == 0
    assert check(tmp_path / "ix", 600) > 300
