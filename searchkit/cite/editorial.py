"""Quotation conventions that are no misquotes: editorial brackets and a dash written for a hyphen.

A writer quoting a source may mark their own changes: ``[Japan's] position`` (a word replaced, here
"its"), ``[T]he`` (a letter changed), ``[sic]`` (a note, not in the source), or write a compound's hyphen
as a dash (``opening—up`` for "opening-up"). ``edit`` turns such a quotation into what lookup matches
(brackets gone, a note dropped, the dash a hyphen) and lists the changes; the citer then calls the
quotation ``exact`` when the source differs from it only where the brackets stand, and reports the
changes as ``editorial``: ``{"quote": "[Japan's]", "source": "its"}``.

>>> e = edit("[Japan's] position [sic] on the opening—up")
>>> e.text, e.replaced
("Japan's position on the opening-up", ["Japan's"])
>>> [c["quote"] for c in e.changes]
['[sic]', 'opening—up']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

BRACKET = re.compile(r"\[([^\[\]]{1,80})\]")
NOTES = {"sic", "sic!", "emphasis added", "emphasis mine", "emphasis in original", "italics added"}
# A dash between two letters, no space around it: a compound's hyphen typed as a dash.
UNSPACED_DASH = re.compile(r"(?<=[^\W\d_])[—―–](?=[^\W\d_])")
_SPACES = re.compile(r"\s+")


@dataclass
class Edited:
    """The quotation as lookup reads it, the bracketed words it keeps, and the changes known already."""

    text: str
    replaced: list[str] = field(default_factory=list)  # bracketed words standing for the source's
    changes: list[dict[str, Optional[str]]] = field(default_factory=list)


def edit(text: str) -> Optional[Edited]:
    """``text`` with its editorial marks resolved; None when it has none."""
    out = Edited("")
    pieces, last = [], 0
    for match in BRACKET.finditer(text):
        content = match.group(1).strip()
        if not re.search(r"\w", content):  # "[…]", "[...]": an ellipsis, read as one already
            continue
        pieces.append(text[last:match.start()])
        last = match.end()
        if content.lower() in NOTES:
            out.changes.append({"quote": match.group(), "source": ""})
        elif _touches_word(text, match.start(), match.end()):  # "[T]he", "nation[s]": letters changed
            pieces.append(content)
            out.changes.append({"quote": match.group(), "source": None})
        else:
            pieces.append(content)
            out.replaced.append(content)
    pieces.append(text[last:])
    joined = re.sub(r"[ \t]{2,}", " ", "".join(pieces))
    for match in UNSPACED_DASH.finditer(joined):
        word = _word_around(joined, match.start())
        out.changes.append({"quote": word, "source": word.replace(match.group(), "-")})
    out.text = UNSPACED_DASH.sub("-", joined)
    return out if out.replaced or out.changes else None


def _touches_word(text: str, start: int, end: int) -> bool:
    return (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum())


def _word_around(text: str, i: int) -> str:
    start, end = i, i + 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip(".,;:!?\"“”‘’'()")


def replacements(diff: list[dict[str, str]], replaced: list[str]) -> Optional[list[dict[str, Optional[str]]]]:
    """The source's words for each bracketed replacement, when the diff of a near match differs from the
    source only inside the brackets; None when it differs anywhere else.

    >>> replacements([{"op": "replace", "quote": "Japan's", "source": "its"},
    ...               {"op": "equal", "quote": "position", "source": "position"}], ["Japan's"])
    [{'quote': "[Japan's]", 'source': 'its'}]
    """
    wanted = [_norm(r) for r in replaced]
    found: list[dict[str, Optional[str]]] = []
    for op in diff:
        if op["op"] in ("equal", "gap"):
            continue
        quoted = _norm(op["quote"])
        owner = next((r for r in replaced if quoted and quoted in _norm(r)), None)
        if owner is None:
            return None
        found.append({"quote": f"[{owner}]", "source": op["source"]})
    return found if found and len(found) <= len(wanted) else None


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text.replace("’", "'")).strip().lower()
