"""Paragraphs a reader sees, per layout, with text mapped exactly back to the original document."""

from __future__ import annotations

import pytest

from searchkit.ingest.layout import detect_layout
from searchkit.ingest.lines import split_lines
from searchkit.ingest.offsets import OffsetMap
from searchkit.ingest.passages import paragraphs
from tests.conftest import FIXTURES


def read(name: str) -> str:
    with open(FIXTURES / name, encoding="utf-8", newline="") as handle:  # keep CR and CRLF as in the file
        return handle.read()


def texts(doc: str) -> list[str]:
    return [p.omap.text for p in paragraphs(doc)]


def assert_maps_exactly(doc: str, omap: OffsetMap) -> None:
    """Every character of the text comes from the document (or from a repaired run of it)."""
    for i, char in enumerate(omap.text):
        start, end = omap.span_to_doc(i, i + 1)
        source = doc[start:end]
        if char == " ":
            assert source.isspace() or source == "-", (i, source)
        elif source != char:  # a repaired character stands for its whole source run
            assert end - start > 1 or source in "\u00a0", (i, char, source)


def test_wrapped_layout_joins_lines_and_ends_paragraphs_at_short_sentence_ends():
    doc = read("wrapped.txt")
    assert detect_layout(split_lines(doc)).name == "wrapped"
    paras = texts(doc)
    assert [p[:30] for p in paras] == [
        "Mr. President,", "Allow me first to congratulate", "The past year has tested the r",
        "We therefore welcome the agree", "Turning to the question of the", "Finally, let me say a word abo",
        "I thank you.",
    ]
    # The page number, the form feed and the blank line of the page break vanish inside the paragraph.
    assert "It is a beginning. Yet a fund" in paras[3]
    assert "2" not in paras[3].split()


def test_wrapped_layout_repairs_hyphenation_but_keeps_compounds():
    paras = texts(read("wrapped.txt"))
    assert "through cooperation among the States concerned and in a socio-economic spirit." in paras[4]
    assert "has put forward proposals to make" in paras[5]
    assert "we call on the Secretary-General to report" in paras[5]


def test_hyphen_repair_maps_the_word_onto_both_lines():
    doc = read("wrapped.txt")
    para = paragraphs(doc)[4]
    start = para.omap.text.index("cooperation")
    s, e = para.omap.span_to_doc(start, start + len("cooperation"))
    assert doc[s:e] == "coopera-\r\ntion"


@pytest.mark.parametrize("name", ["wrapped.txt", "numbered.txt", "oneline.txt", "blank.txt"])
def test_passage_text_maps_back_to_the_document(name):
    doc = read(name)
    for para in paragraphs(doc):
        assert_maps_exactly(doc, para.omap)
        start, end = para.omap.span_to_doc(0, len(para.omap.text))
        assert " ".join(doc[start:end].split()).replace("- ", "-").startswith(para.omap.text[:10])
        assert doc[end - 1] == para.omap.text[-1]


def test_numbered_records_give_labels_and_strip_them():
    doc = read("numbered.txt")
    paras = paragraphs(doc)
    assert [(p.label, p.omap.text[:25]) for p in paras] == [
        ("12", "May I first offer the Pre"),
        ("13", "The world economy has suf"),
        ("14", "We have listened with car"),
        ("", '"No nation can prosper al'),
        ("15", "Those words deserve our a"),
        ("16", "In conclusion, my delegat"),
    ]
    # A record line broken mid-sentence (lone CR line ends) is one paragraph.
    assert paras[1].omap.text.endswith("the cost of the goods we must buy has risen without pause.")
    start, _ = paras[0].omap.span_to_doc(0, 3)
    assert doc[start:start + 3] == "May"


def test_one_paragraph_per_line_rejoins_a_line_cut_mid_sentence():
    paras = texts(read("oneline.txt"))
    assert paras[0] == "Mr. President,"
    assert len(paras) == 5
    assert "counted in the thousands, on every side of the front line." in paras[2]


def test_blank_line_paragraphs_join_their_wrapped_lines():
    paras = texts(read("blank.txt"))
    assert paras == [
        "Ministers agree on new fast lanes for trade",
        "Hanoi (VNA) – Trade ministers from the Mekong region agreed on Tuesday to open fast lanes for goods at"
        " six border gates, to shorten waiting times for trucks carrying farm produce.",
        "The agreement, signed after two days of talks, also covers the sharing of customs data and a joint"
        " plan for cold storage near the border.",
        "“Farmers lose too much when their fruit waits at the gate,” one minister said./.",
    ]


