"""Reading a PDF: the text a reader sees, page by page, as paragraphs that know their pages.

pypdfium2 (PDFium, the PDF engine of Chrome) reads the text layer with every character's box; lines,
furniture and paragraphs are found in ``pdflines``. The title is the PDF's own when it is a real one (not a
file name), else the document's headline; the date is the first one in the title or page 1's header,
else the PDF's creation date; a UN symbol printed in the header block is the ``symbol`` field.

A corrupt file, an encrypted one and a scan without a text layer are each one ``Skipped`` notice. A scan
is read with OCR when the ``ocr`` extra (Pillow) and Tesseract are installed, and flagged ``ocr``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Optional

from searchkit.ingest.dates import find_date
from searchkit.ingest.document import Document, Item, Skipped, safe_name
from searchkit.ingest.pdflines import PdfLine, mark_furniture, mark_notes, page_lines, paragraphs, un_symbol

MIN_CHARS_PER_PAGE = 20  # fewer letters than this on average: page images, not text
FILE_TITLE = re.compile(r"^(?:Microsoft (?:Word|PowerPoint) - )|\.(?:docx?|pdf|rtf|indd|tmp)$|^untitled$", re.I)
PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")
OCR_DPI = 300


def read_pdf(path: Path, data: bytes, doc_id: str) -> Item:
    """One PDF as a ``Document`` (or a ``Skipped`` notice saying why it was not read)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            return Skipped(str(path), "is encrypted (it needs a password); save an unprotected copy to index it")
        return Skipped(str(path), "is not a readable PDF (damaged or cut short); download or export it again")
    try:
        return read_open_pdf(path, pdf, doc_id)
    except pdfium.PdfiumError:
        return Skipped(str(path), "is not a readable PDF (a page is damaged); download or export it again")
    finally:
        pdf.close()


def read_open_pdf(path: Path, pdf: Any, doc_id: str) -> Item:
    pages, heights = [], []
    for number in range(len(pdf)):
        page = pdf[number]
        textpage = page.get_textpage()
        pages.append(page_lines(textpage, number))
        heights.append(page.get_height())
        textpage.close()
        page.close()
    meta = pdf_meta(pdf.get_metadata_dict(), pages)
    letters = sum(len(ln.text) for lines in pages for ln in lines)
    if letters < MIN_CHARS_PER_PAGE * max(1, len(pages)):
        return read_scan(path, pdf, doc_id, meta)
    mark_furniture(pages, heights)
    mark_notes(pages)
    symbol = un_symbol(pages)
    if symbol:
        meta["symbol"] = symbol
    text, starts, kinds = layout_text(pages)
    return Document(doc_id, safe_name(str(path)), text, meta, layout="given", pages=starts, kinds=kinds)


def layout_text(pages: list[list[PdfLine]]) -> tuple[str, list[int], list[tuple[int, int, str]]]:
    """The text (paragraphs apart by a blank line, a paragraph's lines by a newline), where each page
    begins in it, and the spans of footnotes."""
    parts: list[str] = []
    starts: dict[int, int] = {}
    kinds: list[tuple[int, int, str]] = []
    at = 0
    for para in paragraphs(pages):
        begin = at
        for k, line in enumerate(para):
            starts.setdefault(line.page, at)
            parts.append(line.text + ("\n" if k < len(para) - 1 else ""))
            at += len(parts[-1])
        if para[0].note:
            kinds.append((begin, at, "note"))
        parts.append("\n\n")
        at += 2
    text = "".join(parts).rstrip("\n")
    # A page with no text of its own (a blank page, one of furniture only) starts where the next one does.
    offsets, following = [0] * len(pages), len(text) + 1
    for number in reversed(range(len(pages))):
        following = offsets[number] = starts.get(number, following)
    return text, offsets, kinds


def pdf_meta(info: dict[str, str], pages: list[list[PdfLine]]) -> dict[str, str]:
    """The PDF's title (when it is one) and the date of the document."""
    meta: dict[str, str] = {}
    title = " ".join((info.get("Title") or "").split())
    if title and not FILE_TITLE.search(title) and len(title.split()) >= 2:
        meta["title"] = title
    top = " \n ".join([title] + [ln.text for ln in (pages[0][:12] if pages else [])])
    found = find_date(top)
    created = PDF_DATE.match(info.get("CreationDate") or "")
    if found and found[1]:
        meta["date"] = found[0]
    elif created:
        meta["date"] = "-".join(created.groups())
    return meta


def read_scan(path: Path, pdf: Any, doc_id: str, meta: dict[str, str]) -> Item:
    """A scan: read with OCR when Tesseract and Pillow are there, else named as a scan."""
    text = ocr_text(pdf)
    if text is None:
        return Skipped(str(path), "is a scan without a text layer; pip install 'searchkit[ocr]' and install "
                                  "tesseract-ocr to read it", scanned=True)
    if not text.strip():
        return Skipped(str(path), "is a scan, and OCR found no text on its pages", scanned=True)
    pages, parts = [], []
    for page_text in text.split("\f"):
        pages.append(sum(len(p) + 2 for p in parts))
        parts.extend(p.strip() for p in re.split(r"\n\s*\n", page_text) if p.strip())
    meta["ocr"] = "true"
    return Document(doc_id, safe_name(str(path)), "\n\n".join(parts), meta, layout="given", pages=pages)


def ocr_text(pdf: Any) -> Optional[str]:
    """Tesseract's text of every page, pages apart by a form feed; None when OCR is not installed."""
    tesseract = shutil.which("tesseract")
    try:
        import PIL  # noqa: F401  (pypdfium2 renders pages to Pillow images)
    except ImportError:
        return None
    if tesseract is None:
        return None
    texts = []
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(len(pdf)):
            image = pdf[number].render(scale=OCR_DPI / 72).to_pil()
            png = Path(tmp) / f"{number}.png"
            image.save(png)
            done = subprocess.run([tesseract, str(png), "stdout"], capture_output=True, text=True, check=False)
            texts.append(done.stdout if done.returncode == 0 else "")
    return "\f".join(texts)
