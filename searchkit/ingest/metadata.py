"""Document metadata that every passage inherits: title, date, year, source, place, country, speaker.

JSONL fields, when given, are the user's word; otherwise the text and the file name say what they can:
the headline (or, on a page without one, its lead sentence, shown but not indexed as a title), a date the
document declares (in its headline, a header line or a dateline near the top; never a day a sentence
mentions), a dateline ``Hanoi (VNA) –`` (place and source), and UN General Debate file names
``ISO3_SESSION_YEAR.txt`` (country and the session's year, which dates the speech).

Speakers of press-conference transcripts:
A paragraph opening ``A:`` (or the spokesperson's own name) is the spokesperson named in the title; one
opening ``Q:``, ``Follow-up:``, ``Journalist:`` or a news outlet's name is a journalist's question.
Paragraphs without a marker continue the turn before them. Before the first turn, and in documents with
no turns at all, the document-level speaker (the title's spokesperson, or the JSONL field) applies: a
document-level field fills what the text does not say, and never overrides a turn's own speaker.

>>> speakers(["Welcome.", "Q: Any comment?", "More detail.", "A: We oppose it.", "It is wrong."], "Lu Kang")
['Lu Kang', 'journalist', 'journalist', 'Lu Kang', 'Lu Kang']
>>> speakers(["Reuters: Is it true?", "Zhao Lijian: No."], "Zhao Lijian")
['journalist', 'Zhao Lijian']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Mapping, Optional, Sequence

from searchkit.ingest.countries import code_for, display_name
from searchkit.ingest.dates import declared_date, find_date, first_year, given_date
from searchkit.ingest.layout import SALUTATION

DATELINE = re.compile(r"(?P<place>[A-Z][\w.'’]*(?:[ -][A-Z][\w.'’]*){0,3})(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?,?"
                      r" ?\((?P<source>[A-Z][A-Za-z]{1,11})\)\s*(?:[–—-]+|:)?\s*")
AGENCY_LEAD = re.compile(r"(?P<source>[A-Z]{2,6})\.\s+(?=[A-Z])")
UNGDC_NAME = re.compile(r"(?P<country>[A-Z]{3}|EU)_(?P<session>\d{1,2})_(?P<year>\d{4})\.txt")
DATE_NAME = re.compile(r"(?P<year>1[6-9]\d\d|20\d\d)(?:-(?P<month>\d\d)-(?P<day>\d\d))?(?=[-_. ]|$)")
SPOKESPERSON = re.compile(r"Spokesperson (?P<name>[A-Z][\w-]+(?: [A-Z][\w-]+){0,2})[’']s\b")
MINISTRY_TITLE = re.compile(r"\bForeign Ministry Spokesperson\b|\bMinistry of Foreign Affairs\b")
# The fmprc.gov.cn page template: its language bar and its "Suggest to a friend" button.
MINISTRY_PAGE = ("Suggest to a friend",)
# Searched without the leading \s* and trailing .*$ that say what is cut: a pattern opening with \s* is
# tried at every position of every paragraph (strip_debris puts them back).
DEBRIS = re.compile(r"hinh anh \d+|Illustrative (?:image|photo)\b", re.I)
LEAD_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[A-Z\"“‘(])")
NEAR_TOP = 6
TITLE_CHARS = 200


@dataclass
class DocMeta:
    title: str = ""
    title_indexed: bool = True
    date: str = ""
    date_inferred: bool = False
    year: Optional[int] = None
    source: str = ""
    place: str = ""
    country: str = ""
    speaker: str = ""
    url: str = ""


def document_meta(doc_id: str, meta: Mapping[str, str], texts: Sequence[str], kinds: Sequence[str],
             headline: Optional[int]) -> DocMeta:
    """The metadata of one document from its JSONL fields, its name and its paragraphs."""
    name = PurePath(doc_id).name
    un = UNGDC_NAME.fullmatch(name)
    out = DocMeta(url=meta.get("url", ""))
    out.country = country_of(meta.get("country", "")) or (un.group("country") if un else "")
    set_title(out, meta, texts, kinds, headline, un)
    set_date(out, meta, texts, kinds, name, un)
    set_source(out, meta, texts, kinds)
    match = SPOKESPERSON.search(out.title)
    out.speaker = meta.get("speaker", "") or (match.group("name") if match else "")
    return out


def country_of(value: str) -> str:
    return code_for(value) or value.strip()


def set_title(out: DocMeta, meta: Mapping[str, str], texts: Sequence[str], kinds: Sequence[str],
              headline: Optional[int], un: Optional[re.Match[str]]) -> None:
    if meta.get("title"):
        out.title = meta["title"]
    elif headline is not None:
        out.title = texts[headline]
    elif un:
        out.title = f"{display_name(un.group('country'))}: UN General Debate, session {int(un.group('session'))}" \
                    f" ({un.group('year')})"
        out.title_indexed = False
    else:
        out.title, out.title_indexed = lead_sentence(texts, kinds), False


def lead_sentence(texts: Sequence[str], kinds: Sequence[str]) -> str:
    """The first sentence of the first body paragraph that is not a salutation, dateline removed."""
    for text, kind in zip(texts, kinds):
        if kind != "body" or SALUTATION.match(text) or len(text.split()) < 4:
            continue
        dateline = DATELINE.match(text) or AGENCY_LEAD.match(text)
        body = text[dateline.end():] if dateline else text
        sentence = LEAD_END.split(body, 1)[0]
        if len(sentence) > TITLE_CHARS:
            sentence = sentence[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"
        return sentence
    return ""


def set_date(out: DocMeta, meta: Mapping[str, str], texts: Sequence[str], kinds: Sequence[str], name: str,
             un: Optional[re.Match[str]]) -> None:
    """The date the document gives as its own: metadata, its title, a header line or dateline near the top,
    its file name. A day the text merely mentions is never it; a UN General Debate speech is dated by its
    session's year (its file name), whatever days it mentions."""
    date = given_date(meta.get("date") or "")  # a JSONL date that is no date: read it off the text instead
    if date:
        out.date = date
        out.date_inferred = meta.get("date_inferred", "").lower() in ("true", "1", "yes")
    elif un:
        out.date = un.group("year")
    else:
        named = DATE_NAME.match(name)
        file_year = int(named.group("year")) if named else None
        found = declared(out.title if out.title_indexed else "", texts, kinds)  # not a lead sentence
        if found and found[1] and (file_year is None or int(found[0][:4]) == file_year):
            out.date = found[0]
        elif named and named.group("month"):
            out.date = f"{named.group('year')}-{named.group('month')}-{named.group('day')}"
        elif found and not found[1] and (file_year or first_year("\n".join(texts))):
            out.date, out.date_inferred = f"{file_year or first_year(chr(10).join(texts))}-{found[0]}", True
        elif file_year:
            out.date = str(file_year)
    out.year = int(out.date[:4]) if out.date[:4].isdigit() else None


