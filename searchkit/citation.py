"""Formatting a citation from whatever metadata a passage has, in several styles.

Every style uses only the fields that exist (title, speaker, issuer/source, date, URL, paragraph) and never
invents one: a missing date is APA's "n.d.", elsewhere it is left out. A local file's path is no URL: it
is never printed where a URL belongs. A role is no author: a reporter's question at a press conference is
cited as a question (from the outlet its marker names, when it names one), never with "journalist" as
its author. Names written family name first (Lu Kang, Zhao Lijian, Kim Gunn) stay whole in BibTeX.

>>> meta = {"doc_id": "pc-1", "title": "Press conference", "source": "MFA", "date": "2020-05-11",
...         "speaker": "Zhao Lijian", "para": 2, "url": "https://example.org/pc-1"}
>>> print(format_citation(meta, "apa"))
Zhao Lijian. (2020, May 11). Press conference. MFA. https://example.org/pc-1 (para. 2)
>>> print(format_citation(meta, "chicago"))
Zhao Lijian, "Press conference," MFA, May 11, 2020, para. 2, https://example.org/pc-1.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

STYLES = ("plain", "apa", "chicago", "bibtex", "csl-json")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


# What the ingest stage records as the speaker of a turn whose speaker it cannot name: a role, not a name.
ROLE_SPEAKERS = {"journalist": "question", "spokesperson": "answer"}
# A question's own marker naming an outlet ("Reuters: Could you ..."), not a generic one ("Q:", "Follow-up:").
OUTLET = re.compile(r"(?P<who>[A-Z][\w.&'’-]*(?: [A-Za-z][\w.&'’-]*){0,4})\s*[:：]")
GENERIC_MARKERS = {"q", "question", "follow-up", "follow up", "journalist", "reporter", "a follow-up question"}
URL = re.compile(r"^(?:https?|ftp)://\S+$|^doi:\S+$", re.I)


def role(meta: Mapping[str, object]) -> str:
    """What a passage is when its speaker is a role: ``question from Reuters``, ``question from a
    journalist``, ``answer by the spokesperson``; "" for a passage whose speaker is a person (or unknown).

    >>> role({"speaker": "journalist", "text": "Reuters: Could you confirm?"})
    'question from Reuters'
    >>> role({"speaker": "journalist", "text": "Q: Any comment?"}), role({"speaker": "Lu Kang"})
    ('question from a journalist', '')
    """
    kind = ROLE_SPEAKERS.get(_text(meta, "speaker").lower()) or {"question": "question"}.get(_text(meta, "turn"))
    if kind == "answer":
        return "answer by the spokesperson"
    if kind != "question":
        return ""
    marker = OUTLET.match(_text(meta, "text"))
    outlet = marker.group("who") if marker and marker.group("who").lower() not in GENERIC_MARKERS else ""
    return f"question from {outlet}" if outlet else "question from a journalist"


def author(meta: Mapping[str, object]) -> str:
    """The speaker when it is a person's name; "" for a role."""
    return "" if role(meta) else _text(meta, "speaker")


def paragraph_ref(meta: Mapping[str, object]) -> str:
    """``para. N``, after the page of a PDF: ``p. 12, para. 40``."""
    label = meta.get("para_label") or meta.get("para")
    para = f"para. {label}" if label not in (None, "") else ""
    start = meta.get("page_start")
    if not isinstance(start, int) or not start:
        return para
    end = meta.get("page_end")
    pages = pages_ref(start, end if isinstance(end, int) else None)
    return f"{pages}, {para}" if para else pages


def pages_ref(start: int, end: object = None) -> str:
    """``p. 12``, or ``pp. 12-13`` for a passage across a page break.

    >>> pages_ref(12), pages_ref(12, 13)
    ('p. 12', 'pp. 12-13')
    """
    return f"pp. {start}-{end}" if isinstance(end, int) and end > start else f"p. {start}"


