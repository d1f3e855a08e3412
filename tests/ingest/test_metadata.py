"""Kinds, titles, dates, sources, places, countries and speakers, on the seeds and on small fixtures."""

from __future__ import annotations

import json

import pytest

from searchkit.ingest.files import Document, read_file
from searchkit.ingest.passages import split_document
from tests.conftest import FIXTURES, SEEDS


def seed(name: str) -> list:
    path = SEEDS / name
    return split_document(Document(name, str(path), path.read_text(encoding="utf-8-sig")))


def fixture(name: str) -> list:
    docs = [d for d in read_file(FIXTURES / name, name) if isinstance(d, Document)]
    return [split_document(doc) for doc in docs]


def kinds(passages: list) -> list[tuple[str, str]]:
    return [(p.kind, p.text[:40]) for p in passages]


def test_news_page_with_debris_in_its_headline():
    ps = seed("000_12979fbd4c949159.txt")
    assert ps[0].kind == "title" and ps[0].title_indexed
    assert ps[0].title == ps[0].text == "Chinese Ambassador lauds ASEAN’s cooperation in COVID-19 fight"
    assert (ps[1].place, ps[1].source, ps[1].date, ps[1].year) == ("Jakarta", "VNA", "", None)


def test_page_without_a_headline_shows_its_lead_sentence_as_a_title_not_indexed():
    ps = seed("001_a74d2f0911980dbe.txt")
    assert ps[0].kind == "caption" and ps[0].text == "Deputy Minister of Foreign Affairs Nguyen Quoc Dung. (Photo: VNA)"
    assert ps[1].title == ("The 26th ASEAN-China Senior Officials' Consultation (ACSOC) was held in the form of "
                           "video conference on July 1.")
    assert not ps[1].title_indexed
    assert (ps[1].place, ps[1].source) == ("Hanoi", "VNA")
    assert (ps[1].date, ps[1].year) == ("", None)  # "held ... on July 1" is the meeting's day, not the page's


def test_related_headlines_captions_and_debris_are_not_body():
    ps = seed("002_fff67538205a929e.txt")
    assert kinds(ps)[:7] == [
        ("title", "Building a closer community with a share"),
        ("body", "TGVN. China firmly supports ASEAN commun"),
        ("teaser", "Amid COVID-19 pandemic, Vietnam emerges "),
        ("teaser", "Steering Committee for Vietnam-China Bil"),
        ("boilerplate", "3212 tyi xuyng 5"),
        ("caption", "At the Special ASEAN-China Foreign Minis"),
        ("body", "China and ASEAN countries are close neig"),
    ]
    assert ps[1].source == "TGVN"
    # The duplicated headline pairs at the end of the page, each with its blurb.
    assert [k for k, _ in kinds(ps)[18:27]] == ["teaser"] * 9
    assert [p.kind for p in ps if p.text == ps[0].text] == ["title", "boilerplate"]  # the headline repeated


def test_subheadings_and_photo_captions():
    ps = seed("003_25f2f8b8bade42ff.txt")
    titles = [p.text for p in ps if p.kind == "title"]
    assert titles == ["New impetus for ASEAN-China Dialogue Relations",
                      "Vietnam attends the 6th Mekong-Lancang Cooperation Foreign Ministers’ Meeting",
                      "Vietnam attends the Special ASEAN-China Foreign Ministers' Meeting"]
    captions = [p.text for p in ps if p.kind == "caption"]
    assert len(captions) == 10 and all("Photo: " in c for c in captions)
    assert captions[3].startswith("Panoramic view of the Special ASEAN-China Foreign Ministers' Meeting in "
                                  "celebration of the 30th anniversary")  # a caption wrapped over two lines
    assert (ps[0].date, ps[0].year) == ("", None)  # "Son on June 8 suggested": a day mentioned, not the page's


def test_ministry_page_language_bar_date_line_and_buttons():
    ps = seed("004_b914c251ea5d2bac.txt")
    assert [p.kind for p in ps] == ["boilerplate", "title", "boilerplate"] + ["body"] * 5 + ["boilerplate"] * 2
    assert (ps[3].date, ps[3].date_inferred, ps[3].year, ps[3].source) == ("2020-11-09", False, 2020, "MFA")


def test_press_conference_turns_from_jsonl():
    zhao, geng = fixture("presscon.jsonl")
    assert [(p.speaker, p.text[:12]) for p in zhao] == [
        ("Zhao Lijian", "At the invit"), ("journalist", "Reuters: Cou"), ("Zhao Lijian", "Zhao Lijian:"),
        ("Zhao Lijian", "They will br"), ("journalist", "Follow-up: W"), ("Zhao Lijian", "Zhao Lijian:"),
    ]
    assert [p.speaker for p in geng] == ["journalist", "Geng Shuang"] * 2
    assert (geng[0].date, geng[0].date_inferred, geng[0].year) == ("2018-09-10", True, 2018)
    assert zhao[0].title.startswith("Foreign Ministry Spokesperson Zhao Lijian") and zhao[0].kind == "body"


