"""Reading a web page: its main text as paragraphs, and the metadata the page itself gives.

trafilatura finds the main text (menus, language bars, share buttons and related links are left out) and
the page's title, canonical URL, publication date (through htmldate) and author; its tree of the main
text gives the paragraphs (``p``, ``head``, list items, table rows; a ``<br>`` inside a paragraph starts
a new one unless the next line runs on in lower case). Footnotes (after a "Notes" heading, or ending in a
"Return to text" link) are kind ``note``. A page that does not say its encoding is read as UTF-8 when it
decodes, else as charset-normalizer judges, else as Windows-1252.
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from pathlib import Path
from typing import Any, Optional

from searchkit.ingest.dates import find_date
from searchkit.ingest.document import Document, Item, Skipped, safe_name

DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
BLOCKS = {"p", "head", "item", "quote", "row", "code"}
NOTES_HEADING = re.compile(r"(?:Foot|End)?notes?|References|Sources", re.I)
BACKLINK = re.compile(r"\s*(?:Return to text|Back to text|↩︎?|\^)\s*$")
# "Remarks by Chairman Alan Greenspan", "Chairman Ben S. Bernanke", "Remarks by Ben S. Bernanke",
# "Vice Chair for Supervision Randal K. Quarles", "Paper by Governor Ben S. Bernanke and Vincent R. Reinhart"
OFFICE = (r"(?:Vice )?(?:Chair(?:man|woman)?|Governor|President|Secretary|Minister|Ambassador|Senator|"
          r"Under Secretary|Deputy Secretary|Spokesperson)(?: for Supervision)?(?: and Chair of the (?:[A-Z]\w+ ){1,4}"
          r"Board)?")
_NAME = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4}(?:,? [JS]r\.?)?"
BYLINE = re.compile(rf"^(?:(?P<verb>Remarks|Speech|Testimony|Statement|Address|Opening Remarks|Paper|Presentation) "
                    rf"(?:by|of) (?:{OFFICE} )?|{OFFICE} )(?P<name>{_NAME}(?: and {_NAME})?)(?:, [A-Z].*)?$")
SPEAKER_CLASS = re.compile(r"""<[^>]+class=["'][^"']*\b(?:speaker|byline|author)\b[^"']*["'][^>]*>([^<]{3,160})<""",
                           re.I)
NEAR_TOP = 6
HEAD_CHARS = 60000
SITE_NAME = re.compile(r" (?:[|–—]|-) (?:\S+ ?){1,4}$")  # "... | Ministry", "... - Federal Reserve Board"
DATE_NAMED = re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")
META = re.compile(r"""<meta\s+(?:name|property)=["'](?P<key>og:title|og:url|author)["']\s+"""
                  r"""content=["'](?P<value>[^"']*)""", re.I)
CANONICAL = re.compile(r"""<link\s[^>]*rel=["']canonical["'][^>]*href=["']([^"']+)""", re.I)


LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"'<>]{1,500})""", re.I)
LINK_DATE = re.compile(r"((?:19|20)\d\d)[/_.-]?([01]\d)[/_.-]?([0-3]\d)")


TAG = re.compile(rb"<[^>]*>")
WESTERN_ASCII = 0.98  # English with a few accents and dashes; French has about 4% of other letters


