"""The pages and their JSON: the same hits, citations and exports as the commands give."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from searchkit.citation import STYLES


def test_the_empty_box_is_the_front_page(client):
    page = client.get("/")
    assert page.status_code == 200
    assert '<input id="q" name="q" type="search" value=""' in page.text
    assert "Query language" in page.text and 'class="hits"' not in page.text


def test_the_search_api_gives_the_hits_as_search_json_prints_them(client, run, web_index: Path):
    data = client.get("/api/search", params={"q": "tariffs", "n": "2"}).json()
    printed = run("search", "tariffs", "-n", "2", "--json", index=web_index).stdout.splitlines()
    assert data["hits"] == [json.loads(line) for line in printed]
    assert (data["total"], data["page"], data["per_page"], data["pages"]) == (3, 1, 2, 2)
    second = client.get("/api/search", params={"q": "tariffs", "n": "2", "page": "2"}).json()
    assert [h["rank"] for h in second["hits"]] == [3]


def test_by_doc_and_sort_by_date_are_the_commands_options(client, run, web_index: Path):
    data = client.get("/api/search", params={"q": "tariffs", "by_doc": "1", "sort": "date"}).json()
    printed = run("search", "tariffs", "--by-doc", "--sort", "date", "--json", index=web_index).stdout
    assert data["hits"] == [json.loads(line) for line in printed.splitlines()]
    assert [h["date"] for h in data["hits"]] == ["2021-07-01", "2019-03-02"]
    assert data["by_doc"] is True and data["sort"] == "date"


def test_a_result_shows_title_date_source_speaker_reference_and_marked_fragments(client):
    page = client.get("/search", params={"q": "steel"}).text
    assert 'href="/passage?id=linked%231&amp;q=steel#p-1">Tariff talks</a>' in page
    for part in ('<span class="date">2021-07-01</span>', '<span class="source">MFA</span>',
                 '<span class="speaker">Zhao Lijian</span>', '<span class="ref">[linked para. 1]</span>',
                 "Tariffs on <mark>steel</mark> were discussed at length."):
        assert part in page
    assert "1-1 of 1 passage" in page


def test_paging_links_keep_the_query_and_its_options(client):
    page = client.get("/search", params={"q": "tariffs", "n": "1", "sort": "date", "page": "2"}).text
    assert 'rel="prev" href="/search?q=tariffs&amp;sort=date&amp;n=1"' in page
    assert 'rel="next" href="/search?q=tariffs&amp;page=3&amp;sort=date&amp;n=1"' in page
    assert "page 2 of 3" in page


def test_nothing_found_says_so_and_suggests_a_spelling(client):
    page = client.get("/search", params={"q": "tarifs"}).text
    assert "No passages match <q>tarifs</q>" in page
    assert 'Did you mean <a href="/search?q=tariffs">tariffs</a>?' in page


def test_the_passage_page_shows_the_document_in_order_with_the_passage_marked(client):
    page = client.get("/passage", params={"id": "pc-1#2", "q": "sanctions"}).text
    paragraphs = re.findall(r'<div class="paragraph( target)? kind-(\w+)" id="p-(\d+)">', page)
    assert paragraphs == [("", "body", "1"), (" target", "body", "2")]
    assert '<span class="speaker">journalist:</span> Q: Any comment?' in page  # another speaker than the cited one
    assert "A: We oppose unilateral <mark>sanctions</mark>." in page
    assert "<dt>speaker</dt><dd>Zhao Lijian</dd>" in page


def test_the_passage_page_cites_in_every_style_and_links_an_http_source(client, run, web_index: Path):
    page = client.get("/passage", params={"id": "linked#1"}).text
    assert page.count('<div class="citation">') == len(STYLES)
    apa = run("cite", "Tariffs on steel were discussed", "--style", "apa", index=web_index).stdout.splitlines()[2]
    assert f'<pre aria-labelledby="style-apa">{apa}</pre>' in page
    assert '<a href="https://example.org/linked" rel="noopener noreferrer">' in page
    data = client.get("/api/passage", params={"id": "linked#1"}).json()
    assert data["url"] == "https://example.org/linked" and data["targets"] == ["linked#1"]
    assert data["citations"]["apa"] == apa


def test_a_whole_document_by_its_id_and_an_unknown_id(client):
    whole = client.get("/api/passage", params={"id": "pc-1"}).json()
    assert whole["targets"] == []
    assert [(p["passage_id"], p["speaker"]) for p in whole["passages"]] == [
        ("pc-1#1", "journalist"), ("pc-1#2", "Zhao Lijian")]
    missing = client.get("/passage", params={"id": "no-such-doc#3"})
    assert missing.status_code == 404 and "no passage or document &#39;no-such-doc#3&#39;" in missing.text


def test_cite_gives_the_verdict_every_occurrence_and_a_citation(client, run, web_index: Path):
    quote = "We oppose unilateral sanctions"
    data = client.get("/api/cite", params={"text": quote}).json()
    printed = run("cite", quote, "--json", index=web_index).stdout.splitlines()
    assert data["quotations"][0]["occurrences"] == [json.loads(line) for line in printed]
    assert data["quotations"][0]["verdict"] == "exact"
    page = client.post("/cite", data={"text": quote, "style": "chicago"}).text
    assert '<span class="verdict">exact</span>' in page and "Zhao Lijian, &#34;Press conference,&#34;" in page


def test_a_near_quotation_shows_its_word_diff(client):
    page = client.post("/cite", data={"text": "We oppose unjust unilateral sanctions"}).text
    assert '<span class="verdict">near</span>' in page
    assert "<del>unjust</del>" in page


def test_a_draft_has_each_quotation_looked_up(client):
    draft = 'He said “We oppose unilateral sanctions” and then “nothing of the kind happened here”.'
    data = client.post("/api/cite", data={"text": draft, "mode": "draft"}).json()
    assert [(q["n"], q["text"], q["verdict"]) for q in data["quotations"]] == [
        (1, "We oppose unilateral sanctions", "exact"), (2, "nothing of the kind happened here", "none")]


def test_export_csv_and_json_lines_are_what_search_prints(client, run, web_index: Path):
    got = client.get("/export", params={"q": "tariffs", "format": "csv"})
    assert got.headers["content-disposition"] == 'attachment; filename="searchkit-export.csv"'
    assert got.text == run("search", "tariffs", "-n", "1000", "--format", "csv", index=web_index).stdout
    lines = client.get("/export", params={"q": "tariffs", "format": "jsonl", "sort": "date"}).text
    assert lines == run("search", "tariffs", "-n", "1000", "--sort", "date", "--json", index=web_index).stdout


def test_export_for_reference_managers(client):
    items = client.get("/export", params={"q": "tariffs", "format": "csl-json"}).json()
    assert [i["id"] for i in items] == ["linked#1", "markup#2", "markup#1"]
    linked = next(i for i in items if i["id"] == "linked#1")
    assert linked == {"id": "linked#1", "type": "speech", "title": "Tariff talks", "author": [{"literal": "Zhao Lijian"}],
                      "publisher": "MFA", "issued": {"date-parts": [[2021, 7, 1]]}, "URL": "https://example.org/linked",
                      "locator": "1", "label": "paragraph"}
    ris = client.get("/export", params={"q": "steel", "format": "ris"}).text
    assert ris.splitlines()[:3] == ["TY  - SPEECH", "ID  - linked#1", "TI  - Tariff talks"]
    assert ris.count("ER  - ") == 1


def test_export_limit_and_csv_is_readable(client):
    text = client.get("/export", params={"q": "tariffs", "format": "csv", "limit": "2"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["rank"] for r in rows] == ["1", "2"]