def test_press_conference_transcript_as_text_takes_the_spokesperson_from_its_title():
    (ps,) = fixture("2019-06-20_presscon.txt")
    assert [(p.kind, p.speaker) for p in ps] == [
        ("title", "Lu Kang"), ("body", "journalist"), ("body", "Lu Kang"), ("body", "Lu Kang"),
        ("body", "journalist"), ("body", "Lu Kang"),
    ]
    assert (ps[0].date, ps[0].date_inferred, ps[0].source) == ("2019-06-20", False, "MFA")


def test_un_general_debate_file_name_gives_country_year_and_a_title():
    (ps,) = fixture("KEN_30_1975.txt")
    assert [(p.para, p.para_label, p.text[:20]) for p in ps] == [
        (1, "31", "I should like first "), (2, "32", "The year that has pa"), (3, "33", "My delegation cannot"),
    ]
    assert (ps[0].country, ps[0].year, ps[0].date) == ("KEN", 1975, "1975")
    assert ps[0].title == "Kenya: UN General Debate, session 30 (1975)" and not ps[0].title_indexed


def test_jsonl_country_name_becomes_its_code(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "x", "text": "Statement.", "country": "Viet Nam"}) + "\n", encoding="utf-8")
    (doc,) = list(read_file(path, "c.jsonl"))
    assert split_document(doc)[0].country == "VNM"


def test_long_paragraphs_are_cut_at_sentence_ends_into_pieces():
    (ps,) = fixture("long.txt")
    long = [p for p in ps if p.para == 2]
    assert [p.passage_id for p in long] == ["long.txt#2.1", "long.txt#2.2", "long.txt#2.3"]
    assert all(150 <= len(p.text.split()) <= 260 for p in long)
    assert all(p.text.endswith(".") and p.text[0].isupper() for p in long)
    assert ps[-1].passage_id == "long.txt#3" and ps[-1].piece == 0
    doc = (FIXTURES / "long.txt").read_text(encoding="utf-8")
    for p in long:
        assert doc[p.char_start:p.char_end] == p.text
        assert [p.text[s:e][-1] for s, e in p.sentences] == ["."] * len(p.sentences)
    assert long[0].char_end < long[1].char_start


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_every_seed_passage_maps_to_its_source_span(name):
    text = (SEEDS / name).read_text(encoding="utf-8-sig")
    for p in seed(name):
        source = " ".join(text[p.char_start:p.char_end].split())
        assert source.replace("\u00a0", " ").startswith(p.text[:15].strip()), p.passage_id
        assert p.sentences and p.sentences[-1][1] <= len(p.text)


@pytest.mark.parametrize("lead, place, source, date", [
    ("Beijing (Xinhua) – China and Laos signed a railway protocol on Tuesday.", "Beijing", "Xinhua", ""),
    ("HANOI, Nov. 9 (VNA) - Vietnam and the Republic of Korea held talks in 2020.", "Hanoi", "VNA", "2020-11-09"),
    ("Jakarta (VNA)The ambassador wrote an article.", "Jakarta", "VNA", ""),
])
def test_datelines_give_place_and_source(lead, place, source, date):  # and a dateline's day, the date
    doc = Document("news.txt", "news.txt", f"Leaders meet on railway cooperation\n\n{lead}\n")
    first = split_document(doc)[0]
    assert (first.place, first.source, first.date) == (place, source, date)
    assert first.kind == "title" and first.title == "Leaders meet on railway cooperation"


@pytest.mark.parametrize("text, kept", [
    ("Leaders met in Hanoi today hinh anh 1Illustrative image (Photo: VNA)", "Leaders met in Hanoi today"),
    ("Leaders met in Hanoi today  \tIllustrative photo: VNA\n", "Leaders met in Hanoi today"),
    ("Leaders met in Hanoi today Illustrative image\nand more text", None),  # not at the end: no debris
    ("Two words hinh anh 2", None),  # too little before it to be a headline
    ("Leaders met in Hanoi Illustrative imagery is not debris", None),
    ("Leaders met in Hanoi today ILLUSTRATIVE PHOTO\nthen HINH ANH 3 (VNA)", "Leaders met in Hanoi today ILLUSTRATIVE PHOTO\nthen"),
])
def test_strip_debris_cuts_only_a_trailing_scrap(text: str, kept: str) -> None:
    from searchkit.ingest.metadata import strip_debris

    assert text[:strip_debris(text)] == (text if kept is None else kept)


@pytest.mark.parametrize("name, text, date", [
    ("CHN_70_2015.txt", "On 3 September, we commemorated the victory.\n\nPeace is precious.\n", "2015"),
    ("DMA_70_2015.txt", "Mr. President,\n\nOn 27 August 2015 Tropical Storm Erika struck us.\n", "2015"),
    ("note.txt", "Statement on trade\n\nOn 3 September 2015, the ministers met in Hanoi.\n", ""),
    ("2015_note.txt", "Statement on trade\n\nThe storm of 27 August 2015 hit the island.\n", "2015"),
    ("note.txt", "Statement on trade\n\nUpdated: Monday, 9 November 2020\n\nThe ministers met.\n", "2020-11-09"),
    ("note.txt", "Talks on trade held on 9 November 2020\n\nThe ministers met.\n", "2020-11-09"),
])
def test_a_date_is_one_the_document_declares_never_a_day_it_mentions(name, text, date):
    ps = split_document(Document(name, name, text))
    assert ps[0].date == date
