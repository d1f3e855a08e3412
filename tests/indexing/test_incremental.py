"""Re-indexing: only what changed is processed; sources, stats, verify; versions; fallback commits."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from searchkit.store.commits import toc_generations
from searchkit.store.manifest import load_manifest, manifest_path, save_manifest
from searchkit.store.store import Store

DAY_AGO = time.time() - 86400


def report(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def counts(result) -> tuple[int, int, int, int, int]:
    r = report(result)
    return r["added"], r["updated"], r["removed"], r["unchanged"], r["skipped"]


def passage_ids(run, query: str) -> list[str]:
    result = run("search", query, "--json", "-n", "100")
    return sorted(json.loads(line)["passage_id"] for line in result.stdout.splitlines())


def age(*paths: Path) -> None:
    """Date files a day back, so that their size and mtime can be trusted (no "racy" re-reads)."""
    for path in paths:
        os.utime(path, (DAY_AGO, DAY_AGO))


def test_rerun_after_adding_changing_and_deleting(run, corpus):
    assert counts(run("index", str(corpus), "--json")) == (4, 0, 0, 0, 0)
    (corpus / "new.txt").write_text("Fisheries agreement\n\nQuotas for the coming season.\n", encoding="utf-8")
    (corpus / "lanes.txt").write_text("Green lanes closed\n\nThe lanes are closed again.\n", encoding="utf-8")
    (corpus / "bom.txt").unlink()
    assert counts(run("index", "--json")) == (1, 1, 1, 2, 0)
    assert passage_ids(run, "quotas") == ["new.txt#2"]
    assert passage_ids(run, "vaccines") == []
    assert passage_ids(run, "Mekong") == []  # the old version's passage is gone with it
    assert passage_ids(run, "closed") == ["lanes.txt#1", "lanes.txt#2"]
    assert counts(run("index", "--json")) == (0, 0, 0, 4, 0)


def test_one_changed_jsonl_line_reindexes_one_document(run, tmp_path):
    root = tmp_path / "pc"
    root.mkdir()
    lines = [{"id": f"pc-{n}", "text": f"Statement number {n} on trade."} for n in range(20)]
    feed = root / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    assert counts(run("index", str(root), "--json")) == (20, 0, 0, 0, 0)
    lines[7]["text"] = "Statement number 7 on fisheries."
    lines.insert(0, {"id": "pc-new", "text": "A new first line."})  # every later line moves down one
    del lines[15]
    feed.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    assert counts(run("index", "--json")) == (1, 1, 1, 18, 0)
    assert passage_ids(run, "fisheries") == ["pc-7#1"]
    assert run("verify").exit_code == 0


def test_unchanged_files_are_not_read_again(run, corpus, monkeypatch):
    run("index", str(corpus))
    age(*corpus.iterdir())
    run("index")  # records that the files are now old enough to be trusted

    def fail(*args, **kwargs):
        raise AssertionError("an unchanged file was read")

    monkeypatch.setattr("searchkit.indexing.workers.read_file", fail)
    assert counts(run("index", "--json")) == (0, 0, 0, 4, 0)


def test_a_file_changed_within_its_mtime_tick_is_still_read(run, corpus):
    lanes = corpus / "lanes.txt"
    run("index", str(corpus))
    stat = lanes.stat()
    lanes.write_text(lanes.read_text(encoding="utf-8").replace("Mekong", "Danube"), encoding="utf-8")
    os.utime(lanes, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime: only content says
    assert counts(run("index", "--json"))[:2] == (0, 1)
    assert passage_ids(run, "Danube") == ["lanes.txt#3"]


def test_prune_only_under_the_paths_scanned(run, tmp_path, corpus):
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("Arctic council meeting.\n", encoding="utf-8")
    run("index", str(corpus), str(other))
    (other / "a.txt").unlink()
    assert counts(run("index", str(corpus), "--json")) == (0, 0, 0, 4, 0)
    assert passage_ids(run, "arctic") == ["a.txt#1"]
    assert counts(run("index", str(other), "--no-prune", "--json")) == (0, 0, 0, 0, 0)
    assert passage_ids(run, "arctic") == ["a.txt#1"]
    assert counts(run("index", str(other), "--json")) == (0, 0, 1, 0, 0)
    assert passage_ids(run, "arctic") == []


def test_a_folder_inside_a_source_keeps_its_ids(run, corpus):
    sub = corpus / "2024"
    sub.mkdir()
    (sub / "may.txt").write_text("Summit in May.\n", encoding="utf-8")
    run("index", str(corpus))
    (sub / "june.txt").write_text("Summit in June.\n", encoding="utf-8")
    assert counts(run("index", str(sub), "--json")) == (1, 0, 0, 1, 0)
    assert passage_ids(run, "summit") == ["2024/june.txt#1", "2024/may.txt#1"]
    assert run("sources").stdout == f"{corpus}\t6\n"


def test_same_relative_path_in_two_sources(run, tmp_path):
    for name in ("east", "west"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "memo.txt").write_text(f"Memo from the {name}.\n", encoding="utf-8")
    run("index", str(tmp_path / "east"), str(tmp_path / "west"))
    assert passage_ids(run, "memo") == ["memo.txt#1", "west/memo.txt#1"]
    assert counts(run("index", "--json")) == (0, 0, 0, 2, 0)


def test_duplicate_jsonl_ids_keep_the_first(run, tmp_path):
    root = tmp_path / "feeds"
    root.mkdir()
    (root / "a.jsonl").write_text('{"id": "x", "text": "first version"}\n', encoding="utf-8")
    (root / "b.jsonl").write_text('{"id": "x", "text": "second version"}\n', encoding="utf-8")
    result = run("index", str(root), "--json")
    assert counts(result) == (1, 0, 0, 0, 1)
    assert result.stderr == f"searchkit: {root}/b.jsonl:1: id 'x' is also at {root}/a.jsonl:1; the first one is kept\n"
    assert passage_ids(run, "version") == ["x#1"]
    assert json.loads(run("search", "version", "--json").stdout)["text"] == "first version"


def test_sources_and_forget(run, tmp_path, corpus):
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("Arctic council meeting.\n", encoding="utf-8")
    run("index", str(corpus), str(other))
    assert run("sources").stdout == f"{corpus}\t4\n{other}\t1\n"
    result = run("sources", "--forget", str(other))
    assert result.exit_code == 0
    assert result.stderr == f"searchkit: forgot {other}: 1 documents removed; the index holds 4\n"
    assert run("sources").stdout == f"{corpus}\t4\n"
    assert passage_ids(run, "arctic") == []
    assert counts(run("index", "--json")) == (0, 0, 0, 4, 0)  # the forgotten source is not scanned again
    missing = run("sources", "--forget", str(tmp_path / "nope"))
    assert missing.exit_code == 2
    assert missing.stderr == (f"searchkit: {tmp_path / 'nope'} is not a recorded source (recorded: {corpus}); "
                              "see: searchkit sources\n")


def test_missing_source_keeps_its_documents(run, tmp_path, corpus):
    run("index", str(corpus))
    corpus.rename(tmp_path / "unmounted")
    result = run("index", "--json")
    assert counts(result) == (0, 0, 0, 0, 0)
    assert report(result)["documents"] == 4
    assert result.stderr == (f"searchkit: source {corpus} is missing; its 4 documents are kept "
                             f"(searchkit sources --forget {corpus} drops them)\n")


def test_stats_and_verify(run, corpus):
    run("index", str(corpus))
    result = run("stats", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["documents", "passages", "sources", "index_bytes", "last_update"]
    assert (data["documents"], data["passages"], data["sources"]) == (4, 8, [str(corpus)])
    assert data["index_bytes"] > 1000
    assert data["last_update"].endswith("+00:00") and data["last_update"][:2] == "20"
    text = run("stats").stdout.splitlines()
    assert text[0] == "documents    4" and text[1] == "passages     8" and text[-1] == f"sources      {corpus}"
    checked = run("verify")
    assert checked.exit_code == 0 and checked.stdout.startswith("ok: 4 documents, 8 passages (commit 1) read in")


def test_verify_reports_a_manifest_that_disagrees(run, corpus, tmp_path):
    run("index", str(corpus))
    ix = tmp_path / "ix"
    gen = toc_generations(ix)[0]
    manifest = load_manifest(ix, gen)
    manifest.docs["lanes.txt"].passages = 5
    save_manifest(ix, gen, manifest)
    result = run("verify")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "searchkit: verify: document 'lanes.txt': 3 passages stored, 5 recorded",
        "searchkit: verify failed: 1 problems in 8 passages; rebuild with: searchkit index --rebuild",
    ]


@pytest.mark.parametrize("key", ["format", "analyzer"])
def test_an_index_from_another_version_says_rebuild(run, corpus, tmp_path, key):
    run("index", str(corpus))
    ix = tmp_path / "ix"
    gen = toc_generations(ix)[0]
    data = json.loads(manifest_path(ix, gen).read_text(encoding="utf-8"))
    data[key] = 999
    manifest_path(ix, gen).write_text(json.dumps(data), encoding="utf-8")
    for args in (("search", "lanes"), ("stats",), ("verify",), ("index",)):
        result = run(*args)
        assert result.exit_code == 2, args
        assert result.stderr == f"searchkit: {ix} was written by another searchkit version; " \
                                "rebuild needed: searchkit index --rebuild\n"
    assert counts(run("index", "--rebuild", "--json")) == (4, 0, 0, 0, 0)  # from the recorded sources
    assert run("verify").exit_code == 0


def test_a_format_1_index_says_rebuild(run, tmp_path, corpus):
    ix = tmp_path / "ix"
    ix.mkdir()
    (ix / "_searchkit_3.toc").write_bytes(b"old")
    (ix / "searchkit.json").write_text(json.dumps({"sources": [str(corpus)], "format": 1}), encoding="utf-8")
    result = run("search", "lanes")
    assert result.exit_code == 2
    assert result.stderr == f"searchkit: {ix} was written by an older searchkit; rebuild needed: searchkit index --rebuild\n"
    assert counts(run("index", "--rebuild", "--json")) == (4, 0, 0, 0, 0)
    assert not (ix / "searchkit.json").exists()


def test_unreadable_newest_commit_falls_back_to_the_previous(run, corpus, tmp_path):
    run("index", str(corpus))
    (corpus / "new.txt").write_text("Fisheries agreement.\n", encoding="utf-8")
    run("index")
    ix = tmp_path / "ix"
    newest = toc_generations(ix)[0]
    (ix / f"_searchkit_{newest}.toc").write_bytes(b"\0" * 10)  # torn by a power cut
    assert passage_ids(run, "Mekong") == ["lanes.txt#3"]
    assert passage_ids(run, "fisheries") == []  # the previous commit did not have it yet
    searched = run("search", "Mekong")
    assert searched.exit_code == 0
    assert searched.stderr.startswith("searchkit: the newest commit is unreadable (")
    assert searched.stderr.count("\n") == 1
    assert searched.stderr.endswith(f"); using commit {newest - 1}\n")
    stats = run("stats", "--json")
    assert stats.exit_code == 0 and json.loads(stats.stdout)["documents"] == 4
    assert stats.stderr.startswith("searchkit: the newest commit is unreadable (")
    assert stats.stderr.endswith(f"); using commit {newest - 1}\n")
    assert run("verify").exit_code == 2
    assert counts(run("index", "--json")) == (1, 0, 0, 4, 0)  # the next run writes over it
    assert run("verify").exit_code == 0
    assert passage_ids(run, "fisheries") == ["new.txt#1"]


def test_no_index_and_missing_path(run, tmp_path):
    result = run("stats")
    assert result.exit_code == 2
    assert result.stderr == f"searchkit: no index at {tmp_path / 'ix'}; build one with: searchkit index PATH\n"
    result = run("index", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stderr == f"searchkit: {tmp_path / 'nowhere'}: no such file or folder; check the path and try again\n"
    assert not (tmp_path / "ix").exists()


def test_index_refuses_a_folder_of_other_files(run, tmp_path, corpus):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.md").write_text("x", encoding="utf-8")
    result = run("index", str(corpus), index=notes)
    assert result.exit_code == 2
    assert result.stderr == f"searchkit: {notes} holds other files and no searchkit index; give --index a new or empty folder\n"


def test_store_artifacts_round_trip_and_rebuild_drops_them(run, corpus, tmp_path):
    run("index", str(corpus))
    ix = tmp_path / "ix"
    with Store.writing(ix) as store:
        store.write_artifact("punkt", {"abbrev": ["u.n", "e.g"]})
    assert Store.open(ix).read_artifact("punkt") == {"abbrev": ["u.n", "e.g"]}
    assert Store.open(ix).read_artifact("other") is None
    run("index", "--rebuild")
    assert Store.open(ix).read_artifact("punkt") is None


def test_rebuild_with_paths_starts_from_those_paths_only(run, tmp_path, corpus):
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("Arctic council meeting.\n", encoding="utf-8")
    run("index", str(corpus), str(other))
    assert counts(run("index", "--rebuild", str(other), "--json")) == (1, 0, 0, 0, 0)
    assert run("sources").stdout == f"{other}\t1\n"


def test_a_full_disk_keeps_the_last_commit(run, tmp_path, corpus, monkeypatch):
    run("index", str(corpus))
    (corpus / "new.txt").write_text("Fisheries agreement.\n", encoding="utf-8")

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("searchkit.store.store.save_manifest", full)
    result = run("index")
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.stderr == (f"searchkit: cannot write to {tmp_path / 'ix'} (No space left on device); the index "
                             "keeps its last commit: free some space or fix permissions, then run searchkit index "
                             "again\n")
    assert run("verify").exit_code == 0
    assert counts(run("index", "--json")) == (1, 0, 0, 4, 0)


def test_a_missing_segment_file_falls_back_too(run, corpus, tmp_path):
    run("index", str(corpus))
    (corpus / "new.txt").write_text("Fisheries agreement.\n", encoding="utf-8")
    run("index")
    ix = tmp_path / "ix"
    store = Store.open(ix)
    newest = {s.segment_id() for s in store.ix._toc.segments} - {
        s.segment_id() for s in Store.open(ix).ix._toc.segments[:-1]}
    for name in os.listdir(ix):
        if any(name.startswith(seg + ".") for seg in newest):
            (ix / name).unlink()
    stats = run("stats", "--json")
    assert stats.exit_code == 0 and json.loads(stats.stdout)["documents"] == 4
    assert stats.stderr.endswith(f"; using commit {store.generation - 1}\n")
    assert counts(run("index", "--json")) == (1, 0, 0, 4, 0)
    assert run("verify").exit_code == 0


def test_a_search_reads_only_the_manifests_versions(run, corpus, tmp_path, monkeypatch):
    run("index", str(corpus))

    def parse_whole(*args):
        raise AssertionError("a search parsed the whole manifest")

    monkeypatch.setattr("searchkit.store.store.load_manifest", parse_whole)
    assert passage_ids(run, "Mekong") == ["lanes.txt#3"]


def test_a_torn_newest_manifest_falls_back_for_searches_too(run, corpus, tmp_path):
    run("index", str(corpus))
    (corpus / "new.txt").write_text("Fisheries agreement.\n", encoding="utf-8")
    run("index")
    ix = tmp_path / "ix"
    path = manifest_path(ix, toc_generations(ix)[0])
    data = path.read_bytes()
    path.write_bytes(data[: data.index(b'"docs"')])  # its versions intact, its end gone
    assert passage_ids(run, "Mekong") == ["lanes.txt#3"]
    assert passage_ids(run, "fisheries") == []  # the commit before, whose manifest is whole


def test_a_path_given_inside_a_source_stays_with_it_after_a_plain_run(run, tmp_path, corpus):
    run("index", str(corpus))
    hidden = corpus / ".draft.txt"  # a folder walk skips hidden files: only a PATH given brings it in
    hidden.write_text("Drafted remarks on the Arctic council.\n", encoding="utf-8")
    assert counts(run("index", str(hidden), "--json")) == (1, 0, 0, 0, 0)
    assert run("sources").stdout == f"{corpus}\t5\n"
    assert counts(run("index", "--json")) == (0, 0, 0, 5, 0)  # kept, not "removed"
    hidden.unlink()
    assert counts(run("index", "--json"))[2] == 1  # gone from disk: then it goes
