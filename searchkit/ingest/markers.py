"""Speakers named at the start of their turn (speaker markers), as transcripts and verbatim records mark them.

Press-conference transcripts write the speaker's name in capitals (``CHAIR POWELL.``, ``MICHELLE SMITH.``);
UN verbatim records write a title, a name and a country (``Mr. Smith (United Kingdom):``,
``MR. NEBENZIA (Russian Federation):``) or an office (``The PRESIDENT:``). A paragraph without a marker
continues the turn before it. Markers count only in a document holding at least two of them, so that
one capitalised heading ("SUMMARY. The ...") is not taken for a speaker.

>>> named_turns(["Opening.", "CHAIR POWELL. Good afternoon.", "More.", "JEANNA SMIALEK. Thanks."], ["Fed"] * 4)
['Fed', 'Chair Powell', 'Chair Powell', 'Jeanna Smialek']
>>> named_turns(["Mr. Smith (United Kingdom): We agree.", "The PRESIDENT: I thank him."], ["", ""])
['Mr. Smith (United Kingdom)', 'The President']
"""

from __future__ import annotations

import re
from typing import Optional, Sequence

from searchkit.ingest.metadata import JOURNALIST

_CAPS_WORD = r"(?:MC|MAC|O')?[A-Z][A-Z'’-]*\.?"
# "CHAIR POWELL. ", "VICE CHAIR CLARIDA: ", "MS. SMITH. ": two to five capitalised words, then . or :
CAPS_TURN = re.compile(rf"(?P<who>{_CAPS_WORD}(?: {_CAPS_WORD}){{1,4}})(?<!\.)[.:] +(?=\S)")
# "Mr. Smith (United Kingdom):", "MR. NEBENZIA (Russian Federation):", "The PRESIDENT:"
TITLED_TURN = re.compile(r"(?P<who>(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|MR|MRS|MS|DR)\.? [A-Z][\w'’-]+"
                         r"(?: [A-Z][\w'’-]+){0,3}(?: \([^()]{2,60}\))?|The (?:PRESIDENT|President|"
                         r"SECRETARY-GENERAL|Secretary-General|CHAIR(?:MAN|PERSON)?|Chair(?:man|person)?)"
                         r"(?: \([^()]{2,60}\))?)\s*[:.] +(?=\S)")
# Capitalised openings that are no speaker: headings, agency names, roman numerals.
NOT_A_NAME = re.compile(r"^(?:[IVXLC]+|[A-Z]|Q|A|PAGE|NOTE|NOTES|SOURCE|FINAL|ANNEX|SUMMARY|INTRODUCTION|"
                        r"CONCLUSION|U\.S\.|UN|UNITED NATIONS)$")
MIN_MARKERS = 2
# Transcripts that do not name the journalist mark the question alone ("QUESTION. Thank you. ...").
QUESTION = re.compile(r"(?:QUESTION|Question)[.:] +(?=\S)")


def marker(text: str) -> Optional[str]:
    """The speaker a paragraph's opening names, as a reader would write it; None without a marker."""
    if QUESTION.match(text):
        return JOURNALIST
    match = TITLED_TURN.match(text) or CAPS_TURN.match(text)
    if match is None:
        return None
    who = match.group("who")
    words = who.split(" (")[0].split()
    if NOT_A_NAME.match(who) or any(NOT_A_NAME.match(w.rstrip(".")) for w in words[-1:]):
        return None
    if match.re is CAPS_TURN and len(text) - match.end() < 2:
        return None
    return " ".join(w if w.startswith("(") or not w.isupper() else _cap(w) for w in who.split(" "))


def _cap(word: str) -> str:
    """``POWELL`` -> ``Powell``, ``MCKEE`` -> ``McKee``, ``O'BRIEN`` -> ``O'Brien``."""
    if word.startswith("MC") and len(word) > 3 and word[2:].isalpha():
        return "Mc" + word[2:].capitalize()
    return "-".join("'".join(p[:1].upper() + p[1:].lower() for p in part.split("'")) for part in word.split("-"))


def named_turns(texts: Sequence[str], speakers: Sequence[str]) -> list[str]:
    """``speakers`` with the turns that markers name (unchanged when the document has fewer than two)."""
    found = [marker(t) for t in texts]
    if sum(1 for f in found if f) < MIN_MARKERS:
        return list(speakers)
    out: list[str] = []
    current: Optional[str] = None
    for name, before in zip(found, speakers):
        current = name or current
        out.append(current or before)
    return out
