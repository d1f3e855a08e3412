"""Who speaks each paragraph of a press-conference transcript.

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
from typing import Optional, Sequence

JOURNALIST = "journalist"
TURN = re.compile(r"(?P<who>[A-Z][\w.&'’-]*(?: [A-Za-z][\w.&'’-]*){0,4})\s*[:：]\s+(?=\S)")
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
