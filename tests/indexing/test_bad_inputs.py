"""A folder of bad inputs: each is one line on stderr, the rest is indexed, nothing stops the run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from searchkit.ingest import files as ingest


def write_bad_folder(root: Path) -> None:
    root.mkdir()
    (root / "good.txt").write_text("Fisheries talks\n\nQuotas were agreed.\n", encoding="utf-8")
    (root / "bin.txt").write_bytes(b"\x00\x01\x02PK binary")
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_bytes(b"  \n\n")
    (root / "cp1252.txt").write_bytes("Café crème and naïve “quotes”.\n".encode("cp1252"))
    (root / "utf16.txt").write_bytes("Ministère des affaires étrangères\n".encode("utf-16"))
    (root / "feed.jsonl").write_text(
        '{"id": "a", "text": "alpha statement"}\n{"id": broken\n\n{"text": "no id"}\n{"id": "b", "text": "beta"}\n',
        encoding="utf-8",
    )
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to("..")  # a folder loop
    (root / "loop1.txt").symlink_to("loop2.txt")  # a file loop
    (root / "loop2.txt").symlink_to("loop1.txt")
    (root / "dangling.txt").symlink_to("missing.txt")
    os.mkfifo(root / "pipe.txt")  # reading it would block forever
    (root / "odd name -x.txt").write_text("odd name\n", encoding="utf-8")
    (root / "new\nline.txt").write_text("newline name\n", encoding="utf-8")
    (root / os.fsdecode(b"caf\xe9.txt")).write_text("latin name\n", encoding="utf-8")
    (root / "notes.rtf").write_text("{\\rtf1 not read}\n", encoding="utf-8")


def test_a_folder_of_bad_inputs(run, tmp_path):
    root = tmp_path / "bad"
    write_bad_folder(root)
    result = run("index", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(result.stderr.splitlines()) == sorted(
        f"searchkit: {line}" for line in [
            f"skipped {root}/bin.txt: looks binary (it holds NUL bytes); searchkit reads .txt, .md, .jsonl, .html, "
            ".htm, .pdf, .docx",
            f"skipped {root}/notes.rtf: .rtf is not a format searchkit reads (.txt, .md, .jsonl, .html, .htm, .pdf, "
            ".docx)",
            f"skipped {root}/blank.txt: is empty (only white space)",
            f"{root}/cp1252.txt: not UTF-8, read as cp1252",
            f"skipped {root}/dangling.txt: is a broken symlink (its target is gone)",
            f"skipped {root}/empty.txt: is empty",
            f"skipped {root}/feed.jsonl:2: is not valid JSON (Expecting value at column 8); fix or remove that line",
            f"skipped {root}/feed.jsonl:4: needs a JSON object with \"id\" and \"text\"; fix or remove that line",
            f"skipped {root}/loop1.txt: is a symlink loop (it leads back to itself)",
            f"skipped {root}/loop2.txt: is a symlink loop (it leads back to itself)",
            f"skipped {root}/pipe.txt: is not a regular file (a pipe, socket or device)",
            f"skipped {root}/sub/up: is a symlink loop (it leads to a folder above it); not followed",
            f"{root}/utf16.txt: not UTF-8, read as utf-16",
        ]
    )
    report = json.loads(result.stdout)
    assert (report["added"], report["skipped"], report["documents"]) == (8, 11, 8)
    ids = {json.loads(line)["doc_id"] for line in run("search", "name", "--json").stdout.splitlines()}
    assert ids == {"odd name -x.txt", "new\nline.txt", "caf\\xe9.txt"}
    hit = json.loads(run("search", "crème", "--json").stdout)
    assert hit["text"] == "Café crème and naïve “quotes”."
    assert json.loads(run("search", "Ministère", "--json").stdout)["doc_id"] == "utf16.txt"
    again = run("index", "--json")  # the same complaints, nothing re-indexed
    assert json.loads(again.stdout)["unchanged"] == 8 and again.exit_code == 0


def test_a_file_that_cannot_be_read_keeps_what_was_indexed(run, corpus, monkeypatch):
    run("index", str(corpus))
    (corpus / "lanes.txt").write_text("Changed but unreadable now.\n", encoding="utf-8")
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith("lanes.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    result = run("index", "--json")
    monkeypatch.undo()
    assert result.exit_code == 0
    assert result.stderr == (f"searchkit: skipped {corpus}/lanes.txt: cannot be read (Permission denied); "
                             "check its permissions\n")
    assert json.loads(result.stdout)["documents"] == 4
    assert run("search", "Mekong").exit_code == 0  # the old version stays until the file can be read
    assert json.loads(run("index", "--json").stdout)["updated"] == 1


def test_oversized_documents_are_skipped(run, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_DOC_BYTES", 1000)
    root = tmp_path / "big"
    root.mkdir()
    (root / "huge.txt").write_text("word " * 400, encoding="utf-8")
    (root / "feed.jsonl").write_text(json.dumps({"id": "big", "text": "word " * 400}) + "\n"
                                     + json.dumps({"id": "small", "text": "a small one"}) + "\n", encoding="utf-8")
    (root / "line.txt").write_text("one long line " * 60, encoding="utf-8")  # 840 bytes on one line: fine
    result = run("index", str(root), "--json")
    assert result.exit_code == 0
    assert sorted(result.stderr.splitlines()) == [
        f"searchkit: skipped {root}/feed.jsonl:1: is over the 0 MB limit for one document; split it",
        f"searchkit: skipped {root}/huge.txt: is 0 MB, over the 0 MB limit for one document; split it into "
        "smaller files",
    ]
    assert json.loads(result.stdout)["added"] == 2


def test_every_input_failing_exits_2(run, tmp_path):
    root = tmp_path / "junk"
    root.mkdir()
    (root / "a.txt").write_bytes(b"\x00\x00")
    (root / "b.jsonl").write_text("not json\n", encoding="utf-8")
    result = run("index", str(root))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "searchkit: no input could be indexed; see the messages above"


def test_only_empty_files_is_a_completed_run(run, tmp_path):
    root = tmp_path / "hollow"
    root.mkdir()
    (root / "a.txt").write_bytes(b"")
    result = run("index", str(root), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["skipped"] == 1


def test_a_symlinked_folder_outside_the_source_is_followed_once(run, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "memo.txt").write_text("Shared memo.\n", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    (root / "a").symlink_to(shared)
    (root / "b").symlink_to(shared)
    (root / "inner").mkdir()
    (root / "c").symlink_to(root / "inner")  # inside the source: indexed once, by its real path
    (root / "inner" / "x.txt").write_text("Inner text.\n", encoding="utf-8")
    result = run("index", str(root), "--json")
    assert result.stderr == f"searchkit: skipped {root}/b: leads to a folder already indexed through another link; not followed\n"
    assert json.loads(result.stdout)["added"] == 2


def test_decode_order_and_lone_surrogates():
    assert ingest.decode(b"\xef\xbb\xbfok")[0] == "ok"
    assert ingest.decode(b"\x81\x8d")[1] == "latin-1"  # bytes cp1252 leaves undefined
    assert ingest.decode(b"a\x00b")[0] is None
    doc = ingest.record_document(Path("f.jsonl"), "f.jsonl:1", 1, '{"id": "x", "text": "bad \\ud800 half"}', "utf-8")
    assert doc.text == "bad \ufffd half"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_file_for_real(run, tmp_path):
    root = tmp_path / "locked"
    root.mkdir()
    (root / "secret.txt").write_text("secret\n", encoding="utf-8")
    (root / "open.txt").write_text("open\n", encoding="utf-8")
    (root / "secret.txt").chmod(0)
    result = run("index", str(root))
    assert result.exit_code == 0
    assert result.stderr == f"searchkit: skipped {root}/secret.txt: cannot be read (Permission denied); check its permissions\n"
