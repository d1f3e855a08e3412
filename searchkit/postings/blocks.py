"""A Whoosh posting block's document ids and weights, without decoding its positions.

Whoosh stores a block as one zlib-compressed pickle of ``(ids, weights, values)``, and for a field with
positions each value is a small pickle of its own. Ranking needs ids and weights only, yet Whoosh's
reader unpickles the whole tuple: at 386,000 UN passages, reading the posting lists of a ten-word query
spent most of its time creating the values' bytes objects. Ids and weights come first in the pickle, so
only that prefix is decompressed (``max_length``) and unpickled; the weights, a run of BINFLOAT opcodes,
are read with one ``struct`` call. Any block whose prefix is not laid out as expected (tiny blocks pickle
their tuples with other opcodes) is read by Whoosh's own code, so the answer is always Whoosh's.
``positions_decoder`` reads a posting's value (its positions), for phrases, proximity and the ``.phr`` file.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from itertools import accumulate
from pickle import loads
from typing import Any, Optional, Sequence

from whoosh.formats import Positions
from whoosh.system import _INT_SIZE

Block = tuple[Sequence[int], Sequence[float]]

# Per pickle protocol: what starts a block's pickle, and where its ids' MARK is; what ends the ids
# (TUPLE, then BINPUT 0 or MEMOIZE: the ids tuple closes and is memoised first). Protocol 2 is Whoosh's
# own; store/storage.py writes protocol 5, whose pickle starts with a FRAME header.
_LAYOUTS = ((b"\x80\x02(", 2, b"tq\x00"), (b"\x80\x05\x95", 11, b"t\x94"))
_FLOAT = ord("G")  # BINFLOAT: 'G' and a big-endian double
_FORMATS: dict[int, struct.Struct] = {}
_STOP = ord(".")  # a pickle ends with STOP


def prefix_bound(count: int) -> int:
    """At most how many pickle bytes ids and weights of ``count`` postings take (ints of 5 bytes at most,
    floats of 9) before the values start."""
    return 16 + 14 * count


def ids_and_weights(m: Any) -> Block:
    """``(ids, weights)`` of the current block of a ``W3LeafMatcher`` (ids relative to its segment)."""
    found = _from_prefix(m) if m._data is None else None
    if found is None:
        return _whoosh(m)
    return found


def _whoosh(m: Any) -> Block:
    """Whoosh's own decoding (the whole block)."""
    ids = block_ids(m)
    m._read_weights()
    return ids, m._weights


def block_ids(m: Any) -> Sequence[int]:
    """The ids of the current block as Whoosh decodes them (the whole block is read), with the running
    sum in C rather than Whoosh's generator."""
    if m._data is None:
        m._read_data()
    return m._data[0] if m._byteids else tuple(accumulate(m._data[0]))


def _from_prefix(m: Any) -> Optional[Block]:
    count = m._blocklength
    if count < 4 or m._byteids:  # pickle writes tuples of 1-3 items with other opcodes
        return None
    data = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
    if m._compression:
        data = zlib.decompressobj().decompress(data, prefix_bound(count))
    return parse_prefix(data, count)


def parse_prefix(data: bytes, count: int) -> Optional[Block]:
    """Ids (delta-decoded) and weights from the start of a block's pickle, or None if it is laid out
    otherwise than ``pickle.dumps((ids, weights, values), 2)`` (or protocol 5) lays out ``count`` ints
    and floats."""
    layout = next((lay for lay in _LAYOUTS if data.startswith(lay[0])), None)
    if layout is None or data[layout[1] : layout[1] + 1] != b"(":
        return None
    _, start, ids_end = layout
    end = data.find(ids_end, start + 1)
    if end < 0:
        return None
    try:
        deltas = pickle.loads(data[start : end + 1] + b".")
    except Exception:
        return None
    if not isinstance(deltas, tuple) or len(deltas) != count:
        return None  # an id's bytes happened to look like the end of the tuple: let Whoosh read it
    weights = _weights(data, end + len(ids_end), count)
    if weights is None:
        return None
    return tuple(accumulate(deltas)), weights


def _weights(data: bytes, at: int, count: int) -> Optional[Sequence[float]]:
    """The weights pickled at ``at``: None (all 1.0), one float (all equal), or a tuple of floats."""
    head = data[at : at + 1]
    if head == b"N":
        return (1.0,) * count
    if head == b"G" and len(data) >= at + 9:
        return (struct.unpack(">d", data[at + 1 : at + 9])[0],) * count
    stop = at + 1 + 9 * count
    if head != b"(" or len(data) <= stop or data[stop] != ord("t"):
        return None
    run = data[at + 1 : stop]
    if run[::9] != bytes([_FLOAT]) * count:
        return None
    unpack = _FORMATS.get(count)
    if unpack is None:
        unpack = _FORMATS[count] = struct.Struct(">" + "xd" * count)
    return unpack.unpack(run)


def positions_decoder(format_: Any) -> Any:
    """``format_.decode_positions``; for Whoosh's ``Positions``, the same with the running sum in C, on
    bytes or a memory view (``.phr`` files)."""
    if type(format_) is not Positions:
        return format_.decode_positions

    def decode(value: Any) -> list[int]:
        body = value[_INT_SIZE:]
        deltas = loads(body if body[-1] == _STOP else bytes(body) + b".")
        return deltas if len(deltas) < 2 else list(accumulate(deltas))

    return decode
