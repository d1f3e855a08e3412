"""Small documents built in the tests: a PDF with text at given places, a web page, a Word file."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

# One line of a PDF page: (x, y, font size, text); y counts up from the page's foot, as PDF does.
PdfLine = tuple[float, float, float, str]


def pdf_bytes(pages: Sequence[Sequence[PdfLine]], title: str = "", width: int = 612, height: int = 792) -> bytes:
    """A PDF whose pages show ``pages``' lines in Helvetica (a font every PDF reader has)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               "/Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        ops = "".join(f"BT /F1 {size} Tf {x} {y} Td ({escape(text)}) Tj ET\n" for x, y, size, text in lines)
        stream = ops.encode("cp1252")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n" + stream.decode("cp1252") + "endstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
                       f"/Resources << /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    info = len(objects) + 1
    objects.append(f"<< /Title ({escape(title)}) /CreationDate (D:20200315120000) >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("cp1252")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def wrapped(text: str, width: int = 80) -> list[str]:
    """``text`` cut into lines of at most ``width`` characters, at spaces."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


def page_of(paragraphs: Sequence[str], header: str = "", number: int = 0, top: float = 700) -> list[PdfLine]:
    """A page of indented paragraphs at 11 pt under a running ``header``, with "Page N" at its foot."""
    out: list[PdfLine] = []
    if header:
        out.append((72, 750, 9, header))
    y = top
    for para in paragraphs:
        for k, line in enumerate(wrapped(para)):
            out.append((108 if k == 0 else 72, y, 11, line))
            y -= 14
    if number:
        out.append((290, 40, 9, f"Page {number}"))
    return out


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
