"""A term's postings as two numpy arrays, docnums and frequencies: what ``Postings.blocks`` yields, joined,
for scoring tens of thousands of postings at once (``search/dense.py``).

Blocks are decoded as ``blocks.ids_and_weights`` decodes them; what differs is only where they go: into
one list per segment, turned into arrays once, instead of through a generator and a dict per block.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

from searchkit.postings.blocks import ids_and_weights
from searchkit.postings.readers import Postings, leaf_blocks, open_postings


def term_arrays(post: Postings, field: str, term: str) -> tuple[Any, Any]:
    """Every posting of ``term`` in ``field``: docnums (ascending) and frequencies, deleted passages left out."""
    import numpy as np

    ids_parts, tfs_parts = [], []
    if field in post.reader.schema:
        for (leaf, base), info in zip(post.leaves, post.term_infos(field, term)):
            if info is None:
                continue
            ids, tfs = leaf_arrays(open_postings(leaf, field, term.encode("utf-8"), info))
            ids_parts.append(ids + base)
            tfs_parts.append(tfs)
    if not ids_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids_parts), np.concatenate(tfs_parts)


def leaf_arrays(matcher: Any) -> tuple[Any, Any]:
    """One segment's postings (docnums within the segment) from its matcher."""
    import numpy as np

    deleted = None
    if isinstance(matcher, FilterMatcher):
        deleted, matcher = matcher._ids, matcher.child
    ids: list[Any] = []
    tfs: list[Any] = []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            block_ids, weights = ids_and_weights(matcher)
            ids.append(block_ids)
            tfs.append(weights)
            matcher._next_block()
    else:
        for block_ids, weights in leaf_blocks(matcher, 0, None):
            ids.append(block_ids)
            tfs.append(weights)
    id_array = np.fromiter(chain.from_iterable(ids), dtype=np.int64)
    tf_array = np.fromiter(chain.from_iterable(tfs), dtype=np.float64)
    if deleted:
        keep = ~np.isin(id_array, np.fromiter(deleted, dtype=np.int64, count=len(deleted)))
        id_array, tf_array = id_array[keep], tf_array[keep]
    return id_array, tf_array