def plain(meta: Mapping[str, object]) -> str:
    """``Title. Source, date, para. N`` with the parts that exist, and the URL when known.

    >>> plain({"title": "Fast lanes", "source": "VNA", "date": "2020-11-09", "para": 3})
    'Fast lanes. VNA, 2020-11-09, para. 3'
    >>> plain({"title": "Remarks", "date": "2013-07-10", "para": 4, "url": "https://example.org/r"})
    'Remarks. 2013-07-10, para. 4, https://example.org/r'
    >>> plain({"title": "Untitled note", "para": 1})
    'Untitled note, para. 1'

    A title that is a sentence (a lead sentence shown as the title) keeps its own full stop, once:

    >>> plain({"title": "The sea lanes must stay open.", "para": 1})
    'The sea lanes must stay open, para. 1'
    >>> plain({"title": "Why now?", "source": "MFA", "para": 2})
    'Why now? MFA, para. 2'
    >>> plain({"title": "Press conference", "source": "MFA", "para": 2, "speaker": "journalist", "text": "Q: Why?"})
    'Press conference [question from a journalist]. MFA, para. 2'
    """
    title = str(meta.get("title") or meta.get("doc_id") or "").strip()
    if role(meta):
        title = f"{title} [{role(meta)}]" if title else f"[{role(meta)}]"
    rest = [str(meta[k]) for k in ("source", "date") if meta.get(k)]
    rest.append(paragraph_ref(meta))
    tail = ", ".join(r for r in [*rest, _text(meta, "url")] if r)
    if not title:
        return tail
    if not rest[:-1]:
        return f"{title.rstrip('.')}, {tail}"
    return f"{title} {tail}" if title[-1] in ".?!…" else f"{title}. {tail}"


def date_parts(date: object) -> list[int]:
    """``[year, month, day]`` as far as ``date`` (YYYY-MM-DD or a prefix of it) gives them."""
    match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", str(date or ""))
    return [int(p) for p in match.groups() if p] if match else []


def _long_date(parts: list[int], day_first: bool = False) -> str:
    """"May 11, 2020" (Chicago), "2020, May 11" (APA with ``day_first``), as far as the parts go."""
    if not parts:
        return ""
    if len(parts) == 1:
        return str(parts[0])
    month = MONTHS[parts[1] - 1] if 1 <= parts[1] <= 12 else ""
    day = f" {parts[2]}" if len(parts) > 2 else ""
    if day_first:
        return f"{parts[0]}, {month}{day}"
    return f"{month}{day}, {parts[0]}" if day else f"{month} {parts[0]}"


def _text(meta: Mapping[str, object], key: str) -> str:
    return str(meta.get(key) or "").strip()


def _url(meta: Mapping[str, object]) -> str:
    """The passage's URL when it is one (a local path given as ``url`` is not)."""
    url = _text(meta, "url")
    return url if URL.match(url) else ""


def apa(meta: Mapping[str, object]) -> str:
    """APA 7: Author. (Date). Title. Publisher. URL (para. N); the speaker is the author, else the source.
    A role goes in brackets after the title, as APA describes a work: ``Title [question from Reuters]``."""
    who = author(meta) or (_text(meta, "source") if not role(meta) else "")
    publisher = _text(meta, "source") if _text(meta, "source") != who else ""
    date = _long_date(date_parts(meta.get("date")), day_first=True) or "n.d."
    title = _text(meta, "title") or _text(meta, "doc_id")
    if role(meta):
        title = f"{title} [{_capital(role(meta))}]"
    if who:
        parts = [_end(who), f"({date}).", _end(title), _end(publisher), _url(meta)]
    else:  # APA moves the title into the author's place
        parts = [_end(title), f"({date}).", _end(publisher), _url(meta)]
    para = paragraph_ref(meta)
    return " ".join(p for p in parts if p) + (f" ({para})" if para else "")


def chicago(meta: Mapping[str, object]) -> str:
    """Chicago note: Speaker (or the role: "Question from Reuters"), "Title," Source, Month Day, Year,
    para. N, URL."""
    title = _text(meta, "title") or _text(meta, "doc_id")
    parts = [author(meta) or _capital(role(meta)), f'"{title},"' if title else "", _text(meta, "source"),
             _long_date(date_parts(meta.get("date"))), paragraph_ref(meta), _url(meta)]
    present = [p for p in parts if p]
    out = ""
    for i, part in enumerate(present):
        out += part if part.endswith(',"') or i == len(present) - 1 else part + ","
        out += " " if i < len(present) - 1 else ""
    return out.rstrip(",") + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _end(text: str) -> str:
    return text if not text or text[-1] in ".?!" else text + "."