def declared(title: str, texts: Sequence[str], kinds: Sequence[str]) -> Optional[tuple[str, bool]]:
    """The first date the title, or a header line or dateline among the first paragraphs, declares."""
    near = [t for t, k in zip(texts, kinds) if k not in ("caption", "teaser")][:NEAR_TOP]
    return find_date(title) or next(  # a title is a header: any date it names is the document's
        (d for d in map(declared_date, near) if d), None)


def set_source(out: DocMeta, meta: Mapping[str, str], texts: Sequence[str], kinds: Sequence[str]) -> None:
    for text in [t for t, k in zip(texts, kinds) if k == "body"][:3]:
        dateline = DATELINE.match(text)
        if dateline:
            place = dateline.group("place")
            out.place = place.title() if place.isupper() else place  # "HANOI" -> "Hanoi"
            out.source = dateline.group("source")
            break
        agency = AGENCY_LEAD.match(text)
        if agency:
            out.source = agency.group("source")
            break
    if not out.source and (MINISTRY_TITLE.search(out.title) or any(t in MINISTRY_PAGE for t in texts)):
        out.source = "MFA"
    out.source = meta.get("source", "") or out.source


def strip_debris(text: str) -> int:
    """Where scraping debris after a headline begins ("hinh anh 1Illustrative image (Photo: ...)")."""
    lowered = text.lower()  # a pattern with IGNORECASE is tried at every position: first a plain look
    if "nh an" not in lowered and "trat" not in lowered:  # (no i, s or k: IGNORECASE also matches ı, ſ, K)
        return len(text)
    for match in DEBRIS.finditer(text):
        if "\n" in text[match.end():].removesuffix("\n"):
            continue  # the debris runs to the end of the text (what .*$ asked of it)
        start = match.start()
        while start and text[start - 1].isspace():
            start -= 1
        return start if len(text[:start].split()) >= 3 else len(text)
    return len(text)


# Speakers of press-conference turns.

JOURNALIST = "journalist"
TURN = re.compile(r"(?P<who>[A-Z][\w.&'’-]*(?: [A-Za-z][\w.&'’-]*){0,4})\s*[:：]\s*(?=\S)")
ANSWER = {"a", "answer", "spokesperson"}
# Time stamps and counts ("As of 24: 00", "Between 00:") are not turns.
NOT_A_TURN = re.compile(r"\d|^(?:Note|Notes|Source|Sources|Photo|Editor|Update|PS|P\.S)$", re.I)


def turn_of(text: str, spokesperson: str) -> Optional[str]:
    """The speaker a paragraph's own marker names (None when it opens with no marker)."""
    match = TURN.match(text)
    if match is None or NOT_A_TURN.search(match.group("who")):
        return None
    who = match.group("who")
    if who.lower() in ANSWER or (spokesperson and who.lower() == spokesperson.lower()):
        return spokesperson or "spokesperson"
    return JOURNALIST


def speakers(texts: Sequence[str], document_speaker: str = "") -> list[str]:
    """The speaker of every paragraph; turns count only in a transcript with questions and answers."""
    turns = [turn_of(t, document_speaker) for t in texts]
    is_transcript = JOURNALIST in turns and any(t not in (None, JOURNALIST) for t in turns)
    if not is_transcript:
        return [document_speaker] * len(texts)
    out, current = [], document_speaker
    for turn in turns:
        current = turn or current
        out.append(current)
    return out
