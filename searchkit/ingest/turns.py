"""Turns of a press-conference transcript: which paragraphs are questions, answers and statements, and
which question each answer answers.

``metadata.speakers`` has already said who speaks each paragraph (``journalist`` for a question's
asker, the spokesperson otherwise) and only in a transcript with both. Here the paragraphs of the
conversation (titles, captions, boilerplate and teasers take no part) become turns: a journalist's
paragraph is a ``question``; the spokesperson's paragraphs before the first question are a ``statement``
(the announcements that open a briefing), those after one the ``answer`` to the latest question. A
document that is no transcript has no turns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from searchkit.ingest.metadata import JOURNALIST

QUESTION, ANSWER, STATEMENT = "question", "answer", "statement"
SPOKEN_KINDS = ("body",)


@dataclass
class Turn:
    """One paragraph's turn (``""`` outside a conversation) and, for an answer, its question's index."""

    role: str = ""
    question: Optional[int] = None  # index of the paragraph that opened the question answered
    answers: list[int] = field(default_factory=list)  # for a question's first paragraph: the answer's


def find_turns(speakers: Sequence[str], kinds: Sequence[str]) -> list[Turn]:
    """Per paragraph, its turn in the conversation (all empty unless the document is a transcript)."""
    turns = [Turn() for _ in speakers]
    if JOURNALIST not in speakers:  # speakers() marks a journalist only in a transcript with answers
        return turns
    asked: Optional[int] = None  # the question being answered (its first paragraph)
    previous = ""
    for i, (who, kind) in enumerate(zip(speakers, kinds)):
        if kind not in SPOKEN_KINDS:
            continue
        if who == JOURNALIST:
            if previous != QUESTION:  # a question's next paragraph belongs to the same question
                asked = i
            turns[i].role = previous = QUESTION
        elif asked is None:
            turns[i].role = previous = STATEMENT
        else:
            turns[i] = Turn(ANSWER, asked)
            turns[asked].answers.append(i)
            previous = ANSWER
    return turns


def link_turns(passages: Sequence[Any], turns: Sequence[Turn]) -> None:
    """Fill each passage's ``turn``, ``question`` and ``answers`` (passage ids) from its paragraph's turn;
    ``passages`` carry ``para`` (1-based paragraph number) and ``passage_id``."""
    ids: dict[int, list[str]] = {}
    for p in passages:
        ids.setdefault(p.para - 1, []).append(p.passage_id)
    for p in passages:
        turn = turns[p.para - 1]
        p.turn = turn.role
        if turn.question is not None:
            p.question = ids[turn.question][0]
        p.answers = [pid for i in turn.answers for pid in ids.get(i, [])]
