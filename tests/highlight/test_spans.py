"""Highlights a reader trusts: phrases whole, stemmed words as written, aliases, wildcards, fuzzy terms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh import query as wq

from searchkit.analysis.chain import ANALYZER
from searchkit.highlight.spans import Matchers, matchers_for, merge, spans_for
from searchkit.render.text import mark
from searchkit.store.store import Store

SPEECH = (
    "The right to development is an inalienable human right. Viet Nam and Vietnam are one country; the "
    "negotiations were negotiated by negotiators. Terrorism and terrorist attacks threaten us. The right of "
    "peoples to development, and development rights, matter. Cooperating on vaccines builds cooperation."
)


def bracketed(hit: dict) -> str:
    return mark(hit["text"], hit["spans"], "[", "]")


def hits(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def speech_index(tmp_path: Path, run) -> Path:
    folder = tmp_path / "speech"
    folder.mkdir()
    (folder / "speech.txt").write_text(f"A speech\n\n{SPEECH}\n", encoding="utf-8")
    index = tmp_path / "speech-ix"
    assert run("index", str(folder), index=index).exit_code == 0
    return index


def search_one(run, index: Path, query: str) -> dict:
    result = run("search", query, "--json", index=index)
    assert result.exit_code == 0, result.stderr
    return next(h for h in hits(result) if "negotiat" in h["text"])


def test_a_phrase_is_marked_whole_and_stray_stop_words_are_not(run, speech_index):
    hit = search_one(run, speech_index, '"right to development"')
    assert bracketed(hit).startswith("The [right to development] is an inalienable human right.")
    assert [hit["text"][s:e] for s, e in hit["spans"]] == ["right to development"]


def test_a_stemmed_query_marks_each_word_as_written(run, speech_index):
    hit = search_one(run, speech_index, "negotiation")
    assert "the [negotiations] were [negotiated] by [negotiators]." in bracketed(hit)
    assert hit["matched_forms"] == ["negotiated", "negotiations", "negotiators"]
    hit = search_one(run, speech_index, "cooperation")
    assert bracketed(hit).endswith("[Cooperating] on vaccines builds [cooperation].")


def test_a_wildcard_marks_the_words_it_matched(run, speech_index):
    hit = search_one(run, speech_index, "terror*")
    assert "[Terrorism] and [terrorist] attacks threaten us." in bracketed(hit)


def test_negated_words_are_not_marked(run, speech_index):
    from searchkit.search.searcher import parse

    # The speech's one passage says "cooperation", so the query excludes it; what it would mark:
    assert run("search", "terrorism NOT cooperation", index=speech_index).exit_code == 1
    store = Store.open(speech_index)
    with store.ix.searcher() as searcher:
        matchers = matchers_for(parse(store, "terrorism NOT cooperation"), searcher.reader())
    marked = mark(SPEECH, spans_for(SPEECH, matchers), "[", "]")
    assert "[Terrorism]" in marked and "[cooperation]" not in marked


def test_a_proximity_phrase_marks_the_words_it_matched(tmp_path):
    text = "the right of peoples to development"
    matchers = Matchers(phrases=[wq_phrase(["right", "develop"], slop=3)])
    assert mark(text, spans_for(text, matchers), "[", "]") == "the [right] of peoples to [development]"
    assert spans_for(text, Matchers(phrases=[wq_phrase(["right", "develop"], slop=1)])) == []


def wq_phrase(words: list[str], slop: int):
    from searchkit.highlight.spans import MarkedPhrase

    return MarkedPhrase(tuple(words), slop)


@pytest.fixture
def speech_store(speech_index: Path) -> Store:
    return Store.open(speech_index)


def spans_of(store: Store, query) -> str:
    with store.ix.searcher() as searcher:
        matchers = matchers_for(query, searcher.reader())
    return mark(SPEECH, spans_for(SPEECH, matchers), "[", "]")


def test_a_fuzzy_term_marks_the_words_it_matched(speech_store):
    # Fuzzy terms match index terms: "terorist" is one edit from "terrorist"; "terrorism" is indexed as
    # "terror", two edits further, so a reader sees exactly which word the search accepted.
    marked = spans_of(speech_store, wq.FuzzyTerm("text", "terorist", maxdist=1))
    assert "Terrorism and [terrorist] attacks" in marked


def test_an_alias_marks_the_form_the_source_used(speech_store):
    # An alias expands to its other forms, each a term or a phrase (the issue-4 query builder does this).
    query = wq.Or([wq.Term("text", "vietnam"), wq.Phrase("text", ["viet", "nam"])])
    assert "[Viet Nam] and [Vietnam] are one country" in spans_of(speech_store, query)


def test_title_and_other_fields_terms_mark_the_text_but_ranges_do_not_blow_up(speech_store):
    query = wq.And([wq.Term("title", "speech"), wq.TermRange("text", "a", "z"), wq.Term("text", "vaccin")])
    assert "on [vaccines] builds" in spans_of(speech_store, query)


def reference_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """What the analyzer itself says, token by token: the slow way the fast path must agree with."""
    return merge((t.startchar, t.endchar) for t in ANALYZER(text, chars=True) if t.text in terms)


def test_the_fast_path_agrees_with_the_analyzer_on_every_seed_word(seeds_index):
    store = Store.open(seeds_index)
    with store.ix.searcher() as searcher:
        texts = [fields["text"] for fields in searcher.all_stored_fields()]
    texts.append("Développement, CÔTE d’Ivoire, São Tomé, naïve Naïveté, Việt Nam’s, İstanbul, ΟΔΟΣ ΟΔΟΙ")
    checked = 0
    for text in texts:
        for term in {t.text for t in ANALYZER(text)}:
            assert spans_for(text, Matchers(terms={term})) == reference_spans(text, {term}), (term, text[:60])
            checked += 1
    assert checked > 1000


def test_accented_and_unaccented_forms_are_both_marked():
    text = "Việt Nam and Viet Nam signed; Côte d’Ivoire too."
    marked = mark(text, spans_for(text, Matchers(phrases=[["viet", "nam"]], terms={"cote"})), "[", "]")
    assert marked == "[Việt Nam] and [Viet Nam] signed; [Côte] d’Ivoire too."


def test_spans_and_doc_spans_of_a_phrase_point_at_the_same_words(run, tmp_path):
    folder = tmp_path / "crlf"
    folder.mkdir()
    source = "Title\n\nThe right   to\ndevelopment matters.\n"
    (folder / "doc.txt").write_bytes(source.encode("utf-8"))
    assert run("index", str(folder)).exit_code == 0
    hit = hits(run("search", '"right to development"', "--json"))[0]
    assert bracketed(hit) == "The [right to development] matters."
    (start, end), = hit["doc_spans"]
    assert source[start:end] == "right   to\ndevelopment"


def test_a_nearness_query_marks_its_words_in_any_order(speech_store):
    from whoosh.query.spans import SpanNear2

    near = SpanNear2([wq.Term("text", "develop"), wq.Term("text", "right")], slop=2, ordered=False)
    marked = spans_of(speech_store, near)
    assert marked.startswith("The [right] to [development] is an inalienable human right. Viet")
    assert "The [right] of peoples to [development], and [development] [rights], matter." in marked


def test_acronyms_from_the_case_preserving_field_are_marked_as_written():
    text = "The DOC and the COC: a doc is not the DOC. NGOs and an NGO; DOCS? no: DOCTOR."
    matchers = Matchers(exact={"DOC", "NGO"})
    assert mark(text, spans_for(text, matchers), "[", "]") == (
        "The [DOC] and the COC: a doc is not the [DOC]. [NGOs] and an [NGO]; DOCS? no: DOCTOR.")
    query = wq.Or([wq.Term("caps", "DOC"), wq.Term("text", "cooper")])
    assert matchers_for(query).exact == {"DOC"} and matchers_for(query).terms == {"cooper"}


UN_SPEECHES = ["Session 70 - 2015/FJI_70_2015.txt", "Session 55 - 2000/ALB_55_2000.txt",
               "Session 25 - 1970/ALB_25_1970.txt"]  # one paragraph a line, hard-wrapped, numbered


@pytest.fixture
def un_index(tmp_path: Path, run) -> Path:
    from tests.conftest import SHARED

    sample = SHARED / "corpora" / "ungdc-sample"
    if not sample.is_dir():
        pytest.skip("needs ../shared/corpora/ungdc-sample (UN speeches of three eras)")
    folder = tmp_path / "un"
    for name in UN_SPEECHES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((sample / name).read_bytes())
    index = tmp_path / "un-ix"
    assert run("index", str(folder), index=index).exit_code == 0
    return index


def un_hits(run, index: Path, query: str) -> list[dict]:
    result = run("search", query, "-n", "200", "--json", index=index)
    assert result.exit_code == 0, result.stderr
    return hits(result)


def reader_marks(text: str, pattern: str) -> list[tuple[int, int]]:
    import re

    return [m.span() for m in re.finditer(pattern, text)]


def test_un_speeches_are_marked_where_a_reader_would_mark_them(run, un_index):
    for query, pattern in [
        ('"small island developing States"', r"(?i)small island developing states"),
        ("cooperation", r"(?i)\bcooperat\w*"),
        ("terror*", r"(?i)\bterror\w*"),
        ("negotiation", r"(?i)\bnegotiat\w*"),
    ]:
        found = un_hits(run, un_index, query)
        marked = [h for h in found if h["spans"]]
        assert marked, query
        for hit in marked:
            assert [tuple(s) for s in hit["spans"]] == reader_marks(hit["text"], pattern), (query, hit["passage_id"])
    assert sum(len(h["spans"]) for h in un_hits(run, un_index, '"small island developing States"')) == 2


def test_un_doc_spans_point_into_the_original_file(run, un_index, tmp_path):
    import re

    for hit in un_hits(run, un_index, "cooperation"):
        source = (tmp_path / "un" / hit["doc_id"]).read_text(encoding="utf-8-sig")
        for (s, e), (ds, de) in zip(hit["spans"], hit["doc_spans"]):
            # The original may break the word over a line, with a hyphen: "coopera-\ntion".
            assert re.sub(r"-?\s+", "", source[ds:de]) == hit["text"][s:e], (hit["passage_id"], source[ds:de])


def test_a_wildcard_reaches_no_stem_its_words_cannot_have(run, tmp_path):
    folder = tmp_path / "terms"
    folder.mkdir()
    (folder / "a.txt").write_text("Terms\n\nThe terms of trade were agreed.\n\nTerrorism is condemned.\n")
    assert run("index", str(folder)).exit_code == 0
    found = hits(run("search", "terror*", "--json"))
    assert [bracketed(h) for h in found] == ["[Terrorism] is condemned."]
    assert [bracketed(h) for h in hits(run("search", "cooperat*", "--json"))] == []


def test_aliases_and_fuzzy_words_on_the_seeds_are_marked_as_the_source_wrote_them(run, seeds_index):
    def marked(query: str) -> str:
        result = run("search", query, "-n", "50", "--json", index=seeds_index)
        assert result.exit_code == 0, result.stderr
        return "\n".join(bracketed(h) for h in hits(result))

    assert "the 6th [Mekong-Lancang] Cooperation" in marked("Lancang-Mekong")
    assert "suggested the [Mekong-Lancang Cooperation] ([MLC]) implement" in marked("MLC")
    assert "both during the [pandemic] and in the post-[pandemic] era" in marked("pandamic~")
    assert "Ambassador of China to [Vietnam] Xiong Bo." in marked("Viet Nam")
