"""Line-end hyphens joined only on evidence that the joined form is the word; kept when in doubt."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchkit.ingest.files import Document
from searchkit.ingest.hyphens import _HYPHENATED as HYPHENATED
from searchkit.ingest.hyphens import _WHOLE_WORD as WHOLE_WORD
from searchkit.ingest.hyphens import Evidence
from searchkit.ingest.passages import split_document


def text_of(body: str, corpus: Evidence | None = None) -> str:
    return split_document(Document("a.txt", "a.txt", body), corpus=corpus)[0].text


@pytest.mark.parametrize("body, expected", [
    ("the right of self-\ndetermination of peoples", "the right of self-determination of peoples"),
    ("closer international coopera-\ntion in the region", "closer international cooperation in the region"),
    ("for all low-\nincome countries", "for all low-income countries"),
    ("at the fifty-\nfifth session", "at the fifty-fifth session"),
    ("President Tshise-\nkedi spoke", "President Tshise-kedi spoke"),  # no evidence either way: kept
    ("the Secretary-\nGeneral said", "the Secretary-General said"),
])
def test_a_hyphen_goes_only_when_the_joined_form_is_a_known_word(body, expected):
    assert text_of(body) == expected


def test_the_document_and_the_corpus_are_evidence():
    assert text_of("President Tshise-\nkedi spoke; Tshisekedi said") == "President Tshisekedi spoke; Tshisekedi said"
    corpus = Evidence(compounds=frozenset({"non-governmental"}), words=frozenset({"peacebuilding"}))
    assert text_of("with non-\ngovernmental groups", corpus) == "with non-governmental groups"
    assert text_of("with non-\ngovernmental groups") == "with nongovernmental groups"  # the word list's word
    assert text_of("for peace-\nbuilding work", corpus) == "for peacebuilding work"
    assert text_of("for peace-\nbuilding work") == "for peace-building work"


def test_an_index_run_collects_the_corpus_evidence(run, tmp_path):
    root = tmp_path / "un"
    root.mkdir()
    (root / "a.txt").write_text("We thank the non-\ngovernmental organizations.\n", encoding="utf-8")
    (root / "b.txt").write_text("Non-governmental organizations matter for peacebuilding.\n", encoding="utf-8")
    (root / "c.txt").write_text("Support for peace-\nbuilding grew.\n", encoding="utf-8")
    run("index", str(root))
    texts = {json.loads(line)["doc_id"]: json.loads(line)["text"] for line in run("export").stdout.splitlines()}
    assert texts["a.txt"] == "We thank the non-governmental organizations."
    assert texts["c.txt"] == "Support for peacebuilding grew."


def evidence_by_scanning(texts: list[str]) -> Evidence:
    """What ``Evidence.collect`` means: both patterns run over every text (slowly)."""
    found = [(m.lower() for m in HYPHENATED.findall(t)) for t in texts]
    whole = [(m.lower() for m in WHOLE_WORD.findall(t)) for t in texts]
    return Evidence(frozenset().union(*found), frozenset().union(*whole))


@pytest.mark.parametrize("texts", [
    ["coopera-\ntion and cooperation", "tion alone"],  # "tion" whole in another text
    ["x-\ny-\nz z-\nz", "a-\r\nb-c d-\n\ne"],  # chained breaks; a compound right after one; a blank line
    ["less-\nthan-conducive", "two-State-solution, (peace-keeping) 1990s-era Côte d'Ivoire İstanbul"],
    ["", "-\n", "end-\n", "\u00e9t\u00e9-\ncafe\u0301 caf\u00e9"],
])
def test_the_corpus_evidence_is_what_scanning_every_text_finds(texts):
    assert Evidence.collect(texts) == evidence_by_scanning(texts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab-\n\r \t1_éİ(")), max_size=40), max_size=4))
def test_the_corpus_evidence_of_any_text_is_what_scanning_finds(texts):
    assert Evidence.collect(texts) == evidence_by_scanning(texts)
