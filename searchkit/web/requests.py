"""What a request asks for, read from its URL parameters; a value that cannot be used is a ``BadRequest``
whose message says what to fix (the page shows it, with the form to fix it in).

>>> SearchAsk.of({"q": " fast lanes ", "page": "2", "by_doc": "1", "sort": "date"})
SearchAsk(q='fast lanes', page=2, by_doc=True, sort='date', n=10, all_kinds=False)
>>> field_clause("speaker", 'Zhao "Lijian"'), field_clause("year", "2020")
('speaker:"Zhao Lijian"', 'year:2020')
>>> narrowed("Huawei OR ZTE", "year", "2019"), narrowed("Huawei year:2019", "year", "2019")
('(Huawei OR ZTE) year:2019', 'Huawei year:2019')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from searchkit.errors import SearchkitError

MAX_QUERY = 2_000  # characters: a search query; longer ones are pasted paragraphs, the cite page's job
MAX_NESTING = 100  # parentheses inside parentheses; the parser recurses for each level
MAX_DRAFT = 200_000  # characters of a draft on the cite page
MAX_PAGE = 10_000
MAX_PER_PAGE = 100
MAX_EXPORT = 10_000
EXPORTS = ("csv", "jsonl", "csl-json", "ris")
KWIC_SORTS = ("score", "date", "right", "left")
MAX_LINES = 2_000
_BARE = re.compile(r"[\w.-]+")


class BadRequest(SearchkitError):
    """A parameter the server cannot use; the message says which and what to give instead."""


def text_param(params: Mapping[str, str], name: str, limit: int, what: str) -> str:
    value = params.get(name, "").strip()
    if "\x00" in value:
        raise BadRequest(f"the {what} holds a NUL character; remove it and try again")
    if len(value) > limit:
        raise BadRequest(f"the {what} is {len(value):,} characters long; at most {limit:,} are read, so shorten it"
                         + (" (to look up a long passage, use the cite page)" if what == "query" else ""))
    if what == "query" and nesting(value) > MAX_NESTING:
        raise BadRequest(f"the query nests parentheses {nesting(value)} deep; at most {MAX_NESTING} levels are "
                         "read, so remove some")
    return value


def nesting(text: str) -> int:
    """How deep parentheses nest in ``text`` (a closing one too many counts for nothing).

    >>> nesting("a (b OR (c AND d)) (e)"), nesting(")) (")
    (2, 1)
    """
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(depth - 1, 0)
    return deepest


def int_param(params: Mapping[str, str], name: str, default: int, top: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= top:
        raise BadRequest(f"{name}={raw[:40]!r} is not a number from 1 to {top:,}; fix it in the address")
    return int(raw)


def choice_param(params: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = params.get(name, "").strip() or choices[0]
    if value not in choices:
        raise BadRequest(f"{name}={value[:40]!r} is not one of {', '.join(choices)}; fix it in the address")
    return value


def flag_param(params: Mapping[str, str], name: str) -> bool:
    return params.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class SearchAsk:
    """A search as the URL gives it: ``q``, ``page``, ``by_doc``, ``sort``, ``n`` (hits per page), ``all_kinds``."""

    q: str
    page: int = 1
    by_doc: bool = False
    sort: str = "score"
    n: int = 10
    all_kinds: bool = False

    @classmethod
    def of(cls, params: Mapping[str, str]) -> "SearchAsk":
        return cls(q=text_param(params, "q", MAX_QUERY, "query"),
                   page=int_param(params, "page", 1, MAX_PAGE),
                   by_doc=flag_param(params, "by_doc"),
                   sort=choice_param(params, "sort", ("score", "date")),
                   n=int_param(params, "n", 10, MAX_PER_PAGE),
                   all_kinds=flag_param(params, "all_kinds"))

    def params(self, **changes: object) -> dict[str, str]:
        """The URL parameters of this search (defaults left out), with ``changes``.

        >>> SearchAsk("vaccine", sort="date").params(page=2, format="ris")
        {'q': 'vaccine', 'page': '2', 'sort': 'date', 'format': 'ris'}
        """
        values = {**self.__dict__, **changes}
        out = {"q": str(values["q"])}
        if values["page"] != 1:
            out["page"] = str(values["page"])
        if values["by_doc"]:
            out["by_doc"] = "1"
        if values["sort"] != "score":
            out["sort"] = str(values["sort"])
        if values["n"] != 10:
            out["n"] = str(values["n"])
        if values["all_kinds"]:
            out["all_kinds"] = "1"
        out.update({k: str(v) for k, v in changes.items() if k not in self.__dict__})  # format=, say
        return out


@dataclass
class KwicAsk:
    """A concordance as the URL gives it: ``q``, ``n`` (lines, 100), ``sort`` (also by the words right or
    left of the match), ``all_kinds``."""

    q: str
    n: int = 100
    sort: str = "score"
    all_kinds: bool = False

    @classmethod
    def of(cls, params: Mapping[str, str]) -> "KwicAsk":
        return cls(q=text_param(params, "q", MAX_QUERY, "query"), n=int_param(params, "n", 100, MAX_LINES),
                   sort=choice_param(params, "sort", KWIC_SORTS), all_kinds=flag_param(params, "all_kinds"))

    def params(self, **changes: object) -> dict[str, str]:
        values = {**self.__dict__, **changes}
        out = {"q": str(values["q"])}
        out.update({k: str(values[k]) for k in ("n", "sort") if values[k] != getattr(KwicAsk, k)})
        if values["all_kinds"]:
            out["all_kinds"] = "1"
        return out


def field_clause(name: str, value: str) -> str:
    """``name:value``, the value quoted when it is more than one plain word (quotes inside it dropped)."""
    value = " ".join(value.replace('"', " ").split())
    return f"{name}:{value}" if _BARE.fullmatch(value) else f'{name}:"{value}"'


def narrowed(query: str, name: str, value: str) -> str:
    """``query`` narrowed to passages whose ``name`` is ``value`` (unchanged if it already says so)."""
    clause = field_clause(name, value)
    if clause in query:
        return query
    if " OR " in query:  # a field narrows the words next to it: keep it off one side of an OR
        query = f"({query})"
    return f"{query} {clause}".strip()
