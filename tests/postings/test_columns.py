"""Facet columns read whole equal what each passage's stored fields say, across segments and deletions."""

from __future__ import annotations

import json

from searchkit.postings.columns import read_facet, removed_docnums
from searchkit.store.store import Store


def check_columns(index) -> tuple[int, int]:
    """Compare every live passage's column values with its stored fields; the numbers of segments and of
    deleted passages."""
    with Store.open(index).ix.searcher() as searcher:
        reader = searcher.reader()
        leaves = list(reader.leaf_readers())
        facets = {c: read_facet(leaves, c) for c in ("doc_id", "kind", "country", "speaker", "source", "month", "turn")}
        gone = set(removed_docnums(leaves))
        assert gone == {d for d in range(reader.doc_count_all()) if reader.is_deleted(d)}
        for docnum in range(reader.doc_count_all()):
            if docnum in gone:
                continue
            stored = reader.stored_fields(docnum)
            expected = dict(stored, month=stored.get("date", "")[:7])
            for column, facet in facets.items():
                assert facet.values[facet.codes[docnum]] == (expected.get(column) or ""), (docnum, column)
        return len(leaves), len(gone)


def test_columns_of_one_segment(seeds_index):
    assert check_columns(seeds_index) == (1, 0)


def test_columns_across_segments_with_deleted_passages(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCHKIT_BATCH_DOCS", "2")
    records = [{"id": f"d{n}", "text": f"Words of document {n}.\n\nQ: A question?\n\nA: An answer.",
                "date": f"20{10 + n}-0{1 + n % 9}-01", "country": ["VNM", "CHN", "FRA"][n % 3],
                "speaker": f"Speaker {n % 2}", "source": "MFA" if n % 2 else ""} for n in range(7)]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    assert run("index", str(path)).exit_code == 0
    records[3]["text"] = "Changed words."
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    assert run("index", str(path)).exit_code == 0
    segments, deleted = check_columns(tmp_path / "ix")
    assert segments > 1 and deleted > 0