def bibtex(meta: Mapping[str, object]) -> str:
    """A ``@misc`` entry; the key is the speaker's family name (or the source), year and the document id.

    >>> print(bibtex({"doc_id": "pc-1", "speaker": "Lu Kang", "date": "2019-06-20", "title": "Press conference"}))
    @misc{Lu2019_pc1,
      title = {Press conference},
      author = {{Lu Kang}},
      date = {2019-06-20},
      year = {2019}
    }
    """
    parts = date_parts(meta.get("date"))
    person = author(meta)
    who = person or _text(meta, "source") or "anon"
    words = who.split() or [who]
    key = re.sub(r"[^A-Za-z0-9]+", "", words[0] if family_name_first(person) else words[-1])
    key += str(parts[0]) if parts else ""
    key += "_" + re.sub(r"[^A-Za-z0-9]+", "", _text(meta, "doc_id"))[-12:]
    name = _bib_escape(person)
    fields: list[tuple[str, str]] = [
        ("title", _bib_escape(_text(meta, "title"))),
        ("author", f"{{{name}}}" if family_name_first(person) else name),  # braces: BibTeX keeps it whole
        ("organization", _bib_escape(_text(meta, "source"))),
        ("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))),
        ("year", str(parts[0]) if parts else ""), ("url", _url(meta)),  # biblatex reads a URL verbatim
        ("note", _bib_escape("; ".join(n for n in (_capital(role(meta)), paragraph_ref(meta)) if n))),
    ]
    body = ",\n".join(f"  {field} = {{{value}}}" for field, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}"


def _bib_escape(value: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", value)


# Common family names of China, Korea and Viet Nam, romanised: a two- or three-word name that opens with
# one is written family name first (Lu Kang, Zhao Lijian, Kim Gunn, Nguyen Quoc Dung).
FAMILY_FIRST = frozenset("""
bai cao chen cheng chu cui dai deng ding dong du duan fan fang feng fu gao ge geng gong gu guan guo han hao
he hou hu hua huang ji jia jiang jin kong lai lei li liang liao lin liu long lou lu luo lv lyu ma mao meng mo
ni pan peng qian qiao qin qiu ren shao shen shi song su sun tan tang tao tian wan wang wei wen wu xia xiang
xiao xie xiong xu xue yan yang yao ye yi yin yu yuan yue zeng zhang zhao zheng zhong zhou zhu zou
kim lee park choi jung chung kang cho yoon yun jang lim han oh seo shin kwon hwang ahn song ryu hong moon
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly trinh
""".split())


def family_name_first(name: str) -> bool:
    """Whether ``name`` is written family name first: two or three words, the first a family name of China,
    Korea or Viet Nam (Western names put the family name last, and BibTeX reads them that way)."""
    words = name.split()
    return 2 <= len(words) <= 4 and words[0].lower() in FAMILY_FIRST


def csl_json(meta: Mapping[str, object]) -> dict[str, Any]:
    """A CSL-JSON item (the format Zotero and pandoc read), with the paragraph as its locator; the
    speaker is a ``literal`` name (never split into given and family names, which differ by culture)."""
    item: dict[str, Any] = {"id": _text(meta, "passage_id") or _text(meta, "doc_id"),
                            "type": "speech" if _text(meta, "speaker") else "document"}
    if _text(meta, "title"):
        item["title"] = _text(meta, "title")
    if author(meta):
        item["author"] = [{"literal": author(meta)}]
    if role(meta):
        item["note"] = _capital(role(meta))
    if _text(meta, "source"):
        item["publisher"] = _text(meta, "source")
    if date_parts(meta.get("date")):
        item["issued"] = {"date-parts": [date_parts(meta.get("date"))]}
    if _url(meta):
        item["URL"] = _url(meta)
    elif _text(meta, "path"):
        item["archive_location"] = _text(meta, "path")
    label = meta.get("para_label") or meta.get("para")
    if label not in (None, ""):
        item["locator"], item["label"] = str(label), "paragraph"
    start, end = meta.get("page_start"), meta.get("page_end")
    if isinstance(start, int) and start:
        item["page"] = f"{start}-{end}" if isinstance(end, int) and end > start else str(start)
    return item


def format_citation(meta: Mapping[str, object], style: str = "plain") -> Any:
    """The citation in ``style`` (one of ``STYLES``): a string, or a dict for ``csl-json``."""
    formatters = {"plain": plain, "apa": apa, "chicago": chicago, "bibtex": bibtex, "csl-json": csl_json}
    return formatters[style](meta)
