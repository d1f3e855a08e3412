"""Safe to leave running: markup shown as text under a strict CSP, foreign Host names refused, no file
outside the index readable through any parameter, and hostile queries answered with what to fix."""

from __future__ import annotations

import re

import pytest

from searchkit.web.app import CSP

PAGES = ["/", "/search?q=tariffs", "/kwic?q=tariffs", "/passage?id=markup%231", "/cite?text=tariffs",
         "/api/search?q=tariffs", "/api/passage?id=markup", "/api/cite?text=tariffs", "/export?q=tariffs&format=csv",
         "/static/style.css", "/no-such-page"]
TRAVERSALS = ["../../../../etc/passwd", "/etc/passwd", "..%2f..%2f..%2fetc%2fpasswd", "....//....//etc/passwd",
              "file:///etc/passwd", "\\..\\..\\etc\\passwd", "%2e%2e/%2e%2e/etc/passwd", "/proc/self/environ"]
PARAMETERS = ["q", "id", "text", "page", "sort", "format", "style", "mode", "n", "limit", "by_doc"]


@pytest.mark.parametrize("path", PAGES)
def test_every_answer_carries_the_policy_that_forbids_inline_script(client, path: str):
    got = client.get(path)
    assert got.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert got.headers["x-content-type-options"] == "nosniff"


def test_markup_in_documents_is_shown_as_text(client):
    for path in ("/search?q=tariffs", "/passage?id=markup%231", "/kwic?q=tariffs", "/cite?text=Tariffs+rose"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>rose" not in page, path
        assert "<script>document" not in page and "<i>Wire" not in page, path
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts == ['<script src="/static/copy.js" defer>'], path
    page = client.get("/passage", params={"id": "markup#1"}).text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Markup &amp; more" in page


def test_a_javascript_url_is_never_a_link(client):
    page = client.get("/passage", params={"id": "markup#1"}).text
    assert 'href="javascript' not in page and "source URL" not in page


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil"])
def test_a_foreign_host_is_refused(client, host: str):
    got = client.get("/search?q=tariffs", headers={"Host": host})
    assert got.status_code == 400
    assert "Tariff" not in got.text


@pytest.mark.parametrize("host", ["127.0.0.1:8080", "localhost:8080", "127.0.0.1"])
def test_the_served_address_is_answered(client, host: str):
    assert client.get("/search?q=tariffs", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("name", PARAMETERS)
@pytest.mark.parametrize("value", TRAVERSALS)
def test_no_parameter_reads_a_file_outside_the_index(client, name: str, value: str):
    for path in ("/search", "/api/search", "/passage", "/api/passage", "/kwic", "/cite", "/api/cite", "/export"):
        got = client.get(path, params={"q": "tariffs", "id": "markup", name: value})
        assert "root:x:0:0" not in got.text and "PATH=" not in got.text, (path, name, value)
        assert got.status_code in (200, 400, 404), (path, name, value)


@pytest.mark.parametrize("path", ["/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                                  "/static/..%2f..%2f__init__.py", "/static//etc/passwd", "/../../etc/passwd"])
def test_static_files_stay_in_their_folder(client, path: str):
    got = client.get(path)
    assert got.status_code == 404 and "root:x:0:0" not in got.text and "import" not in got.text


def test_a_query_of_ten_thousand_characters_gets_a_page_saying_what_to_fix(client):
    got = client.get("/search", params={"q": "tariffs " * 1250})
    assert got.status_code == 400
    assert "the query is 9,999 characters long; at most 2,000 are read, so shorten it" in got.text
    assert 'name="q"' in got.text  # the box to fix it in
    api = client.get("/api/search", params={"q": "x" * 10_000})
    assert api.status_code == 400 and api.json()["error"].startswith("the query is 10,000 characters long")


@pytest.mark.parametrize("query, says", [
    ("(" * 500 + "tariffs" + ")" * 500, "the query nests parentheses 500 deep"),
    ("tariffs\x00", "NUL character"),
])
def test_a_hostile_query_gets_a_page_saying_what_to_fix(client, query: str, says: str):
    got = client.get("/search", params={"q": query})
    assert got.status_code == 400 and says in got.text


@pytest.mark.parametrize("query", ['"unbalanced', "AND OR NOT", "title:", "year:[x TO", "*", "~~~", "((()))", "-",
                                   "a" * 1999, "tariffs* " * 200, "\u202e\u0000".replace("\u0000", "") + "x",
                                   "date:[2020-99-99 TO 2021]", "<script>alert(1)</script>"])
def test_malformed_queries_get_an_answer(client, query: str):
    got = client.get("/search", params={"q": query})
    assert got.status_code == 200
    assert "<script>alert(1)" not in got.text


@pytest.mark.parametrize("params, says", [
    ({"q": "x", "page": "abc"}, "page=&#39;abc&#39; is not a number from 1 to 10,000"),
    ({"q": "x", "page": "0"}, "page=&#39;0&#39; is not a number"),
    ({"q": "x", "n": "1000"}, "n=&#39;1000&#39; is not a number from 1 to 100"),
    ({"q": "x", "sort": "random"}, "sort=&#39;random&#39; is not one of score, date"),
])
def test_a_bad_parameter_says_what_to_fix(client, params: dict, says: str):
    got = client.get("/search", params=params)
    assert got.status_code == 400 and says in got.text