def decode_page(data: bytes) -> tuple[str, str]:
    """The page's text and the encoding it was read in."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    declared = DECLARED.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii")), "utf-8"
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if western(data):
        return data.decode("cp1252"), "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = best.encoding if best is not None else "cp1252"
    # Western pages without a declared charset are nearly always Windows-1252, which the guess often
    # takes for a close cousin (cp1250, latin-1) that reads the same letters but not its quotes.
    if encoding in ("cp1250", "latin_1", "iso8859_15", "iso8859_2", "ascii"):
        encoding = "cp1252"
    return data.decode(encoding, "replace"), encoding


def western(data: bytes) -> bool:
    """Whether a page without a declared charset is Windows-1252 before any guess: its text (outside tags)
    at least ``WESTERN_ASCII`` ASCII and every other byte a Windows-1252 character. A detector's guess on
    a few accents and dashes is often a cousin that reads them as other letters (cp775: "André" as
    "Andrķ"); a page in Cyrillic, Greek or Central European letters has far more of them.

    >>> western("Andr\xe9 \x97 ".encode("latin-1") + b"an English page " * 10)
    True
    >>> western("\u041c\u0438\u0440 ".encode("cp1251") * 9)
    False
    """
    text = TAG.sub(b" ", data)
    high = sum(1 for b in text if b >= 0x80)
    if high > len(text) * (1 - WESTERN_ASCII):
        return False
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: no Windows-1252 character
        return False
    return True


def read_html(path: Path, data: bytes, doc_id: str) -> Item:
    """One page as a ``Document`` (or a ``Skipped`` notice when it holds no text)."""
    import trafilatura

    page, encoding = decode_page(data)
    if not page.strip():
        return Skipped(str(path), "is empty", empty=True)
    # The page's metadata is read here (trafilatura's own reading costs twice its extraction).
    found: Any = trafilatura.bare_extraction(page, include_comments=False, include_tables=True, favor_recall=True)
    paras = paragraphs(found.body) if found is not None and found.body is not None else []
    if not paras:
        return Skipped(str(path), "holds no main text (an empty page, a redirect or a script-only page)",
                       empty=True)
    text, kinds = join_paragraphs(paras)
    meta = page_meta(page, [t for t, _ in paras])
    if "date" not in meta:
        meta.update(named_date(path.name))
    return Document(doc_id, safe_name(str(path)), text, meta, encoding=encoding, layout="given", kinds=kinds)


def paragraphs(body: Any) -> list[tuple[str, str]]:
    """``(text, kind)`` of each paragraph of trafilatura's main-text tree, in reading order."""
    out: list[tuple[str, str]] = []
    for element in body.iter(*BLOCKS):
        if element.getparent() is not None and any(a.tag in BLOCKS for a in element.iterancestors()):
            continue  # a paragraph inside a table row or list item is read with it
        out.extend(split_breaks(element))
    return mark_notes([(t, k) for t, k in out if t])


def split_breaks(element: Any) -> list[tuple[str, str]]:
    """An element's text, cut at each ``<lb/>`` unless the next line runs on in lower case."""
    lines = [""]
    for piece in inline(element):
        if piece == "\n":
            lines.append("")
        else:
            lines[-1] += piece
    out: list[str] = []
    for line in (" ".join(x.split()) for x in lines):
        if not line:
            continue
        if out and (line[0].islower() or out[-1][-1:] in ",;-–"):
            out[-1] += " " + line
        else:
            out.append(line)
    kind = "title" if element.tag == "head" else ""
    return [(line, kind) for line in out]


def inline(element: Any) -> list[str]:
    """The text of an element as runs, with ``"\\n"`` for each line break (table cells apart by a bar)."""
    out = [element.text or ""]
    for k, child in enumerate(element):
        if child.tag == "lb":
            out.append("\n")
        elif child.tag == "cell":
            out.extend(([" | "] if k else []) + inline(child))
        elif child.tag in BLOCKS:
            out.extend(["\n", *inline(child), "\n"])
        elif child.tag != "graphic":
            out.extend(inline(child))
        out.append(child.tail or "")
    return out


