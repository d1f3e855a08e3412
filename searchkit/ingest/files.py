"""Reading inputs from files or folders: text (.txt, .md), .jsonl (one document a line), and published
formats (.html/.htm, .pdf, .docx), each read by its own module (``html``, ``pdf``, ``docx``).

Yields ``Document`` objects and ``Skipped`` notices; a bad file or line never stops a run: binary and
empty files, undecodable text (read in a legacy encoding, and said), broken JSONL lines, unreadable files,
special files, symlink loops, oversized documents, corrupt or encrypted PDFs, broken Word files and files
in other formats are each one notice.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
from pathlib import Path
from typing import BinaryIO, Iterator, Union

from searchkit.ingest.document import Document, Item, Skipped, safe_name

TEXT_SUFFIXES = (".txt", ".md")
PUBLISHED_SUFFIXES = (".html", ".htm", ".pdf", ".docx")
SUFFIXES = (*TEXT_SUFFIXES, ".jsonl", *PUBLISHED_SUFFIXES)
READ_FORMATS = ", ".join(SUFFIXES)
META_FIELDS = ("title", "date", "date_inferred", "source", "url", "speaker", "country", "lang", "symbol")
LEGACY_ENCODINGS = ("cp1252", "latin-1")  # latin-1 decodes anything: the last resort
MAX_DOC_BYTES = 8 * 1024 * 1024  # one document (a .txt file or a JSONL line); UN speeches are ~20 KB
MAX_FILE_BYTES = 128 * 1024 * 1024  # a PDF or Word file (images make them large; their text is small)
BINARY_SNIFF = 8192


def shown(path: object) -> str:
    """A name for a one-line message: relative to the current folder when inside it, as a user typed it,
    with control characters (a newline in a file name) escaped.

    >>> shown("odd\\nname.txt")
    'odd\\\\nname.txt'
    """
    text = safe_name(str(path))
    if os.path.isabs(text):
        try:
            relative = os.path.relpath(text)
        except (ValueError, OSError):  # another drive (Windows), or the current folder is gone
            relative = text
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            text = relative
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def is_input(name: str) -> bool:
    return name.lower().endswith(SUFFIXES) and not name.startswith(".")


def is_published(path: str) -> bool:
    """Whether ``path`` is a page, PDF or Word file: its offsets count in the text read from it."""
    return path.lower().endswith(PUBLISHED_SUFFIXES)


def other_format(path: str) -> Skipped:
    suffix = os.path.splitext(path)[1] or "a file without a suffix"
    return Skipped(path, f"{suffix} is not a format searchkit reads ({READ_FORMATS})", other_format=True)


def walk(root: Path) -> Iterator[Union[Path, Skipped]]:
    """Every .txt and .jsonl file below ``root`` (or ``root`` itself), sorted.

    A symlinked folder is followed when it leads out of ``root`` (once per target); one leading back
    inside is left to the walk of its real path, and one leading to a folder above it (a loop) is reported.
    """
    if not root.is_dir():
        yield root
        return
    root_real, followed = os.path.realpath(root), set()
    problems: list[Skipped] = []

    def onerror(exc: OSError) -> None:
        problems.append(Skipped(str(exc.filename), f"cannot be listed ({exc.strerror}); check its permissions"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=True):
        yield from problems
        problems.clear()
        kept = []
        for name in sorted(d for d in dirnames if not d.startswith(".")):
            sub = os.path.join(dirpath, name)
            if not os.path.islink(sub):
                kept.append(name)
                continue
            try:
                target = os.path.realpath(sub, strict=True)
            except OSError as exc:
                yield Skipped(sub, link_problem(exc))
                continue
            if within(os.path.realpath(dirpath), target):
                yield Skipped(sub, "is a symlink loop (it leads to a folder above it); not followed")
            elif target in followed:
                yield Skipped(sub, "leads to a folder already indexed through another link; not followed")
            elif not within(target, root_real):
                followed.add(target)
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if is_input(name):
                yield Path(dirpath) / name
            elif not name.startswith("."):
                yield other_format(os.path.join(dirpath, name))
    yield from problems


def within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it (both real paths).

    >>> within("/a/b/c", "/a/b"), within("/a/bc", "/a/b")
    (True, False)
    """
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def link_problem(exc: OSError) -> str:
    if exc.errno == 40:  # ELOOP
        return "is a symlink loop (it leads back to itself)"
    if isinstance(exc, FileNotFoundError):
        return "is a broken symlink (its target is gone)"
    return f"cannot be read ({exc.strerror or exc}); check its permissions"


