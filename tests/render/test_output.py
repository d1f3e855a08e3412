"""Search output for people (text) and for pipes (json, csv, html); options that do not fit exit 2."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from searchkit.render.formats import CSV_KEYS
from searchkit.render.text import mark

LONG_TITLE = "A very long headline about green lanes and fast lanes that goes on well past any terminal width"
# Sentences of different lengths; the matches ("lanes") sit in the second and the fifth.
PARAGRAPH = (
    "Trade between the two countries grew by a third last year. "
    "Officials opened fast lanes for business travellers in March, and green lanes for goods in April. "
    "Tourism stayed closed for the rest of the year. "
    "Talks on visas continued through the summer, with no result announced. "
    "By December, more lanes were planned for students and for workers, the ministry said."
)


@pytest.fixture
def news(tmp_path: Path, run) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    records = [
        {"id": "n1", "title": LONG_TITLE, "date": "2020-11-09", "source": "VNA", "text": PARAGRAPH},
        {"id": "n2", "title": "Markup <b>bold</b> & co", "date": "2021", "source": "Web",
         "text": "Green lanes <script>alert('lanes')</script> & \"quotes\" stay open."},
    ]
    (folder / "news.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    index = tmp_path / "news-ix"
    assert run("index", str(folder), index=index).exit_code == 0
    return index


def hit_line(lines: list[str], doc_id: str) -> int:
    """Where a hit's header line is: which of two passages that both say "lanes" ranks first is ranking's
    business, not the layout's (a title's weight decides it)."""
    return next(i for i, line in enumerate(lines) if re.match(r"\d+\. ", line) and f"[{doc_id} para." in line)


def test_text_output_fits_80_columns_and_starts_with_the_total(run, news):
    result = run("search", "lanes", index=news)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "1-2 of 2 passages"
    header = lines[hit_line(lines, "n1")]
    assert re.match(r"[12]\. A very long headline about green lanes", header) and header.endswith(
        "…  2020-11-09  VNA  [n1 para. 1]")
    assert all(len(line) <= 80 for line in lines), [line for line in lines if len(line) > 80]
    assert "\x1b[" not in result.stdout


def test_fragments_end_at_sentence_boundaries_and_skip_what_does_not_match(run, news):
    lines = run("search", "lanes", index=news).stdout.splitlines()
    start = hit_line(lines, "n1") + 1
    body = " ".join(line.strip() for line in lines[start:(lines + [""]).index("", start)])
    assert body == (
        "… Officials opened fast lanes for business travellers in March, and green lanes for goods in April. …"
        " … By December, more lanes were planned for students and for workers, the ministry said."
    )
    one = run("search", "lanes", "--width", "100", "--fragments", "1", index=news).stdout.splitlines()
    assert one[hit_line(one, "n1") + 1] == (
        "   … Officials opened fast lanes for business travellers in March, and green lanes for goods in")


def test_adjacent_fragments_merge_into_one(run, news):
    lines = run("search", "tourism lanes", "--width", "120", "--fragments", "3", index=news).stdout.splitlines()
    block = " ".join(line.strip() for line in lines[3:lines.index("", 3)])
    # Three matching sentences and the short one between them touch: one fragment, to the passage's end.
    assert block == "… " + PARAGRAPH[PARAGRAPH.index("Officials"):]


def test_full_shows_the_whole_passage(run, news):
    lines = run("search", "tourism", "--full", index=news).stdout.splitlines()
    assert " ".join(line.strip() for line in lines[3:]) == PARAGRAPH


def test_a_marked_phrase_is_never_split_across_lines(run, news):
    for width in range(30, 60):
        result = run("search", '"green lanes"', "--width", str(width), index=news)
        assert "green lanes" in result.stdout, width


def test_color_only_when_asked_or_on_a_terminal(run, news, monkeypatch):
    plain = run("search", "tourism", index=news).stdout
    colored = run("search", "tourism", "--color", "always", index=news).stdout
    assert "\x1b[" not in plain
    assert "\x1b[1;31mTourism\x1b[0m" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run("search", "tourism", index=news).stdout


def test_json_shorthand_and_format_json_agree(run, news):
    short = run("search", "lanes", "--json", index=news)
    long_ = run("search", "lanes", "--format", "json", index=news)
    jsonl = run("search", "lanes", "--format", "jsonl", index=news)
    assert short.stdout == long_.stdout == jsonl.stdout
    hit = next(h for h in map(json.loads, short.stdout.splitlines()) if h["doc_id"] == "n2")
    assert mark(hit["text"], hit["spans"], "[", "]") == (
        "Green [lanes] <script>alert('[lanes]')</script> & \"quotes\" stay open.")


def test_csv_reads_back_with_the_json_fields_but_the_spans(run, news):
    result = run("search", "lanes", "--format", "csv", index=news)
    assert result.exit_code == 0 and result.stderr == ""
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_KEYS and "spans" not in rows[0] and "doc_spans" not in rows[0]
    as_json = [json.loads(line) for line in run("search", "lanes", "--json", index=news).stdout.splitlines()]
    records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(records) == len(as_json) == 2
    for record, hit in zip(records, as_json):
        assert record["text"] == hit["text"] and record["title"] == hit["title"]
        assert int(record["rank"]) == hit["rank"] and float(record["score"]) == hit["score"]
        assert record["matched_forms"] == "; ".join(hit["matched_forms"])


def test_html_marks_matches_and_escapes_everything_else(run, news):
    result = run("search", "lanes", "--format", "html", index=news)
    assert result.exit_code == 0
    out = result.stdout
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(&#x27;<mark>lanes</mark>&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in out
    assert "Green <mark>lanes</mark> &lt;script" in out
    assert "Markup &lt;b&gt;bold&lt;/b&gt; &amp; co" in out
    tags = set(re.findall(r"</?([a-z]+)", out))
    assert tags <= {"div", "p", "ol", "li", "cite", "span", "mark"}
    assert out.startswith('<div class="searchkit-results">') and out.rstrip().endswith("</div>")


@pytest.mark.parametrize("args, message", [
    (["--format", "trec"], "--format trec is for --batch FILE"),
    (["--json", "--format", "csv"], "--json is short for --format json"),
    (["--json", "--full"], "--full does not apply to --format json"),
    (["--format", "csv", "--width", "100"], "--width does not apply to --format csv"),
    (["--format", "json", "--fragments", "3"], "--fragments does not apply to --format json"),
    (["--format", "html", "--color", "always"], "--color applies to --format text only"),
    (["--full", "--fragments", "3"], "--full shows whole passages; drop --fragments"),
])
def test_options_that_do_not_fit_the_format_exit_2(run, news, args, message):
    result = run("search", "lanes", *args, index=news)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"searchkit: {message}") and len(result.stderr.splitlines()) == 1


def test_options_that_fit_are_accepted(run, news):
    assert run("search", "lanes", "--format", "html", "--full", index=news).exit_code == 0
    assert run("search", "lanes", "--format", "text", "--fragments", "1", "--width", "40", index=news).exit_code == 0
    assert run("search", "lanes", "--json", "--format", "json", index=news).exit_code == 0


def test_nothing_found_prints_nothing_on_stdout_in_every_format(run, news):
    for fmt in ("text", "json", "csv", "html"):
        result = run("search", "zeppelin", "--format", fmt, index=news)
        assert result.exit_code == 1
        assert result.stdout == ("" if fmt != "csv" else ",".join(CSV_KEYS) + "\n")


def test_csv_and_html_carry_by_doc_counts_like_json(run, tmp_path):
    folder = tmp_path / "two"
    folder.mkdir()
    (folder / "a.txt").write_text("Lanes\n\nFast lanes opened.\n\nGreen lanes too.\n\nMore lanes later.\n")
    assert run("search", "--help").exit_code == 0 and run("index", str(folder)).exit_code == 0
    as_json = json.loads(run("search", "lanes", "--by-doc", "--json").stdout)
    record = next(csv.DictReader(io.StringIO(run("search", "lanes", "--by-doc", "--format", "csv").stdout)))
    assert int(record["more"]) == as_json["more"] >= 2
    html = run("search", "lanes", "--by-doc", "--format", "html").stdout
    assert f'<span class="more">+{as_json["more"]} more passages</span>' in html