def test_invisible_characters_nbsp_and_mojibake_are_cleaned_with_exact_offsets():
    doc = "Viet\u00a0Nam\u2019s co\u200boperation\r\rThatâ€™s the caf\u00c3\u00a9 we\u00a0like."
    paras = paragraphs(doc)
    assert [p.omap.text for p in paras] == ["Viet Nam’s cooperation", "That’s the café we like."]
    omap = paras[1].omap
    quote = omap.text.index("’")
    s, e = omap.span_to_doc(0, quote + 2)
    assert doc[s:e] == "Thatâ€™s"
    s, e = omap.span_to_doc(omap.text.index("café"), omap.text.index("café") + 4)
    assert doc[s:e] == "caf\u00c3\u00a9"
    s, e = paras[0].omap.span_to_doc(11, 22)
    assert doc[s:e] == "co\u200boperation"


def test_first_line_indents_start_paragraphs_in_wrapped_text():
    body = [
        " Our delegation has followed the debate on reform with",
        "care and with hope, and we share the view that the",
        "Council must reflect the world as it is today.",
        " We also support a stronger role for the Assembly",
        "itself, which speaks for every Member State and which",
        "must be able to act when the Council cannot agree on",
        "a response to a crisis, as the past year has shown.",
        " Finally, we thank the Secretary-General for his report",
        "on the work of the Organization and for his tireless",
        "efforts on behalf of peace in every region of the world.",
    ]
    paras = texts("\n".join(body) + "\n")
    assert [p[:20] for p in paras] == ["Our delegation has f", "We also support a st", "Finally, we thank th"]


def test_a_short_line_introducing_a_quotation_ends_a_paragraph_in_wrapped_text():
    body = [
        "In welcoming the Heads of State and Government to the",
        "Conference, our President recalled the words of the",
        "founders of this Organization and their hope for a world",
        "free of war, and he stated that",
        "\"No nation can prosper alone while its neighbours suffer",
        "and while the seas that join us are neglected.\"",
        "Those words still guide the policy of my Government in",
        "every forum where the future of the oceans is discussed.",
    ]
    paras = texts("\n".join(body) + "\n")
    assert [p[:20] for p in paras] == ["In welcoming the Hea", "\"No nation can prosp", "Those words still gu"]


def test_an_apostrophe_that_lost_two_of_its_bytes_is_restored():
    doc = "Australia\u00e2s role is the People\u00e2s choice, as in the ch\u00e2teau."
    (para,) = paragraphs(doc)
    assert para.omap.text == "Australia’s role is the People’s choice, as in the château."
    s, e = para.omap.span_to_doc(0, len("Australia’s"))
    assert doc[s:e] == "Australia\u00e2s"


def test_remembered_sentence_break_decisions_split_as_punkt_does(monkeypatch):
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from searchkit.ingest import sentences

    text = ("Mr. Smith met the U.N. envoy at 5 p.m. on Monday. The talks ended. Mr. Smith left. "
            "Dr. Jones stayed (as agreed.) Then the U.N. envoy spoke. The talks ended.")
    trained = sentences.Sentencer.train([text * 3])
    plain = PunktSentenceTokenizer(trained.params, lang_vars=sentences.language_vars())
    expected = [(int(s), int(e)) for s, e in plain.span_tokenize(text)]
    assert trained.spans(text) == expected
    assert trained.spans(text) == expected  # every decision now remembered
    monkeypatch.setattr(sentences, "CONTEXT_CACHE", 1)  # the memory starts over when full
    small = sentences.Sentencer(trained.params)
    assert small.spans(text) == small.spans(text) == expected
    assert len(expected) >= 5


@pytest.mark.parametrize("first, rest", [
    ("The ministers welcomed the agreement between Cuba and the United States of", "America to restore ties."),
    ("We paid tribute to the Conference of the Parties held under the", "United Nations Framework Convention."),
])
def test_a_paragraph_is_not_cut_where_the_sentence_runs_on(first, rest):
    doc = f"Opening remarks\n\n{first}\n\n{rest}\n\nWe thank you.\n"
    assert texts(doc) == ["Opening remarks", f"{first} {rest}", "We thank you."]


def test_a_partly_numbered_speech_moves_its_numbers_to_labels():
    numbered = [f"{n}. Paragraph {n} of the speech opens here." for n in range(1, 5)]
    plain = [f"Paragraph {n} carries no number at all." for n in range(5, 16)]
    doc = "\n".join(numbered + plain) + "\n"
    paras = paragraphs(doc)
    assert [(p.label, p.omap.text[:11]) for p in paras[:5]] == [
        ("1", "Paragraph 1"), ("2", "Paragraph 2"), ("3", "Paragraph 3"), ("4", "Paragraph 4"), ("", "Paragraph 5")]
