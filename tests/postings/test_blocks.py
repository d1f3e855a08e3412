"""Ids and weights read from a block's pickle prefix are exactly what Whoosh's own decoding gives."""

from __future__ import annotations

import pickle
import random
import zlib

from searchkit.postings.blocks import _whoosh, ids_and_weights, parse_prefix
from searchkit.store.store import Store


def every_block(store: Store):
    """(fast, whoosh) decodings of every block of every term of every field, over all segments."""
    reader = store.ix.reader()
    try:
        for leaf, _ in reader.leaf_readers():
            for field, term in leaf.all_terms():
                if not leaf.schema[field].format.supports("frequency"):
                    continue
                fast, slow = leaf.postings(field, term), leaf.postings(field, term)
                while fast.is_active():
                    found = ids_and_weights(fast)
                    yield found, _whoosh(slow), fast._data is None  # None: read from the prefix only
                    fast._next_block()
                    slow._next_block()
    finally:
        reader.close()


def test_every_block_decodes_as_whoosh_decodes_it(run, tmp_path):
    rng = random.Random(3)
    words = "trade sanctions climate fisheries vaccine summit treaty border ocean delegation".split()
    lines = ["The " + " ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) + "." for _ in range(900)]
    (tmp_path / "many.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    assert run("index", str(tmp_path / "many.txt")).exit_code == 0
    pairs = list(every_block(Store.open(tmp_path / "ix")))
    assert sum(prefix for _, _, prefix in pairs) > 50  # full blocks of frequent words: the fast path
    for (ids, weights), (whoosh_ids, whoosh_weights), _ in pairs:
        assert list(ids) == list(whoosh_ids)
        assert [float(w) for w in weights] == [float(w) for w in whoosh_weights]


def test_each_weights_layout_and_anything_else_is_left_to_whoosh():
    ids = (3, 1, 4, 1, 5)
    values = tuple(pickle.dumps([n]) for n in range(5))
    for weights, expected in ((None, [1.0] * 5), (2.0, [2.0] * 5), ((1.0, 2.0, 1.0, 3.0, 1.5), [1.0, 2.0, 1.0, 3.0, 1.5])):
        for protocol in (2, 5):  # Whoosh's own, and what storage.py writes
            data = pickle.dumps((ids, weights, values), protocol)
            assert parse_prefix(data, 5) == ((3, 4, 8, 9, 14), tuple(expected))
            partial = zlib.decompressobj().decompress(zlib.compress(data, 3), 16 + 14 * 5)
            assert parse_prefix(partial, 5) == ((3, 4, 8, 9, 14), tuple(expected))
    assert parse_prefix(pickle.dumps((ids, None, values), 4), 5) is None  # a layout not known: Whoosh reads it
    assert parse_prefix(pickle.dumps(((1, 2, 3, 4), (1, 2, 3, 4), ()), 2), 4) is None  # int weights
    assert parse_prefix(pickle.dumps(((1, 2, 3, 4), None, ()), 2), 5) is None  # a count that disagrees
    assert parse_prefix(pickle.dumps(([1, 2, 3, 4], None, ()), 2), 4) is None  # not a tuple
    assert parse_prefix(pickle.dumps(((70000, 7, 9, 300), None, ()), 2), 4) == ((70000, 70007, 70016, 70316), (1.0,) * 4)
