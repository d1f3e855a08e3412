"""Reading a Word file (.docx): the body's paragraphs, tables and text boxes in reading order, then the
footnotes (kind ``note``).

python-docx opens the package and gives its parts and core properties; the body is read from its XML so
that nothing is lost or doubled: tracked insertions are read and deletions are not (the document as it
would be accepted), field codes are left out, a text box is read once (not again from its fallback
copy), and a table row is one paragraph with its cells apart by `` | ``. Running headers and footers are
not text; a UN symbol printed in them is the ``symbol`` field.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Iterator

from searchkit.ingest.dates import find_date
from searchkit.ingest.document import Document, Item, Skipped, safe_name
from searchkit.ingest.pdflines import SYMBOL

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT_BOX = f"{W}txbxContent"
HEADING_STYLES = ("Title", "Heading", "HCh", "H1", "H23")
NEAR_TOP = 8


def read_docx(path: Path, data: bytes, doc_id: str) -> Item:
    """One Word file as a ``Document`` (or a ``Skipped`` notice saying why it was not read)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document: Any = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
        reason = "is not a Word file (not a .docx zip package)" if isinstance(
            exc, (PackageNotFoundError, zipfile.BadZipFile)) else "is a damaged Word file"
        return Skipped(str(path), f"{reason}; open it in Word or LibreOffice and save it as .docx again")
    paras = [p for p in body_paragraphs(document.element.body)] + [(t, "note") for t in footnotes(document)]
    paras = [(t, k) for t, k in paras if t]
    if not paras:
        return Skipped(str(path), "holds no text", empty=True)
    parts, kinds, at = [], [], 0
    for text, kind in paras:
        if kind:
            kinds.append((at, at + len(text), kind))
        parts.append(text)
        at += len(text) + 2
    meta = docx_meta(document, [t for t, _ in paras])
    return Document(doc_id, safe_name(str(path)), "\n\n".join(parts), meta, layout="given", kinds=kinds)


def body_paragraphs(element: Any) -> Iterator[tuple[str, str]]:
    """``(text, kind)`` of each paragraph, table row and text box under ``element``, in order."""
    for child in element:
        if child.tag == f"{W}p":
            yield " ".join(run_text(child).split()), "title" if heading(child) else ""
            for box in child.iter(TEXT_BOX):
                if not any(a.tag == FALLBACK for a in box.iterancestors()):
                    yield from body_paragraphs(box)
        elif child.tag == f"{W}tbl":
            for row in child.iter(f"{W}tr"):
                cells = [" ".join(" ".join(run_text(p).split()) for p in cell.iter(f"{W}p")).strip()
                         for cell in row.iter(f"{W}tc")]
                yield " | ".join(c for c in cells if c), "body"  # a row, never a heading
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}ins", f"{W}customXml"):
            yield from body_paragraphs(child)


def run_text(paragraph: Any) -> str:
    """A paragraph's own text: ``w:t`` (tracked insertions too), tabs and breaks; not its text boxes."""
    out = []
    for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if any(a.tag in (TEXT_BOX, FALLBACK) for a in node.iterancestors()):
            continue
        out.append(node.text or "" if node.tag == f"{W}t" else " ")
    return "".join(out)


def heading(paragraph: Any) -> bool:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return style is not None and str(style.get(f"{W}val", "")).startswith(HEADING_STYLES)


def footnotes(document: Any) -> list[str]:
    """The text of each real footnote (not the separators Word keeps among them)."""
    from lxml import etree

    for rel in document.part.rels.values():
        if rel.reltype.endswith("/footnotes") and not rel.is_external:
            root = etree.fromstring(rel.target_part.blob)
            return [" ".join(run_text(p) for p in note.iter(f"{W}p")).strip()
                    for note in root.iter(f"{W}footnote") if note.get(f"{W}type") is None]
    return []


def docx_meta(document: Any, texts: list[str]) -> dict[str, str]:
    """The title and date from the file's properties or its opening lines; a UN symbol from its headers."""
    core = document.core_properties
    meta: dict[str, str] = {}
    if core.title and len(core.title.split()) >= 2:
        meta["title"] = " ".join(core.title.split())
    found = find_date(" \n ".join(texts[:NEAR_TOP]))
    if found and found[1]:
        meta["date"] = found[0]
    elif core.created is not None:
        meta["date"] = core.created.date().isoformat()
    for text in header_texts(document) + texts[:NEAR_TOP]:
        symbol = SYMBOL.search(text)
        if symbol:
            meta["symbol"] = symbol.group().rstrip(".,")
            break
    return meta


def header_texts(document: Any) -> list[str]:
    """The text of each paragraph of the running headers (text boxes and tables in them too)."""
    from lxml import etree

    out = []
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/header") and not rel.is_external:
            root = etree.fromstring(rel.target_part.blob)
            out.extend(run_text(p) for p in root.iter(f"{W}p"))
    return [t for t in out if t.strip()]