def mark_notes(paras: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Footnotes are ``note``: the paragraphs under a "Notes" heading, and any ending in a back-link."""
    out, in_notes = [], False
    for text, kind in paras:
        if kind == "title" or (len(text.split()) <= 2 and NOTES_HEADING.fullmatch(text.strip(" :"))):
            in_notes = bool(NOTES_HEADING.fullmatch(text.strip(" :")))
            out.append((text, "boilerplate" if in_notes else kind))
            continue
        backlink = BACKLINK.search(text)
        if backlink and backlink.start() > 0:
            out.append((text[:backlink.start()], "note"))
        else:
            out.append((text, "note" if in_notes else kind))
    return out


def join_paragraphs(paras: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int, str]]]:
    """The document's text (paragraphs apart by a blank line) and the spans of known kinds."""
    parts, kinds, at = [], [], 0
    for text, kind in paras:
        if kind in ("note", "boilerplate"):
            kinds.append((at, at + len(text), kind))
        parts.append(text)
        at += len(text) + 2
    return "\n\n".join(parts), kinds


def page_meta(page: str, texts: list[str]) -> dict[str, str]:
    """Title, date, canonical URL and speaker as the page gives them."""
    import html

    head = page[:HEAD_CHARS]
    named = {m.group("key").lower(): " ".join(html.unescape(m.group("value")).split()) for m in META.finditer(head)}
    title = named.get("og:title") or page_title(head)
    meta = {"title": title} if title else {}
    meta.update(dated(title, page))
    canonical = CANONICAL.search(head)
    url = html.unescape(canonical.group(1)) if canonical else named.get("og:url", "")
    if url.startswith(("http://", "https://")):
        meta["url"] = url
    speaker = byline(page, texts) or author(named.get("author", ""))
    if speaker:
        meta["speaker"] = speaker
    return meta


def dated(title: str, page: str) -> dict[str, str]:
    """The date a title gives (the day of the statement: a page's own dates are often its last update),
    else the page's publication date (htmldate)."""
    from htmldate import find_date as page_date

    in_title = find_date(re.sub(r"(?<=[A-Za-z])(?=\d)", " ", title))
    if in_title and in_title[1]:
        return {"date": in_title[0]}
    # A month and day without a year ("... on September 10") take the year of the files the page shows or
    # links to when they are dated within a week of that day (content systems name uploads by date:
    # W020180910..., /uploads/2018/09/); else the year of the page's date, looked for harder then.
    year = year_of_links(page, in_title[0]) if in_title else None
    if year and in_title:
        return {"date": f"{year}-{in_title[0]}", "date_inferred": "true"}
    found = page_date(page, extensive_search=bool(in_title), original_date=True)
    if found and in_title:
        return {"date": f"{found[:4]}-{in_title[0]}", "date_inferred": "true"}
    return {"date": found} if found else {}


def year_of_links(page: str, month_day: str) -> Optional[str]:
    """The year the page's dated links (``src``/``href``) give for ``month_day`` ("MM-DD"): links dated
    within a week of that day in their own year, on that very day or two of them at least (a site's logo,
    dated once, says nothing of a page); the year most of them give.

    >>> year_of_links('<img src="W020180922012.jpg"><img src="W020180922013.jpg">', "09-21")
    '2018'
    >>> year_of_links('<img src="/images/P020180901587.png">', "09-03") is None
    True
    """
    month, day = (int(part) for part in month_day.split("-"))
    links: dict[str, set[str]] = {}
    exact: set[str] = set()
    for link in LINK.findall(page):
        for match in LINK_DATE.finditer(link):
            year = match.group(1)
            try:
                found = date(int(year), int(match.group(2)), int(match.group(3)))
                apart = abs((found - date(int(year), month, day)).days)
            except ValueError:  # not a date, or the 29th of February of another year
                continue
            if apart <= 7:
                links.setdefault(year, set()).add(link)
                if not apart:
                    exact.add(year)
    held = [(len(found), year) for year, found in links.items() if year in exact or len(found) >= 2]
    return max(held)[1] if held else None


def named_date(name: str) -> dict[str, str]:
    """A date the file is named by, as sites name their pages (``19961031.htm``, ``powell20191009a.htm``).

    >>> named_date("19961031.htm"), named_date("t1558711.html")
    ({'date': '1996-10-31'}, {})
    """
    match = DATE_NAMED.search(name)
    found = find_date(f"{match.group(1)}-{match.group(2)}-{match.group(3)}") if match else None
    return {"date": found[0]} if found and found[1] else {}


def page_title(head: str) -> str:
    """The ``<title>``, without the site's name after a bar or dash.

    >>> page_title("<title>UK statement on Ukraine - GOV.UK</title>"), page_title("<title>A - B</title>")
    ('UK statement on Ukraine', 'A - B')
    """
    import html

    match = TITLE.search(head)
    title = " ".join(html.unescape(match.group(1)).split()) if match else ""
    site = SITE_NAME.search(title)
    return title[:site.start()] if site and len(title[:site.start()].split()) >= 3 else title


def byline(page: str, texts: list[str]) -> str:
    """The speaker's name from a marked byline ("Chairman Ben S. Bernanke") or an opening line that says
    who speaks ("Remarks by Chairman Alan Greenspan"; not a bare "President Xi Jinping" in the text)."""
    import html

    marked = [html.unescape(m.group(1)).strip() for m in SPEAKER_CLASS.finditer(page)][:2]
    for text in marked + texts[:NEAR_TOP]:
        match = BYLINE.match(" ".join(text.split()))
        if match and (text in marked or match.group("verb")):
            return match.group("name")
    return ""


def author(value: Optional[str]) -> str:
    """trafilatura's author field, unless it is a site or an agency rather than a person."""
    if not value or len(value) > 60 or not any(c.islower() for c in value):
        return ""
    return value.split(";")[0].strip()