def read_file(path: Path, doc_id: str) -> Iterator[Item]:
    """The documents held by one file."""
    try:
        st = os.stat(path)
    except OSError as exc:
        yield Skipped(str(path), link_problem(exc))
        return
    if not stat.S_ISREG(st.st_mode):
        yield Skipped(str(path), "is not a regular file (a pipe, socket or device)")
        return
    if st.st_size == 0:
        yield Skipped(str(path), "is empty", empty=True)
        return
    if is_published(str(path)):
        yield from read_published(path, st.st_size, doc_id)
        return
    try:
        with open(path, "rb") as stream:
            if path.suffix.lower() == ".jsonl":
                yield from read_jsonl(path, stream)
            else:
                yield from read_text(path, stream, st.st_size, doc_id)
    except OSError as exc:
        yield Skipped(str(path), f"cannot be read ({exc.strerror or exc}); check its permissions")


def read_published(path: Path, size: int, doc_id: str) -> Iterator[Item]:
    """A page, PDF or Word file, read by its format's module (imported here: a search never needs them)."""
    if size > MAX_FILE_BYTES:
        yield Skipped(str(path), f"is {size / 2**20:.0f} MB, over the {MAX_FILE_BYTES >> 20} MB limit for one "
                                 "file; split it into smaller files")
        return
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from searchkit.ingest.pdf import read_pdf as reader
    elif suffix == ".docx":
        from searchkit.ingest.docx import read_docx as reader
    else:
        from searchkit.ingest.html import read_html as reader
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot be read ({exc.strerror or exc}); check its permissions")
        return
    yield reader(path, data, doc_id)


def read_text(path: Path, stream: BinaryIO, size: int, doc_id: str) -> Iterator[Item]:
    if size > MAX_DOC_BYTES:
        yield Skipped(str(path), f"is {size / 2**20:.0f} MB, over the {MAX_DOC_BYTES >> 20} MB limit for one "
                                 "document; split it into smaller files")
        return
    data = stream.read()
    if not data.strip():
        yield Skipped(str(path), "is empty (only white space)", empty=True)
        return
    text, encoding = decode(data)
    if text is None:
        yield Skipped(str(path), f"looks binary (it holds NUL bytes); searchkit reads {READ_FORMATS}")
        return
    yield Document(doc_id, safe_name(str(path)), text, encoding=encoding)


def decode(data: bytes) -> tuple[Union[str, None], str]:
    """Text and encoding name: UTF-16 with a BOM, UTF-8 (a BOM dropped), else a legacy encoding.

    ``None`` for binary data (NUL bytes outside UTF-16).

    >>> decode("café".encode("cp1252"))
    ('café', 'cp1252')
    >>> decode(codecs.BOM_UTF8 + "ok".encode())
    ('ok', 'utf-8')
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\0" in data[:BINARY_SNIFF]:
        return None, ""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in LEGACY_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def jsonl_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes, bool]]:
    """``(number, line, whole)`` for each line; an oversized line is read past, and ``whole`` is False."""
    number = 0
    while raw := stream.readline(MAX_DOC_BYTES + 1):
        number += 1
        whole = len(raw) <= MAX_DOC_BYTES or raw.endswith(b"\n")
        if not whole:
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
        yield number, raw, whole


def read_jsonl(path: Path, stream: BinaryIO) -> Iterator[Item]:
    head = stream.read(BINARY_SNIFF)
    if b"\0" in head:
        yield Skipped(str(path), f"looks binary (it holds NUL bytes); searchkit reads {READ_FORMATS}")
        return
    stream.seek(0)
    any_text = False
    for number, raw, whole in jsonl_lines(stream):
        where = f"{path}:{number}"
        if not whole:
            yield Skipped(where, f"is over the {MAX_DOC_BYTES >> 20} MB limit for one document; split it")
            continue
        if not raw.strip() or (number == 1 and not raw.lstrip(codecs.BOM_UTF8).strip()):
            continue
        any_text = True
        text, encoding = decode(raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw)
        yield record_document(path, where, number, text or "", encoding)
    if not any_text:
        yield Skipped(str(path), "is empty (no JSON lines)", empty=True)


def valid_text(text: str) -> str:
    """``text`` with lone surrogates (from ``\\ud800`` escapes in JSON) replaced: they cannot be written out."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def record_document(path: Path, where: str, number: int, line: str, encoding: str) -> Item:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return Skipped(where, f"is not valid JSON ({exc.msg} at column {exc.colno}); fix or remove that line")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str) or "id" not in record:
        return Skipped(where, 'needs a JSON object with "id" and "text"; fix or remove that line')
    if not isinstance(record["id"], (str, int)) or not str(record["id"]).strip():
        return Skipped(where, 'has an empty or non-scalar "id"; give each line a unique string id')
    title = record.get("title") if isinstance(record.get("title"), str) else ""
    if not record["text"].strip() and not title.strip():
        return Skipped(where, "has an empty text", empty=True)
    meta = {k: valid_text(str(record[k])) for k in META_FIELDS if record.get(k) not in (None, "")}
    # A record with only a title (a catalogue entry, a paper without abstract) is its title.
    text = valid_text((record["text"] if record["text"].strip() else title).lstrip("\ufeff"))
    doc_id = valid_text(str(record["id"]))
    return Document(doc_id, safe_name(str(path)), text, meta, line=number, encoding=encoding)
