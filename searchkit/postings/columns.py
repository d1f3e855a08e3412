"""Per-passage values of a column, read whole: what counting groups matching passages by.

Whoosh reads a column one document at a time (a seek and an unpack each: about a second for 386,055
passages). A ``RefBytesColumn`` (``schema.facet``) is stored as one reference per passage and the distinct
values once, so a segment's references are one array read in a single call; the segments' values are
merged into one list, and every passage of the index gets the number of its value in that list.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Iterator, Sequence

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
    values = varbytes_values(leaf, field, count)
    if values is None:
        reader = leaf.column_reader(field, translate=False)
        if isinstance(reader, RefBytesColumn.Reader) and hasattr(reader, "_dbfile"):
            refs = reader._dbfile.get_array(reader._basepos, reader._typecode, count)
            return refs, list(reader._uniques)
        values = [v if isinstance(v, bytes) else str(v).encode() for v in reader]  # read value by value
    number = {v: i for i, v in enumerate(dict.fromkeys(values))}
    return array("I", map(number.__getitem__, values)), list(number)


def varbytes_values(leaf: Any, field: str, count: int) -> Any:
    """A ``VarBytesColumn``'s values in one read (its lengths array, then the data), or None for a column
    stored otherwise. Whoosh's reader would seek once per document."""
    perdoc = getattr(leaf, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_get_column_file") or \
            type(leaf.schema[field].column_type).__name__ != "VarBytesColumn":
        return None
    colfile, basepos, length = perdoc._get_column_file(field)
    try:
        last = basepos + length - 1
        code = chr(colfile.get_byte(last))
        if code == "X":  # offsets stored before the typecodes: step over them
            code, offsets = chr(colfile.get_byte(last - 2)), chr(colfile.get_byte(last - 1))
            last = last - 2 - count * struct.calcsize(offsets)
        lengths = colfile.get_array(last - struct.calcsize(code) * count, code, count)
        data = colfile.get(basepos, sum(lengths))
    finally:
        colfile.close()
    ends = list(accumulate(lengths))
    return list(map(data.__getitem__, map(slice, [0, *ends[:-1]], ends)))


def removed_docnums(leaves: Sequence[tuple[Any, int]]) -> Iterator[int]:
    """Docnums of deleted passages (still in their segment until it is merged)."""
    for leaf, base in leaves:
        if leaf.has_deletions():
            perdoc = getattr(leaf, "_perdoc", None)
            if perdoc is not None and hasattr(perdoc, "deleted_docs"):
                yield from (base + d for d in perdoc.deleted_docs())
            else:
                yield from (base + d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d))
