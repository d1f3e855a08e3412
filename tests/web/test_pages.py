"""The pages and their JSON: the same hits, citations and exports as the commands give."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from markupsafe import escape

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
    assert page.count('<details class="citation"') == len(STYLES)
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


def counted(run, index: Path, query: str, field: str) -> list[tuple[str, int]]:
    """What ``searchkit count QUERY --by FIELD --format json`` says, matched values only, most first."""
    printed = run("count", query, "--by", field, "--format", "json", index=index).stdout.splitlines()
    rows = [json.loads(line) for line in printed]
    return sorted(((str(r[field]), r["count"]) for r in rows if r["count"] and r[field] is not None),
                  key=lambda vn: (-vn[1], vn[0]))


def test_facets_count_every_matching_passage_as_searchkit_count_does(client, run, web_index: Path):
    for query in ("tariffs", "lanes OR sanctions", "year:[2019 TO 2021]"):
        data = client.get("/api/search", params={"q": query, "n": "1"}).json()
        for field in ("year", "country", "speaker", "source", "kind"):
            assert [(f["value"], f["count"]) for f in data["facets"][field]] == counted(run, web_index, query, field)
        printed = run("count", query, "--format", "json", index=web_index).stdout.splitlines()
        assert data["years"] == [{"year": r["year"], "count": r["count"]} for r in map(json.loads, printed)
                                 if r["year"] is not None]


def test_a_facet_link_writes_the_field_into_the_query(client):
    page = client.get("/search", params={"q": "tariffs", "sort": "date"}).text
    assert '<a href="/search?q=tariffs+year%3A2021&amp;sort=date">2021</a> <span class="count">1</span>' in page
    assert 'href="/search?q=tariffs+speaker%3A%22Zhao+Lijian%22&amp;sort=date">Zhao Lijian</a>' in page
    narrowed = client.get("/search", params={"q": 'tariffs speaker:"Zhao Lijian"'}).text
    assert '<li class="active"><a href="/search?q=tariffs+speaker%3A%22Zhao+Lijian%22">Zhao Lijian</a>' in narrowed
    assert client.get("/api/search", params={"q": 'tariffs speaker:"Zhao Lijian"'}).json()["total"] == 1


def test_the_year_chart_has_a_bar_per_year_linking_to_that_year(client):
    page = client.get("/search", params={"q": "tariffs"}).text
    bars = re.findall(r'<a href="([^"]+)"><rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)">'
                      r"<title>(\d+): (\d+)</title>", page)
    years = [int(b[2]) for b in bars]
    assert years == list(range(years[0], years[-1] + 1))
    assert [(b[2], b[3]) for b in bars if b[3] != "0"] == [("2019", "2"), ("2021", "1")]
    assert bars[years.index(2021)][0] == "/search?q=tariffs+year%3A2021"
    assert [float(bars[years.index(y)][1]) for y in (2019, 2020, 2021)] == [120.0, 0.0, 60.0]  # the busiest fills it


def test_the_concordance_is_what_searchkit_kwic_prints(client, run, web_index: Path):
    for sort in ("score", "right"):
        data = client.get("/api/kwic", params={"q": "tariffs", "sort": sort}).json()
        printed = run("kwic", "tariffs", "--sort", sort, "--format", "json", index=web_index).stdout.splitlines()
        assert data["lines"] == [json.loads(line) for line in printed]
        assert data["passages"] == 3
    page = client.get("/kwic", params={"q": "tariffs", "sort": "right"}).text
    rows = re.findall(r'<td class="left"><bdi dir="ltr">(.*?)</bdi></td><td class="match"><mark>(.*?)</mark></td>'
                      r'<td class="right">(.*?)</td>', page)
    assert [(m, r) for _, m, r in rows] == [(escape(line["match"]), escape(line["right"])) for line in data["lines"]]
    assert "<strong>right</strong>" in page and '<a href="/kwic?q=tariffs&amp;sort=left">left</a>' in page
