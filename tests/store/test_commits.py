"""A search opened just before an index run merges segments away still finds its index."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchkit.store.store import Store


def commit_until_gone(run, corpus: Path, store: Store) -> None:
    """Commit documents one at a time until the segments ``store`` was opened at are merged away (and
    their files deleted, two commits later)."""
    first = {s.segment_id() for s in store.ix._toc.segments}
    for n in range(40):
        (corpus / f"new{n}.txt").write_text(f"Fisheries talks {n}\n\nThe fisheries talks went on.\n", encoding="utf-8")
        assert run("index", str(corpus)).exit_code == 0
        if not any(p.name.startswith(s + ".") for s in first for p in store.directory.iterdir()):
            return
    pytest.fail("no merge deleted the first segments")


def test_a_search_opened_before_its_segments_were_merged_away_reads_the_newest_commit(run, corpus, tmp_path):
    assert run("index", str(corpus)).exit_code == 0
    store = Store.open(tmp_path / "ix", lazy=True)  # as a search opens it: no manifest read
    opened = store.generation
    commit_until_gone(run, corpus, store)
    with store.ix.searcher() as searcher:
        assert searcher.doc_count() == Store.open(tmp_path / "ix").ix.doc_count()
    assert store.generation > opened
    assert len(store.manifest.docs) == len(Store.open(tmp_path / "ix").manifest.docs)


def test_a_store_whose_manifest_is_read_stays_at_its_commit(run, corpus, tmp_path):
    assert run("index", str(corpus)).exit_code == 0
    store = Store.open(tmp_path / "ix")
    commit_until_gone(run, corpus, store)
    with pytest.raises(FileNotFoundError):
        store.ix.searcher()
