"""searchkit cite: exact, typographic, ellipsis, cross-paragraph, near and none; line/column; batch and drafts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

KEYS = [
    "verdict", "similarity", "doc_id", "passage_id", "para", "para_label", "path", "line", "column",
    "char_start", "char_end", "page_start", "page_end", "quote", "title", "date", "source", "speaker", "url",
    "citation", "cross_paragraph", "diff", "editorial",
]

STATEMENT = (
    "The ministers agreed that the “fast lanes” must stay open — for people and goods alike. "
    "Self-determination of peoples remains a cornerstone of the Charter."
)


def rows(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def quotes_corpus(tmp_path: Path) -> Path:
    """Documents written for quote lookup: republished statements, CRLF and lone-CR files, two paragraphs."""
    root = tmp_path / "quotes"
    root.mkdir()
    records = [
        {"id": "vna-2", "text": f"Hanoi (VNA)\n\n{STATEMENT}", "title": "Fast lanes reopen", "date": "2020-11-09",
         "source": "VNA", "url": "https://example.org/vna-2"},
        {"id": "mfa-1", "text": f"Q: Any comment?\n\nA: {STATEMENT}\n\nWe oppose unilateral sanctions.",
         "title": "Press conference", "date": "2020-05-11", "source": "MFA", "speaker": "Zhao Lijian"},
    ]
    (root / "news.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
                                     encoding="utf-8")
    (root / "crlf.txt").write_bytes(
        "Maritime note\r\n\r\nThe sea lanes of the South China Sea\r\nmust remain open to all ships.\r\n".encode()
    )
    (root / "cr.txt").write_bytes(
        "Climate note\r\rSmall island states face an existential threat from rising seas.\r\r"
        "Adaptation finance must double by the end of the decade.\r".encode()
    )
    (root / "speech.txt").write_text(
        "Opening remarks\n\n"
        "We have come a long way since the founding of this Organization. Much remains to be done.\n\n"
        "The road ahead is long, but together we will reach the destination that our peoples deserve.\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def qix(run, quotes_corpus, tmp_path) -> Path:
    index = tmp_path / "qix"
    result = run("index", str(quotes_corpus), index=index)
    assert result.exit_code == 0, result.stderr
    return index


def test_exact_quote_every_occurrence_earliest_first(run, qix, quotes_corpus):
    result = run("cite", "the fast lanes must stay open", "--json", index=qix)
    assert result.exit_code == 0, result.stderr
    found = rows(result)
    assert [(r["doc_id"], r["date"], r["para"]) for r in found] == [("mfa-1", "2020-05-11", 2), ("vna-2", "2020-11-09", 2)]
    first = found[0]
    assert list(first) == KEYS
    assert (first["verdict"], first["similarity"], first["cross_paragraph"], first["diff"]) == ("exact", 1.0, False, None)
    assert first["quote"] == "the “fast lanes” must stay open"
    assert first["passage_id"] == "mfa-1#2"
    assert (first["speaker"], first["source"], first["title"]) == ("Zhao Lijian", "MFA", "Press conference")
    assert first["citation"] == "Press conference. MFA, 2020-05-11, para. 2"
    assert first["path"] == str((quotes_corpus / "news.jsonl").absolute())


def test_char_offsets_point_into_the_original_document(run, qix):
    for row in rows(run("cite", "Self-determination of peoples", "--json", index=qix)):
        text = {"vna-2": f"Hanoi (VNA)\n\n{STATEMENT}", "mfa-1": f"Q: Any comment?\n\nA: {STATEMENT}"}[row["doc_id"]]
        assert text[row["char_start"]:row["char_end"]] == "Self-determination of peoples" == row["quote"]


def test_jsonl_line_and_column_point_into_the_file(run, qix, quotes_corpus):
    row = rows(run("cite", "stay open — for people", "--json", index=qix))[1]
    raw_lines = (quotes_corpus / "news.jsonl").read_text(encoding="utf-8").splitlines()
    assert row["line"] == 1 and row["doc_id"] == "vna-2"
    assert raw_lines[0][row["column"] - 1:].startswith("stay open — for people")


@pytest.mark.parametrize("quote", [
    "THE “FAST LANES” MUST STAY OPEN",
    'the "fast lanes" must stay open',
    "the ‘fast lanes’ must\nstay open",
    "stay open -- for people and goods",
    "stay open - for people and goods",
    "stay open--for people and goods",
    "self–determination of peoples remains a corner-\nstone of the Charter",
    "  the fast   lanes\r\n must stay open.  ",
])
def test_typographic_variants_are_exact(run, qix, quote):
    result = run("cite", quote, "--json", index=qix)
    assert result.exit_code == 0, (quote, result.stdout)
    assert {r["doc_id"] for r in rows(result)} == {"mfa-1", "vna-2"}


def test_ellipsis_matches_a_gap_inside_one_paragraph(run, qix):
    result = run("cite", "The ministers agreed … for people and goods alike... cornerstone of the Charter", "--json", index=qix)
    assert result.exit_code == 0
    row = rows(result)[0]
    assert row["quote"] == ("The ministers agreed … for people and goods alike … cornerstone of the Charter")
    assert row["char_end"] - row["char_start"] == len(STATEMENT) - 1  # the quotation's last "." is its own


def test_ellipsis_gap_may_not_leave_the_paragraph(run, qix):
    result = run("cite", "Much remains to be done … together we will reach the destination", "--json", index=qix)
    assert result.exit_code == 1
    assert rows(result)[0]["verdict"] != "exact"


def test_quote_across_two_paragraphs_is_found_and_flagged(run, qix, quotes_corpus):
    quote = "Much remains to be done. The road ahead is long"
    result = run("cite", quote, "--json", index=qix)
    assert result.exit_code == 0, result.stdout
    row = rows(result)[0]
    assert (row["verdict"], row["cross_paragraph"], row["passage_id"]) == ("exact", True, "speech.txt#2")
    assert row["quote"] == "Much remains to be done.\n\nThe road ahead is long"
    text = (quotes_corpus / "speech.txt").read_text(encoding="utf-8")
    assert text[row["char_start"]:row["char_end"]] == "Much remains to be done.\n\nThe road ahead is long"
    column = text.splitlines()[2].index("Much remains") + 1
    plain = run("cite", quote, index=qix)
    assert plain.stdout.splitlines()[1] == f"{row['path']}:3:{column}  (runs across two paragraphs)"


def test_crlf_file_line_and_column(run, qix, quotes_corpus):
    row = rows(run("cite", "must remain open to all ships", "--json", index=qix))[0]
    assert (row["line"], row["column"]) == (4, 1)
    row = rows(run("cite", "South China Sea must remain open", "--json", index=qix))[0]
    assert (row["line"], row["column"]) == (3, 22)
    data = (quotes_corpus / "crlf.txt").read_bytes().decode()
    assert data[row["char_start"]:row["char_end"]] == "South China Sea\r\nmust remain open"


def test_lone_cr_file_line_and_column(run, qix):
    row = rows(run("cite", "adaptation finance must double", "--json", index=qix))[0]
    assert (row["line"], row["column"]) == (5, 1)
    row = rows(run("cite", "an existential threat", "--json", index=qix))[0]
    assert (row["line"], row["column"]) == (3, 26)


def test_plain_output_verdict_locations_then_citation(run, qix, quotes_corpus):
    result = run("cite", "We oppose unilateral sanctions", index=qix)
    assert result.exit_code == 0
    path = (quotes_corpus / "news.jsonl").absolute()
    assert result.stdout.splitlines() == [
        "exact: 1 occurrence",
        f"{path}:2:{_column_of(path, 'We oppose unilateral')}  2020-05-11  Zhao Lijian",  # date and speaker
        "Press conference. MFA, 2020-05-11, para. 3",
    ]
    assert result.stderr == ""


def _column_of(path: Path, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines()[1].index(text) + 1


def test_one_word_misquote_is_near_with_a_word_diff(run, qix):
    result = run("cite", "The road ahead is short, but together we will reach the destination", "--json", index=qix)
    assert result.exit_code == 1
    row = rows(result)[0]
    assert row["verdict"] == "near" and 0.85 < row["similarity"] < 1
    assert row["passage_id"] == "speech.txt#3"
    assert row["quote"] == "The road ahead is long, but together we will reach the destination"
    changed = [d for d in row["diff"] if d["op"] != "equal"]
    assert changed == [{"op": "replace", "quote": "short", "source": "long"}]
    plain = run("cite", "The road ahead is short, but together we will reach the destination", index=qix)
    assert plain.stdout.splitlines()[-1] == (
        "diff: The road ahead is [-short-] {+long+} , but together we will reach the destination"
    )


def test_near_match_lists_every_republication(run, qix):
    result = run("cite", "Self-determination of peoples remains the cornerstone of the Charter", "--json", index=qix)
    assert result.exit_code == 1
    found = rows(result)
    assert [(r["doc_id"], r["verdict"]) for r in found] == [("mfa-1", "near"), ("vna-2", "near")]
    assert found[0]["similarity"] == found[1]["similarity"] < 1
    assert [d for d in found[1]["diff"] if d["op"] != "equal"] == [{"op": "replace", "quote": "the", "source": "a"}]


def test_quote_may_start_inside_a_hyphenated_name(run, qix):
    result = run("cite", "determination of peoples remains a cornerstone", "--json", index=qix)
    assert result.exit_code == 0
    assert rows(result)[0]["quote"] == "determination of peoples remains a cornerstone"


def test_invented_quote_is_none_with_the_closest_passage(run, qix):
    result = run("cite", "Penguins will inherit the frozen continent of tomorrow", "--json", index=qix)
    assert result.exit_code == 1
    found = rows(result)
    assert len(found) == 1 and found[0]["verdict"] == "none" and found[0]["diff"] is None
    nothing = run("cite", "zeppelin quasar marmalade", "--json", index=qix)
    assert nothing.exit_code == 1
    assert rows(nothing) == [dict.fromkeys(KEYS) | {"verdict": "none", "similarity": 0.0, "cross_paragraph": False}]
    plain = run("cite", "zeppelin quasar marmalade", index=qix)
    assert plain.stdout == "none: not found, and no passage comes close\n"


def test_quotation_without_words_is_an_error(run, qix):
    for quote in ("...", "“ — ”", "to be or not to be"):
        result = run("cite", quote, index=qix)
        assert result.exit_code == 2, quote
        assert result.stderr.startswith("searchkit: the quotation has") and len(result.stderr.splitlines()) == 1


def test_styles(run, qix):
    quote = "We oppose unilateral sanctions"
    apa = rows(run("cite", quote, "--json", "--style", "apa", index=qix))[0]["citation"]
    assert apa == "Zhao Lijian. (2020, May 11). Press conference. MFA. (para. 3)"  # a local path is no URL
    chicago = rows(run("cite", quote, "--json", "--style", "chicago", index=qix))[0]["citation"]
    assert chicago == 'Zhao Lijian, "Press conference," MFA, May 11, 2020, para. 3.'
    csl = rows(run("cite", quote, "--json", "--style", "csl-json", index=qix))[0]["citation"]
    assert csl["type"] == "speech" and csl["issued"] == {"date-parts": [[2020, 5, 11]]}
    assert (csl["locator"], csl["label"], csl["author"]) == ("3", "paragraph", [{"literal": "Zhao Lijian"}])
    bib = run("cite", quote, "--style", "bibtex", index=qix).stdout
    assert "@misc{Zhao2020_mfa1,\n  title = {Press conference},\n  author = {{Zhao Lijian}}," in bib  # family name first
    assert "howpublished" not in bib and "news.jsonl" not in bib[bib.index("@misc"):]
    vna = rows(run("cite", "stay open — for people", "--json", "--style", "apa", index=qix))[1]["citation"]
    assert vna == "VNA. (2020, November 9). Fast lanes reopen. https://example.org/vna-2 (para. 2)"


def test_a_question_is_cited_as_a_question_never_with_journalist_as_author(run, qix):
    cited = {style: rows(run("cite", "Any comment?", "--json", "--style", style, index=qix))[0]["citation"]
             for style in ("plain", "apa", "chicago", "csl-json")}
    assert cited["plain"] == "Press conference [question from a journalist]. MFA, 2020-05-11, para. 1"
    assert cited["apa"] == "Press conference [Question from a journalist]. (2020, May 11). MFA. (para. 1)"
    assert cited["chicago"] == 'Question from a journalist, "Press conference," MFA, May 11, 2020, para. 1.'
    assert "author" not in cited["csl-json"] and cited["csl-json"]["note"] == "Question from a journalist"
    bib = run("cite", "Any comment?", "--style", "bibtex", index=qix).stdout
    assert "journalist}" not in bib.replace("Question from a journalist", "") and "@misc{MFA2020_mfa1," in bib


def test_a_question_names_the_outlet_its_marker_gives(run, tmp_path):
    root = tmp_path / "pc"
    root.mkdir()
    record = {"id": "pc-9", "title": "Regular Press Conference", "date": "2019-01-29", "speaker": "Hua Chunying",
              "text": "Reuters: Will the talks resume?\n\nHua Chunying: We will release information in due course."}
    (root / "pc.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    run("index", str(root))
    apa = rows(run("cite", "Will the talks resume?", "--json", "--style", "apa"))[0]["citation"]
    assert apa == "Regular Press Conference [Question from Reuters]. (2019, January 29). (para. 1)"
    answer = rows(run("cite", "We will release information", "--json", "--style", "apa"))[0]["citation"]
    assert answer == "Hua Chunying. (2019, January 29). Regular Press Conference. (para. 2)"


def test_batch_lines_and_jsonl(run, qix, tmp_path):
    plain = tmp_path / "quotes.txt"
    plain.write_text("We oppose unilateral sanctions\n\nthe road ahead is short\n", encoding="utf-8")
    result = run("cite", "--batch", str(plain), "--json", index=qix)
    assert result.exit_code == 1  # one is not exact
    found = rows(result)
    assert [(r["n"], r["id"], r["verdict"]) for r in found] == [(1, None, "exact"), (2, None, "near")]
    assert list(found[0]) == KEYS + ["n", "id", "input"] and found[1]["input"] == "the road ahead is short"
    jsonl = tmp_path / "quotes.jsonl"
    jsonl.write_text(json.dumps({"id": "q7", "text": "Much remains to be done.\nThe road ahead is long"}) + "\n"
                     + json.dumps({"id": "q8", "text": "the fast lanes must stay open"}) + "\n", encoding="utf-8")
    result = run("cite", "--batch", str(jsonl), "--json", index=qix)
    assert result.exit_code == 0
    assert [(r["n"], r["id"], r["cross_paragraph"]) for r in rows(result)] == [
        (1, "q7", True), (2, "q8", False), (2, "q8", False)]


def test_batch_plain_output_and_a_broken_line(run, qix, tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "a", "text": "We oppose unilateral sanctions"}\n{"id": \n', encoding="utf-8")
    result = run("cite", "--batch", str(batch), index=qix)
    assert result.exit_code == 2
    assert result.stdout.splitlines()[:2] == ["#1 a We oppose unilateral sanctions", "exact: 1 occurrence"]
    assert result.stderr.startswith(f"searchkit: {batch}:2: quotation 2 is not valid JSON")


def test_from_draft_finds_every_quotation(run, qix, tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(
        "The spokesman said “we oppose unilateral sanctions” on Monday.\n"
        'Officials insisted that "the fast lanes must stay open", while the speech\n'
        "claimed «the road ahead is short». It’s the nations’ ‘common destiny’, he added.\n",
        encoding="utf-8",
    )
    result = run("cite", "--from", str(draft), "--json", index=qix)
    assert result.exit_code == 1
    found = rows(result)
    assert [(r["n"], r["input"], r["verdict"]) for r in found] == [
        (1, "we oppose unilateral sanctions", "exact"), (2, "the fast lanes must stay open", "exact"),
        (2, "the fast lanes must stay open", "exact"), (3, "the road ahead is short", "near"),
        (4, "common destiny", "none")]


def test_from_draft_all_exact_exits_0_and_no_quotes_exits_1(run, qix, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("As the minister put it: “Small island states face an existential threat.”\n", encoding="utf-8")
    assert run("cite", "--from", str(draft), index=qix).exit_code == 0
    draft.write_text("No quotations here.\n", encoding="utf-8")
    result = run("cite", "--from", str(draft), index=qix)
    assert result.exit_code == 1 and "no quotations between quote marks" in result.stderr


@pytest.mark.parametrize("args, message", [
    ((), "give one of QUOTE, --batch FILE or --from FILE"),
    (("x", "--batch", "f"), "give one of QUOTE, --batch FILE or --from FILE"),
    (("--batch", "missing.txt"), "missing.txt: no such file"),
])
def test_usage_errors_exit_2(run, qix, args, message):
    result = run("cite", *args, index=qix)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_missing_index_exits_2(run, tmp_path):
    result = run("cite", "anything at all", index=tmp_path / "nowhere")
    assert result.exit_code == 2 and "searchkit index" in result.stderr


def test_changed_file_gives_no_line_and_says_so(run, qix, quotes_corpus):
    (quotes_corpus / "speech.txt").write_text("Entirely different text now.\n", encoding="utf-8")
    result = run("cite", "The road ahead is long", "--json", index=qix)
    assert result.exit_code == 0
    row = rows(result)[0]
    assert row["line"] is None and row["char_start"] is not None
    assert "speech.txt changed since it was indexed" in result.stderr


def test_changed_jsonl_record_gives_no_line(run, qix, quotes_corpus):
    path = quotes_corpus / "news.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("We oppose unilateral sanctions", "We welcome the talks")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = rows(run("cite", "We oppose unilateral sanctions", "--json", index=qix))
    assert [(r["doc_id"], r["line"]) for r in found] == [("mfa-1", None)]
    stale = rows(run("cite", "stay open — for people", "--json", index=qix))
    assert [(r["doc_id"], r["line"] is None) for r in stale] == [("mfa-1", True), ("vna-2", False)]


WRAPPED = (
    "Statement by the delegation\n\n"
    "The General Assembly has before it a number of ques-\n"
    "tions of the greatest importance for the future of\n"
    "the Organization and for the peoples whose hopes it\n"
    "carries. Among them, the question of development co-\n"
    "operation deserves the closest attention of every\n"
    "delegation present in this Hall today, and of the\n"
    "Governments that sent them here to speak for them.\n"
)


def test_hyphenated_line_ends_in_the_source(run, tmp_path):
    root = tmp_path / "wrapped"
    root.mkdir()
    (root / "speech.txt").write_text(WRAPPED, encoding="utf-8")
    assert run("index", str(root)).exit_code == 0
    row = rows(run("cite", "a number of questions of the greatest importance", "--json"))[0]
    assert row["verdict"] == "exact"
    assert WRAPPED[row["char_start"]:row["char_end"]] == "a number of ques-\ntions of the greatest importance"
    assert (row["line"], row["column"]) == (3, 36)
    row = rows(run("cite", "the question of development co-operation deserves", "--json"))[0]
    assert row["verdict"] == "exact" and (row["line"], row["column"]) == (6, 22)


def test_quote_across_two_pieces_of_one_long_paragraph(run, tmp_path):
    import random

    rng = random.Random(3)
    parts = (["The delegation", "Our Government", "The Council", "My country", "This Assembly"],
             ["supports", "welcomes", "rejects", "considers", "recalls", "underlines"],
             ["the new agenda for peace", "the reform of the Council", "the climate finance pledges",
              "the ceasefire in the region", "the rights of migrants", "the fight against poverty"],
             ["with great conviction", "for the coming decade", "without any delay", "in all its aspects"])
    sentences = [" ".join(rng.choice(p) for p in parts) + f", and item {i} follows." for i in range(60)]
    root = tmp_path / "long"
    root.mkdir()
    (root / "long.txt").write_text("A long statement\n\n" + " ".join(sentences) + "\n", encoding="utf-8")
    assert run("index", str(root)).exit_code == 0
    pieces = [json.loads(x) for x in run("export").stdout.splitlines()][1:]
    assert [p["passage_id"] for p in pieces[:2]] == ["long.txt#2.1", "long.txt#2.2"]  # the paragraph was cut
    for before, after in zip(pieces, pieces[1:]):
        quote = " ".join(before["text"].split()[-5:] + after["text"].split()[:5])
        found = rows(run("cite", quote, "--json"))
        assert len(found) == 1 and found[0]["verdict"] == "exact", quote
        assert (found[0]["passage_id"], found[0]["cross_paragraph"]) == (before["passage_id"], False)


def test_batch_from_stdin(run, qix):
    result = run("cite", "--batch", "-", "--json", index=qix, input="We oppose unilateral sanctions\n")
    assert result.exit_code == 0 and [r["n"] for r in rows(result)] == [1]


def test_quote_from_stdin(run, qix):
    result = run("cite", "-", "--json", index=qix, input="Much remains to be done.\n\nThe road ahead is long\n")
    assert result.exit_code == 0 and rows(result)[0]["cross_paragraph"] is True


def test_tiny_corpus_quote(run, corpus):
    run("index", str(corpus))
    result = run("cite", "cooperating on vaccines saves lives", "--json")
    assert result.exit_code == 0
    row = rows(result)[0]
    assert (row["doc_id"], row["line"], row["column"], row["char_start"]) == ("bom.txt", 3, 1, 21)


@pytest.mark.parametrize("quote, editorial", [
    ("[Japan's] position on the islands has not changed since the treaty",
     [{"quote": "[Japan's]", "source": "its"}]),
    ("the Organisation [sic] must act now to end the conflict", [{"quote": "[sic]", "source": ""}]),
    ("policy of reform and opening—up has served the country", [{"quote": "opening—up", "source": "opening-up"}]),
])
def test_editorial_brackets_and_a_dash_for_a_hyphen_are_exact_with_the_changes_listed(run, tmp_path, quote, editorial):
    root = tmp_path / "ed"
    root.mkdir()
    (root / "a.txt").write_text(
        "Statement on the islands\n\n"
        "We reaffirm that its position on the islands has not changed since the treaty was signed.\n\n"
        "The policy of reform and opening-up has served the country well over four decades.\n\n"
        "The Organisation must act now to end the conflict before the winter comes.\n", encoding="utf-8")
    run("index", str(root))
    (row,) = rows(run("cite", quote, "--json"))
    assert (row["verdict"], row["similarity"], row["editorial"]) == ("exact", 1.0, editorial)
    assert run("cite", quote).stdout.splitlines()[-1].startswith("editorial: ")
    invented = quote.replace("the", "a", 1).replace("[Japan's]", "[China's]")  # a change outside the brackets
    assert rows(run("cite", invented, "--json"))[0]["verdict"] != "exact"
