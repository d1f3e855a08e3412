"""The index folder as Whoosh storage: read through the file, in parts that the unpickler can peek into.

Whoosh maps a compound segment into memory and copies every part it opens into a ``BytesIO``: a search
over the UN corpus at 100,000 passages grew to 390 MB and spent 0.25 s copying before its first answer.
Without the map, each part is a ``SubFile`` over the segment file; but Whoosh reads every posting block's
header with ``pickle.load``, and without ``peek`` the C unpickler asks a file for a few bytes at a time:
at 100,000 passages a long query made half a million such reads, each a seek and a read. ``Part`` adds
``peek`` (from the buffered segment file), so a header is one or two reads.
"""

from __future__ import annotations

import pickle
from typing import Any, Optional

from whoosh.codec import whoosh3
from whoosh.filedb.compound import SubFile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile


class Part(SubFile):
    """A part of a compound segment file, with ``peek`` for the unpickler."""

    def peek(self, size: int = 1) -> bytes:
        left = self._length - self._pos
        if left <= 0:
            return b""
        self._file.seek(self._offset + self._pos)
        return self._file.peek(min(max(size, 1), left))[:left]


class SegmentFile(StructFile):
    """A segment file whose parts (``subset``) are ``Part`` objects."""

    def subset(self, offset: int, length: int, name: Optional[str] = None) -> StructFile:
        return StructFile(Part(self.file, offset, length), name=name or self._name)


class IndexStorage(FileStorage):
    """``FileStorage`` without memory maps, its files opened as ``SegmentFile``."""

    def __init__(self, path: str, readonly: bool = False) -> None:
        super().__init__(path, supports_mmap=False, readonly=readonly)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return SegmentFile(open(self._fpath(name), "rb"), name=name, **kwargs)


POSTING_PICKLE = 5


def _dumps(obj: Any, protocol: int = 2) -> bytes:
    return pickle.dumps(obj, POSTING_PICKLE)


def use_posting_pickle() -> None:
    """Have Whoosh pickle posting blocks with protocol 5; every writer applies it before it writes.

    Whoosh pickles each block of 128 postings with protocol 2, which can write a bytes object (a posting's
    positions) only as a call to ``codecs.encode``: loading one block cost 0.2 ms, most of reading a posting
    list. Protocol 5 writes bytes as bytes: a block loads seven times faster and compresses to half the
    size. Every reader of the format (``pickle.loads``) reads both, so older indexes stay valid, only slower.
    """
    whoosh3.dumps = _dumps
