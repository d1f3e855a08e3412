"""Dates written in policy texts: ``2020/11/09``, ``November 9, 2020``, ``9 November 2020``, and a
month-day without a year (``on July 1``) whose year must be inferred.

>>> find_date("Hanoi, 2020/11/09 - talks"), find_date("On November 9, 2020, he said")
(('2020-11-09', True), ('2020-11-09', True))
>>> find_date("held on 9 Nov. 2020"), find_date("was held on July 1."), find_date("in 1990 and 2020")
(('2020-11-09', True), ('07-01', False), None)
"""

from __future__ import annotations

import re
from datetime import date
from typing import Optional

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)"
PATTERNS = [
    re.compile(rf"\b{_YEAR}[/.-](?P<mnum>\d{{1,2}})[/.-]{_DAY}\b"),
    re.compile(rf"\b{_MONTH} {_DAY},? {_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY} {_MONTH},? {_YEAR}\b", re.I),
]
MONTH_DAY = [
    re.compile(rf"\b{_MONTH} {_DAY}\b(?!,? ?\d)", re.I),
    re.compile(rf"\b{_DAY} {_MONTH}(?![\w.]* ?,? ?\d)", re.I),
]
YEAR = re.compile(r"\b(?:1[6-9]\d\d|20\d\d)(?:\s*[-–]\s*(1[6-9]\d\d|20\d\d))?\b")


def find_date(text: str) -> Optional[tuple[str, bool]]:
    """The first date in ``text``: ``("YYYY-MM-DD", True)``, or ``("MM-DD", False)`` without a year."""
    found = date_span(text)
    return (found[2], found[3]) if found else None


def date_span(text: str) -> Optional[tuple[int, int, str, bool]]:
    """``find_date`` with where the date is: ``(start, end, date, has_year)``."""
    best: Optional[tuple[int, int, str, bool]] = None
    for patterns, has_year, read in ((PATTERNS, True, _full), (MONTH_DAY, False, _month_day)):
        for pattern in patterns:
            for match in pattern.finditer(text):
                found = read(match)
                if found and (best is None or match.start() < best[0]):
                    best = (match.start(), match.end(), found, has_year)
                if found:
                    break
        if best is not None:
            return best
    return None


# What may stand before a dateline's date (a place and a comma) and after it (a dash, an agency, a colon).
DATELINE_PLACE = re.compile(r"(?:[A-Z][\w.'’-]*(?:[ -][A-Z][\w.'’-]*){0,3},\s*)?")
DATELINE_END = re.compile(r"\s*(?:$|[(–—|:]|-+\s)")
# Besides its date, a header line holds only words like these ("Date:", a weekday, "Updated", a time).
HEADER_WORDS = frozenset(
    "date dated updated update published posted released issued modified last time on at am pm a.m p.m gmt utc "
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun".split())


def declared_date(text: str) -> Optional[tuple[str, bool]]:
    """The date a paragraph declares as the document's: a header line that is a date (``2020/11/09``,
    ``Monday, 9 November 2020``) or a dateline opening with one (``HANOI, Nov. 9 (VNA) -``). A date
    mentioned in a sentence ("On 3 September we met") declares nothing.

    >>> declared_date("2020/11/09"), declared_date("HANOI, Nov. 9 (VNA) - Talks were held.")
    (('2020-11-09', True), ('11-09', False))
    >>> declared_date("On 3 September 2015, we met."), declared_date("The storm of 27 August 2015 hit us.")
    (None, None)
    """
    found = date_span(text)
    if found is None:
        return None
    start, end, value, has_year = found
    rest = text[:start] + " " + text[end:]
    header = all(word.lower() in HEADER_WORDS for word in re.findall(r"[^\W\d]+(?:\.[^\W\d])?", rest))
    dateline = DATELINE_PLACE.fullmatch(text[:start]) is not None and DATELINE_END.match(text, end) is not None
    return (value, has_year) if header or dateline else None


ISO_PARTIAL = re.compile(r"(?P<year>1[6-9]\d\d|20\d\d)(?:[/.-](?P<mnum>\d{1,2})(?:[/.-](?P<day>\d{1,2}))?)?"
                         r"(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?")
COMPACT = re.compile(r"(?P<year>1[6-9]\d\d|20\d\d)(?P<mnum>\d\d)(?P<day>\d\d)")
MONTH_YEAR = re.compile(rf"{_MONTH},? {_YEAR}", re.I)


def given_date(value: str) -> Optional[str]:
    """A date given in metadata as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (sorting and date: queries compare
    these strings), or None when it is no date. Written forms are read too; day-first numbers are ambiguous.

    >>> [given_date(v) for v in ("2020-5-1", "2020/05/11T10:00Z", "20200511", "May 11, 2020", "Nov. 2020")]
    ['2020-05-01', '2020-05-11', '2020-05-11', '2020-05-11', '2020-11']
    >>> [given_date(v) for v in ("1970", "2020-13-45", "11.05.2020", "not a date", "")]
    ['1970', None, None, None, None]
    """
    value = value.strip()
    match = ISO_PARTIAL.fullmatch(value) or COMPACT.fullmatch(value)
    if match:
        year, month, day = match.group("year"), match.group("mnum"), match.group("day")
        if day:
            return _iso(int(year), int(month), int(day))
        return f"{year}-{int(month):02d}" if month and 1 <= int(month) <= 12 else (None if month else year)
    full = next((m for m in (p.fullmatch(value) for p in PATTERNS[1:]) if m), None)
    if full:
        return _full(full)
    month_year = MONTH_YEAR.fullmatch(value)
    return f"{month_year.group('year')}-{MONTHS[month_year.group('month').lower()]:02d}" if month_year else None


def first_year(text: str) -> Optional[int]:
    """The first year a text mentions (the later end of a range such as ``1991-2021``)."""
    match = YEAR.search(text)
    if match is None:
        return None
    return int(match.group(1) or match.group(0)[:4])


def _full(match: re.Match[str]) -> Optional[str]:
    parts = match.groupdict()
    month = int(parts["mnum"]) if parts.get("mnum") else MONTHS[parts["month"].lower()]
    return _iso(int(parts["year"]), month, int(parts["day"]))


def _month_day(match: re.Match[str]) -> Optional[str]:
    month, day = MONTHS[match.group("month").lower()], int(match.group("day"))
    return f"{month:02d}-{day:02d}" if _iso(2000, month, day) else None  # 2000: a leap year, Feb 29 allowed


def _iso(year: int, month: int, day: int) -> Optional[str]:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
