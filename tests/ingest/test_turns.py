"""Turns of press-conference transcripts: questions, answers, statements, and which question an answer answers."""

from __future__ import annotations

import json

from searchkit.ingest.files import Document
from searchkit.ingest.passages import split_document
from searchkit.ingest.turns import find_turns

BRIEFING = (
    "Foreign Ministry Spokesperson Zhao Lijian's Regular Press Conference on May 11, 2020\n\n"
    "I would like to announce a visit by the Foreign Minister.\n\n"
    "Q: Do you have any comment on the sanctions?\n\n"
    "A: We oppose unilateral sanctions.\n\n"
    "They harm the people of the countries concerned.\n\n"
    "Follow-up: Will China respond?\n\n"
    "Zhao Lijian: We will take the necessary measures.\n"
)


def turns_of(text: str) -> list[tuple[str, str, str, list[str]]]:
    passages = split_document(Document("b.txt", "b.txt", text))
    return [(p.passage_id, p.turn, p.question, p.answers) for p in passages]


def test_a_transcript_has_statements_questions_and_answers_linked():
    assert turns_of(BRIEFING) == [
        ("b.txt#1", "", "", []),
        ("b.txt#2", "statement", "", []),
        ("b.txt#3", "question", "", ["b.txt#4", "b.txt#5"]),
        ("b.txt#4", "answer", "b.txt#3", []),
        ("b.txt#5", "answer", "b.txt#3", []),
        ("b.txt#6", "question", "", ["b.txt#7"]),
        ("b.txt#7", "answer", "b.txt#6", []),
    ]


def test_a_document_that_is_no_transcript_has_no_turns():
    text = "Ministers meet\n\nNote: the meeting was held in Hanoi.\n\nThey agreed on trade.\n"
    assert [t for _, t, _, _ in turns_of(text)] == ["", "", ""]


def test_a_question_of_two_paragraphs_is_one_question():
    turns = find_turns(["journalist", "journalist", "Lu Kang", "Lu Kang"], ["body"] * 4)
    assert [(t.role, t.question, t.answers) for t in turns] == [
        ("question", None, [2, 3]), ("question", None, []), ("answer", 0, []), ("answer", 0, [])]


def test_turn_filters_and_search_json_carries_turns(run, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "b.txt").write_text(BRIEFING, encoding="utf-8")
    assert run("index", str(corpus)).exit_code == 0
    answers = [json.loads(line) for line in run("search", "sanctions turn:answer", "--json").stdout.splitlines()]
    assert [(h["passage_id"], h["turn"], h["question"]) for h in answers] == [("b.txt#4", "answer", "b.txt#3")]
    questions = [json.loads(line) for line in run("search", "sanctions turn:question", "--json").stdout.splitlines()]
    assert [(h["passage_id"], h["answers"]) for h in questions] == [("b.txt#3", ["b.txt#4", "b.txt#5"])]


def test_search_with_answers_prints_the_start_of_a_questions_answer(run, tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "b.txt").write_text(BRIEFING, encoding="utf-8")
    assert run("index", str(corpus)).exit_code == 0
    out = run("search", "China respond", "--with-answers", "--width", "50").stdout
    assert out == (
        "1-1 of 1 passage\n\n"
        "1. Foreign M…  2020-05-11  question from a journalist  MFA  [b.txt para. 6]\n"
        "   Follow-up: Will China respond?\n"
        "   ↳ para. 7: Zhao Lijian: We will take the\n"
        "              necessary measures.\n"
    )
    wrong = run("search", "China", "--with-answers", "--json")
    assert wrong.exit_code == 2 and "answers key" in wrong.stderr
