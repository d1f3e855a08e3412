"""``index --rebuild`` builds beside the live index and swaps it in: readers never see it half built."""

from __future__ import annotations

import json
import os
import time

import pytest

from searchkit.store.rebuild import STAGING
from searchkit.store.store import Store
from tests.indexing.test_crash import CRASH, DOCS, assert_whole, big, finish, start  # noqa: F401  (big: a fixture)


def test_readers_see_the_old_index_until_the_rebuild_ends(run, tmp_path, corpus):
    ix = tmp_path / "ix"
    assert run("index", str(corpus)).exit_code == 0
    before = run("search", "lanes", "--json").stdout
    with Store.writing(ix, rebuild=True) as store:
        assert store.directory == ix / STAGING
        assert run("search", "lanes", "--json").stdout == before
        assert run("verify").stdout.startswith("ok: 4 documents")
        assert run("cite", "We oppose unilateral sanctions", "--json").exit_code == 0
    assert run("verify").stdout.startswith("ok: 0 documents")  # the empty rebuild, swapped in at the end
    assert not (ix / STAGING).exists()


def test_a_failed_rebuild_leaves_the_old_index_and_no_staging_folder(run, tmp_path, corpus):
    ix = tmp_path / "ix"
    run("index", str(corpus))
    with pytest.raises(KeyboardInterrupt):
        with Store.writing(ix, rebuild=True):
            raise KeyboardInterrupt
    assert run("verify").stdout.startswith("ok: 4 documents")
    assert not (ix / STAGING).exists()


@pytest.mark.slow
def test_searches_and_verify_during_a_rebuild_see_every_document(run, tmp_path, big):  # noqa: F811
    ix = tmp_path / "ix"
    run("index", str(big), index=ix)
    process = start(ix, "index", "--rebuild")
    checks = 0
    while process.poll() is None:
        hits = run("search", "Zanzibar", "-n", "1000", "--json", index=ix).stdout.splitlines()
        assert len({json.loads(h)["doc_id"] for h in hits}) == DOCS
        assert run("verify", index=ix).stdout.startswith(f"ok: {DOCS} documents")
        checks += 1
    assert finish(process)[0] == 0
    assert checks >= 2
    assert assert_whole(ix) == DOCS and not (ix / STAGING).exists()


@pytest.mark.slow
@pytest.mark.parametrize("where", [
    "crash_on(commits.Writer, '_commit_toc', 3)",  # inside the staging folder, a few commits in
    "crash_on(rebuild, 'save_manifest', 1)",  # segments moved into the index folder, no manifest yet
    "crash_on(rebuild, 'write_toc', 1)",  # manifest saved, the swap not yet made
    "crash_on(rebuild, 'move_artifacts', 1)",  # swapped; the sentence splitter's parameters not moved yet
    "crash_on(rebuild, 'clean', 1)",  # swapped, the old segments not yet removed
])
def test_a_rebuild_killed_at_any_step_leaves_a_whole_index(run, tmp_path, big, where):  # noqa: F811
    ix = tmp_path / "ix"
    run("index", str(big), index=ix)
    prelude = CRASH.replace("from searchkit.store import", "from searchkit.store import rebuild,") + where
    code, out, err = finish(start(ix, "index", "--rebuild", prelude=prelude))
    assert code == 137, err
    assert assert_whole(ix) == DOCS
    assert run("search", "Zanzibar", "-n", "1", index=ix).exit_code == 0
    result = run("index", "--json", index=ix)  # the next writer clears what the killed rebuild left
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == DOCS
    assert not (ix / STAGING).exists() and (ix / "punkt.json").exists()
    assert not [p for p in os.listdir(ix) if p.startswith(".searchkit-tmp-") or ".toc." in p]


@pytest.mark.slow
def test_a_rebuild_killed_by_sigkill_keeps_the_old_index(run, tmp_path, big):  # noqa: F811
    ix = tmp_path / "ix"
    run("index", str(big), index=ix)
    process = start(ix, "index", "--rebuild")
    deadline = time.monotonic() + 30
    while not list((ix / STAGING).glob("_searchkit_2.toc")) and time.monotonic() < deadline:
        time.sleep(0.005)
    process.kill()
    process.communicate(timeout=30)
    assert assert_whole(ix) == DOCS
    assert run("index", "--rebuild", index=ix).exit_code == 0
    assert assert_whole(ix) == DOCS and not (ix / STAGING).exists()
