"""Phrases counted from a segment's ``.phr`` keys are the ones Whoosh's own phrase matcher counts, and a
word's passages read from them the ones Whoosh finds, however the segment was written (fresh, merged,
with deletions) and whatever the file holds or lacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.query import Term

from searchkit.analysis.chain import terms
from searchkit.postings import encode as lean
from searchkit.postings import phrasefile, phrases
from searchkit.postings.phrases import phrase_counts
from searchkit.postings.readers import Postings
from searchkit.store.store import Store
from tests.postings.test_phrases import whoosh_counts

SPEECHES = {
    "a.txt": "The right of peoples to self-determination is the right of all peoples.\n\n"
             "Peoples to peoples: the right of peoples to self-determination, again and again.\n",
    "b.txt": "A new international economic order. The new international economic order is not new.\n\n"
             "Order, order: economic order and international order.\n",
    "c.txt": "Small island developing States, small island developing States, and small islands.\n",
}


@pytest.fixture(params=["sets", "arrays", "sets, rare words from postings", "arrays, rare words from postings"])
def every_word(monkeypatch, request):
    """The places narrowed (a word's passages read) as Python sets, or as numpy arrays (the way for common
    words: VECTOR_KEYS forced); every word in the .phr file, or (as in a file of an older version, which
    held only words of 512 passages or more) words of a single passage read from the postings beside the
    others' keys."""
    monkeypatch.setattr(phrasefile, "MIN_POSTINGS", 2 if "postings" in request.param else 1)
    if request.param.startswith("arrays"):
        import numpy  # noqa: F401  (arrays are used once numpy is imported)

        monkeypatch.setattr(phrasefile, "VECTOR_KEYS", 0)
    else:
        monkeypatch.setattr(phrasefile, "VECTOR_KEYS", 10**12)


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def check(index: Path) -> int:
    """Every run of 1-4 analysed words of every passage (and a few found nowhere) is counted as Whoosh
    counts it; returns how many phrases were checked."""
    store = Store.open(index)
    with store.ix.searcher() as searcher:
        leaves = list(searcher.reader().leaf_readers())
        found = [("peopl", "peopl"), ("order", "order", "order"), ("new", "zzq"), ("right", "peopl", "right")]
        for d in range(searcher.doc_count_all()):
            words = terms(searcher.stored_fields(d).get("text", ""))
            found += [tuple(words[i : i + n]) for n in (1, 2, 3, 4) for i in range(len(words) - n + 1)]
        phrases = list(dict.fromkeys(found))
        for words in phrases:
            assert phrase_counts(leaves, "text", words) == whoosh_counts(searcher, "text", words), words
        post = Postings(searcher)
        for word in {w for words in phrases for w in words}:  # a word's passages, read from its keys
            assert post.passages("text", word) == set(searcher.docs_for_query(Term("text", word))), word
    return len(phrases)


def leaves_with_file(index: Path) -> tuple[int, int]:
    """(segments, segments whose .phr file opens)."""
    reader = Store.open(index).ix.reader()
    try:
        leaves = [leaf for leaf, _ in reader.leaf_readers()] if not reader.is_atomic() else [reader]
        return len(leaves), sum(phrasefile.open_for(leaf) is not None for leaf in leaves)
    finally:
        reader.close()


def test_a_fresh_segment_has_a_file_and_counts_match_whoosh(every_word, run, tmp_path):
    docs = write(tmp_path / "docs", SPEECHES)
    assert run("index", str(docs), "--jobs", "1").exit_code == 0
    assert leaves_with_file(tmp_path / "ix") == (1, 1)
    assert check(tmp_path / "ix") > 50


def test_merged_segments_with_deletions_get_keys_from_their_values(every_word, run, tmp_path, monkeypatch):
    decoded = []
    original = phrasefile.keys_from_values
    monkeypatch.setattr(phrasefile, "keys_from_values", lambda *a: decoded.append(1) or original(*a))
    docs = write(tmp_path / "docs", SPEECHES)
    assert run("index", str(docs), "--jobs", "1").exit_code == 0
    for n in range(5):  # Whoosh merges small segments once there are five
        write(docs, {f"d{n}.txt": "The right of peoples. Economic order, new order. " * (n + 1) + "\n"})
        if n == 2:
            write(docs, {"a.txt": "Peoples to self-determination: the right of peoples, at last.\n"})  # replaced
        assert run("index", str(docs), "--jobs", "1").exit_code == 0
    assert decoded, "no segment was merged: the test no longer covers postings without keys"
    segments, with_file = leaves_with_file(tmp_path / "ix")
    assert with_file == segments
    assert check(tmp_path / "ix") > 50


