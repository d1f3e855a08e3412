"""Published formats from ../shared/corpora read as the issue asks (skipped when the data is absent)."""

from __future__ import annotations

import difflib
import re

import pytest

from searchkit.ingest.files import read_file
from searchkit.ingest.passages import split_document
from tests.conftest import SHARED

CORPORA = SHARED / "corpora"
pytestmark = pytest.mark.skipif(not (CORPORA / "fomc-presconf-pdf").is_dir(),
                                reason="../shared/corpora (the published-format folders) is not here")


def passages(relative: str):
    path = CORPORA / relative
    items = list(read_file(path, path.name))
    assert len(items) == 1 and hasattr(items[0], "text"), items
    return split_document(items[0])


def test_a_ministry_page_gives_the_reference_text_and_no_menu():
    got = passages("fmprc-html/en/t1558711.html")
    reference = (CORPORA / "china-mfa-presscon/txt/2018-05-11_fmprc-t1558711.txt").read_text(encoding="utf-8")
    body = [p.text for p in got if p.kind in ("body", "title") and p.text != p.title]
    ratio = difflib.SequenceMatcher(None, " ".join(body).split(), reference.split("\n\n", 1)[1].split()).ratio()
    assert ratio >= 0.98
    assert not any(p.text in ("Home", "Français", "Español", "The Ministry") for p in got if p.kind == "body")
    assert (got[0].title, got[0].date, got[0].source) == (
        "Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on May 11, 2018", "2018-05-11", "MFA")
    assert {p.speaker for p in got if p.text.startswith("A:")} == {"Geng Shuang"}


def test_a_windows_1252_fed_speech_reads_clean_with_date_and_speaker():
    got = passages("fed-speeches-html/19970105.htm")
    text = " ".join(p.text for p in got)
    assert "\ufffd" not in text and "â€" not in text and "–" in text  # a cp1252 en dash (0x96)
    assert got[0].date == "1997-01-05" and got[0].speaker


def test_a_fed_speech_whose_few_accents_a_detector_takes_for_baltic_reads_them_as_written():
    got = passages("fed-speeches-html/20050211.htm")  # charset_normalizer's guess for it: cp775
    text = " ".join(p.text for p in got)
    assert "Andr\u00e9 Minella" in text and "Andr\u0137" not in text


def test_a_fomc_transcript_has_no_running_header_and_names_its_speakers():
    got = passages("fomc-presconf-pdf/FOMCpresconf20200315.pdf")
    assert not any(re.search(r"Page \d+ of \d+|Press Conference Call FINAL", p.text) for p in got)
    turns = {p.speaker for p in got if re.match(r"[A-Z]+ [A-Z]+\. ", p.text)}
    assert {"Chair Powell", "Michelle Smith", "Howard Schneider"} <= turns
    assert got[-1].page_end == 21 and all(p.page_start <= p.page_end for p in got)


def test_a_security_council_draft_keeps_secretary_general_whole_and_has_its_symbol():
    got = passages("unsc-drafts-pdf/S_2018_221-EN.pdf")
    body = " ".join(p.text for p in got if p.kind == "body")
    assert "Secretary- General" not in body and "SecretaryGeneral" not in body
    assert body.count("Secretary-General") >= 10
    assert not re.search(r"18-04038|\*1804038\*|Distr\.:", body)
    assert {p.symbol for p in got} == {"S/2018/221"}


def test_a_budget_section_in_word_has_its_symbol_and_tables():
    got = passages("un-budget-docx/A_80_6_SECT.35.docx")
    assert {p.symbol for p in got} == {"A/80/6"} or all(p.symbol.startswith("A/80/6") for p in got)
    assert any(" | " in p.text for p in got)
