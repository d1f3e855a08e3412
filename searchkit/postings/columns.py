"""Per-passage values of a column, read whole: what counting groups matching passages by.

Whoosh reads a column one document at a time (a seek and an unpack each: about a second for 386,055
passages). A ``RefBytesColumn`` (``schema.facet``) is stored as one reference per passage and the distinct
values once, so a segment's references are one array read in a single call; the segments' values are
merged into one list, and every passage of the index gets the number of its value in that list.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Any, Sequence

from whoosh.columns import RefBytesColumn


@dataclass
class Facet:
    """``values[codes[docnum]]`` is a passage's value of one column (``""`` when it has none)."""

    codes: Sequence[int]
    values: list[str]


def read_facet(leaves: Sequence[tuple[Any, int]], field: str) -> Facet:
    """The column ``field`` of every segment (``(reader, base docnum)`` pairs, in order) as one ``Facet``."""
    codes = array("I")
    number: dict[bytes, int] = {}
    for leaf, base in leaves:
        refs, uniques = leaf_column(leaf, field)
        mapping = [number.setdefault(v, len(number)) for v in uniques]
        if len(codes) < base:  # a segment that reported fewer documents than its successor's base
            codes.extend([number.setdefault(b"", len(number))] * (base - len(codes)))
        if mapping == list(range(len(mapping))):
            codes.frombytes(array("I", refs).tobytes()) if isinstance(refs, array) else codes.extend(refs)
        else:
            codes.extend(map(mapping.__getitem__, refs))
    values = [v.decode("utf-8", "replace") for v in sorted(number, key=number.__getitem__)]
    return Facet(codes, values)


def leaf_column(leaf: Any, field: str) -> tuple[Sequence[int], list[bytes]]:
    """One segment's references (one per document) into its list of distinct values."""
    count = leaf.doc_count_all()
    if not leaf.has_column(field):
        return bytes(count), [b""]
    reader = leaf.column_reader(field, translate=False)
    if isinstance(reader, RefBytesColumn.Reader) and hasattr(reader, "_dbfile"):
        refs = reader._dbfile.get_array(reader._basepos, reader._typecode, count)
        return refs, list(reader._uniques)
    number: dict[bytes, int] = {}  # any other column: read value by value (doc_id's VarBytes column)
    refs = array("I", (number.setdefault(v if isinstance(v, bytes) else str(v).encode(), len(number))
                      for v in reader))
    return refs, list(number)