def test_an_unreadable_file_falls_back_to_the_postings(every_word, run, tmp_path, monkeypatch):
    docs = write(tmp_path / "docs", SPEECHES)
    assert run("index", str(docs), "--jobs", "1").exit_code == 0
    monkeypatch.setattr(phrasefile, "MAGIC", b"NOTOURS\n")  # as if written by another version
    assert leaves_with_file(tmp_path / "ix") == (1, 0)
    assert check(tmp_path / "ix") > 50


def test_positions_too_large_for_a_key_are_counted_from_the_postings(every_word, run, tmp_path, monkeypatch):
    for module in (lean, phrasefile, phrases):
        monkeypatch.setattr(module, "KEY_LIMIT", 6)  # a passage past 6 words gets no keys
    docs = write(tmp_path / "docs", {**SPEECHES, "e.txt": "Zebra crossing.\n"})
    assert run("index", str(docs), "--jobs", "1").exit_code == 0
    reader = Store.open(tmp_path / "ix").ix.reader()
    try:
        held = phrasefile.open_for(next(leaf for leaf, _ in reader.leaf_readers()))
        assert held is not None
        assert held.keys("text", b"peopl") is None  # also too far into its passages: left out of the file
        if phrasefile.MIN_POSTINGS == 1:  # zebra's one passage is short enough for keys
            assert len(held.keys("text", b"zebra") or []) == 1
    finally:
        reader.close()
    assert check(tmp_path / "ix") > 50


def test_deleted_passages_are_not_counted(every_word, run, tmp_path):
    docs = write(tmp_path / "docs", SPEECHES)
    assert run("index", str(docs), "--jobs", "1").exit_code == 0
    write(docs, {"a.txt": "Nothing about peoples here.\n\nNothing about peoples there.\n"})  # the old passages stay, deleted
    assert run("index", str(docs), "--jobs", "1").exit_code == 0
    reader = Store.open(tmp_path / "ix").ix.reader()
    assert reader.has_deletions()
    reader.close()
    assert leaves_with_file(tmp_path / "ix") == (2, 2)
    assert check(tmp_path / "ix") > 50


def test_the_directory_finds_every_word_and_nothing_else():
    rows = sorted((w.encode(), 8 * i, i + 1) for i, w in enumerate(["peopl", "order", "b", "économ", "zz"]))
    table = phrasefile.Table.load(phrasefile.Table.of(rows).dump())
    assert [table.get(word) for word, _, _ in rows] == [(at, n) for _, at, n in rows]
    assert [table.get(w) for w in (b"", b"a", b"peop", b"people", b"zzz", "é".encode())] == [None] * 6
    assert phrasefile.Table.of([]).get(b"a") is None


def test_a_directory_of_the_older_file_layout_is_read():
    import pickle
    import sys

    old = pickle.dumps((sys.byteorder, {"text": {b"order": (8, 3)}}), 5)
    assert phrasefile.read_directory(phrasefile.OLD_MAGIC, old)["text"].get(b"order") == (8, 3)
    new = pickle.dumps((sys.byteorder, {"text": phrasefile.Table.of([(b"order", 8, 3)]).dump()}), 5)
    assert phrasefile.read_directory(phrasefile.MAGIC, new)["text"].get(b"order") == (8, 3)
    other = "big" if sys.byteorder == "little" else "little"
    assert phrasefile.read_directory(phrasefile.MAGIC, pickle.dumps((other, {}), 5)) is None


@pytest.mark.parametrize("size", [0, 1, 31, 32, 33, 100])
def test_the_directory_finds_words_across_its_signposts(size):
    words = sorted({f"w{i * 7919 % 1000:03d}".encode() for i in range(size)})
    table = phrasefile.Table.of([(w, 8 * i, i + 1) for i, w in enumerate(words)])
    assert [table.get(w) for w in words] == [(8 * i, i + 1) for i in range(len(words))]
    assert [table.get(w + b"x") for w in words] == [None] * len(words)
    assert table.get(b"a") is None and table.get(b"z") is None


def test_the_file_is_held_open_while_its_reader_lives_and_closed_after(run, tmp_path):
    import gc
    import os

    docs = write(tmp_path / "docs", SPEECHES)
    assert run("index", str(docs), "--jobs", "1").exit_code == 0
    reader = Store.open(tmp_path / "ix").ix.reader()
    side = phrasefile.open_for(next(leaf for leaf, _ in reader.leaf_readers()) if not reader.is_atomic() else reader)
    assert side.keys("text", b"peopl") is not None and side.keys("text", b"order") is not None
    fd = side._fd
    assert fd is not None and side._descriptor() == fd  # one descriptor for every read
    reader.close()
    del side, reader
    gc.collect()
    with pytest.raises(OSError):
        os.fstat(fd)
