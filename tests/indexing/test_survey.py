"""A new index reads each page, PDF and Word file once: the survey keeps what it read for the indexing."""

from __future__ import annotations

import json
import os

from searchkit.indexing.survey import STAGING, Staging, kept_items
from searchkit.indexing.workers import Task, process
from searchkit.ingest import html


def page_of(title: str, body: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><nav>Home | News</nav>"
            f"<article><h1>{title}</h1>{body}</article><footer>Copyright</footer></body></html>")


def pages(root, n: int):
    root.mkdir()
    for k in range(n):
        body = f"<p>Statement {k} on self-determination and non-governmental work in the region.</p>" * 3
        (root / f"p{k}.html").write_text(page_of(f"Statement {k}", body), encoding="utf-8")
    (root / "speech.txt").write_text("We thank the non-\ngovernmental organizations.\n", encoding="utf-8")
    return root


def exported(run, index) -> dict[str, str]:
    lines = run("export", index=index).stdout.splitlines()
    return {json.loads(line)["doc_id"]: json.loads(line)["text"] for line in lines}


def test_a_new_index_reads_each_page_once_and_indexes_what_reading_it_twice_did(run, tmp_path, monkeypatch):
    root = pages(tmp_path / "site", 3)
    assert run("index", str(root), "--jobs", "1", index=tmp_path / "twice").exit_code == 0
    calls, real = [], html.read_html
    monkeypatch.setattr(html, "read_html", lambda path, *rest: calls.append(path.name) or real(path, *rest))
    result = run("index", str(root), "--jobs", "1", index=tmp_path / "once")
    assert result.exit_code == 0, result.stderr
    assert sorted(calls) == ["p0.html", "p1.html", "p2.html"]
    assert not (tmp_path / "once" / STAGING).exists()
    texts = exported(run, tmp_path / "once")
    assert texts["speech.txt"] == "We thank the non-governmental organizations."  # the pages' evidence
    calls.clear()
    monkeypatch.setattr(Staging, "items", lambda self, path: None)  # as the run before the survey kept them
    assert run("index", str(root), "--jobs", "1", index=tmp_path / "again").exit_code == 0
    assert exported(run, tmp_path / "again") == texts == exported(run, tmp_path / "twice")


def test_a_kept_reading_is_not_used_once_its_file_changed(tmp_path):
    root = pages(tmp_path / "site", 1)
    page = root / "p0.html"
    staging = Staging(tmp_path)
    staging.survey([(str(page), "p0.html")], map)
    kept = staging.kept[str(page)]
    assert [d.text for d in kept_items(kept, str(page))][0].startswith("Statement 0")
    page.write_text(page_of("Changed", "<p>A different statement altogether, of the same length.</p>"))
    os.utime(page, ns=(1, 1))
    assert kept_items(kept, str(page)) is None
    result = process(Task(str(page), "p0.html", kept=kept))
    assert result.docs[0].prepared is not None and result.docs[0].doc_id == "p0.html"
    staging.clear()
    assert not (tmp_path / STAGING).exists()
