"""Fragments: sentences (stored at index time, else by a cheap regex), clauses, whole words, merging."""

from __future__ import annotations

import re

from searchkit.highlight.fragments import LOCAL_AFTER, fragments, split_sentences, stored_sentences
from searchkit.render.text import mark


def shown(text: str, frags) -> list[str]:
    return [mark(text[f.start:f.end], [(s - f.start, e - f.start) for s, e in f.spans], "[", "]") for f in frags]


def spans_of(text: str, word: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rf"\b{word}\b", text)]


def test_sentences_skip_titles_initials_and_references():
    text = ('Mr. President, H.E. Mr. J. F. Kennedy spoke for the U.S. delegation. See para. 5 of document '
            'A/70/1. "Peace," he said, "is near." (It was.) Dr. No left!')
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Mr. President, H.E. Mr. J. F. Kennedy spoke for the U.S. delegation.",
        "See para. 5 of document A/70/1.",
        '"Peace," he said, "is near."',
        "(It was.)",
        "Dr. No left!",
    ]


def test_stored_sentences_are_used_when_the_index_has_them():
    text = "Talks ended in the U.S. The ministers left on Monday and the fast lanes opened on Tuesday."
    regex = fragments(text, spans_of(text, "lanes"), count=1, budget=70)
    # The regex does not split after "U.S."; the index's sentence splitter (Punkt) did.
    stored = stored_sentences([0, 23, 24, len(text)], text)
    assert stored == [(0, 23), (24, len(text))]
    indexed = fragments(text, spans_of(text, "lanes"), count=1, budget=70, sentences=stored)
    assert shown(text, indexed) == ["The ministers left on Monday and the fast [lanes] opened on Tuesday."]
    assert shown(text, regex) != shown(text, indexed)
    assert stored_sentences([0, 500], text) is None and stored_sentences([[5, 3]], text) is None


def test_a_long_sentence_is_cut_at_clauses_then_at_words():
    text = ("Recalling its earlier resolutions, and noting with concern the rise in sea levels, the Assembly, "
            "mindful of the needs of small island developing States, decided to act.")
    frag, = fragments(text, spans_of(text, "island"), count=1, budget=60)
    assert shown(text, [frag]) == ["mindful of the needs of small [island] developing States,"]
    frag, = fragments(text, spans_of(text, "island"), count=1, budget=30)
    assert shown(text, [frag]) == ["small [island] developing"]


def test_the_sentences_with_most_distinct_matches_win_and_touching_ones_merge():
    text = ("Fish stocks fell. Dams were built. The dams and the fish were discussed. Rain came. "
            "Nothing else happened. The dams held.")
    spans = sorted(spans_of(text, "dams") + spans_of(text, "fish") + spans_of(text, "Dams") + spans_of(text, "Fish"))
    assert shown(text, fragments(text, spans, count=1, budget=40)) == ["The [dams] and the [fish] were discussed."]
    # The next best (ties go to the earlier) is short, so it takes the following sentence as context; the
    # three touch and merge.
    got = shown(text, fragments(text, spans, count=2, budget=40))
    assert got == ["[Fish] stocks fell. [Dams] were built. The [dams] and the [fish] were discussed."]


def test_a_long_passage_is_split_only_around_its_best_matches_with_the_same_result():
    sentence = "Member States discussed the agenda at length, and the debate continued into the night. "
    text = sentence * 20 + "The fast lanes opened in May. " + sentence * 40 + "More lanes came later."
    assert len(text) > LOCAL_AFTER
    spans = spans_of(text, "lanes")
    local = fragments(text, spans, count=2, budget=100)
    full = fragments(text, spans, count=2, budget=100, sentences=split_sentences(text))
    assert [(f.start, f.end, f.spans) for f in local] == [(f.start, f.end, f.spans) for f in full]
    assert shown(text, local)[0].startswith("The fast [lanes] opened in May.")
