"""Plain output says who spoke and where a hit comes from: speaker in headers, url in every format,
file names with control characters kept on one line; ``source:`` matches the source as written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path


def write_presser(root: Path) -> Path:
    root.mkdir()
    records = [
        {"id": "pc-7", "title": "Regular Press Conference", "date": "2019-01-29", "speaker": "Hua Chunying",
         "source": "Ministry of Foreign Affairs of the PRC (fmprc.gov.cn)", "url": "https://example.org/pc-7",
         "text": "Reuters: Will the tariff talks resume?\n\nHua Chunying: The tariff talks will resume soon."},
    ]
    (root / "pc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return root


def test_plain_search_headers_name_the_speaker_or_the_question(run, tmp_path):
    run("index", str(write_presser(tmp_path / "pc")))
    lines = run("search", "tariff talks", "--width", "200").stdout.splitlines()
    headers = [line for line in lines if line[:2] in ("1.", "2.")]
    assert sorted(h.split("  ")[2] for h in headers) == ["Hua Chunying", "question from Reuters"]


def test_url_is_a_key_of_json_csv_and_html(run, tmp_path):
    run("index", str(write_presser(tmp_path / "pc")))
    hit = json.loads(run("search", "resume", "--json").stdout.splitlines()[0])
    assert hit["url"] == "https://example.org/pc-7" and list(hit)[10] == "url"
    table = list(csv.DictReader(io.StringIO(run("search", "resume", "--format", "csv").stdout)))
    assert table[0]["url"] == "https://example.org/pc-7"
    assert '<a href="https://example.org/pc-7">Regular Press Conference</a>' in run(
        "search", "resume", "--format", "html").stdout


def test_source_field_matches_the_name_a_user_knows_it_by(run, tmp_path):
    run("index", str(write_presser(tmp_path / "pc")))
    found = {json.loads(line)["doc_id"] for line in run("search", "source:MFA", "--json").stdout.splitlines()}
    assert found == {"pc-7"}
    assert run("search", "tariff -source:MFA").exit_code == 1


def test_a_control_character_in_a_file_name_is_escaped_in_plain_output(run, tmp_path):
    root = tmp_path / "odd"
    root.mkdir()
    (root / "new\nline.txt").write_text("Fisheries agreement signed in Hanoi.\n", encoding="utf-8")
    run("index", str(root))
    lines = run("search", "fisheries", "--width", "200").stdout.splitlines()
    assert lines[2].endswith("[new\\nline.txt para. 1]")
    cited = run("cite", "Fisheries agreement signed").stdout.splitlines()
    assert cited[1] == f"{root}/new\\nline.txt:1:1"
