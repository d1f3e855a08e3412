"""Field lengths read as one byte code per passage: the same as Whoosh's per-passage answer, also for a
field that no passage of a segment has (read at once, not passage by passage)."""

from __future__ import annotations

from whoosh.util.numeric import length_to_byte

from searchkit.search.searcher import Searcher
from searchkit.store.store import Store


def whoosh_codes(leaf, field: str) -> bytes:
    return bytes(length_to_byte(leaf.doc_field_length(d, field) or 0) for d in range(leaf.doc_count_all()))


def test_lengths_are_whoosh_s_in_every_field(run, tmp_path):
    untitled = tmp_path / "untitled"
    untitled.mkdir()
    (untitled / "note.txt").write_text("Sea lanes must stay open.\n\nFisheries too.\n", encoding="utf-8")
    titled = tmp_path / "titled"
    titled.mkdir()
    (titled / "press.jsonl").write_text(
        '{"id": "p1", "title": "Sea lanes and fisheries", "text": "The ministers met on the sea lanes."}\n',
        encoding="utf-8")
    index = tmp_path / "ix"
    assert run("index", str(untitled), index=index).exit_code == 0
    assert run("index", str(titled), index=index).exit_code == 0  # a second segment, with titles
    with Searcher.of(Store.open(index)) as searcher:
        post = searcher.post
        assert len(post.leaves) >= 2
        for field in ("text", "title"):
            expected = b"".join(whoosh_codes(leaf, field) for leaf, _ in post.leaves)
            assert post.length_bytes(field) == expected
        assert any(post.length_bytes("title")) and not all(post.length_bytes("title"))
