"""Prepared documents (what ``--jobs`` workers send) index exactly as Whoosh's own ``add_document`` does."""

from __future__ import annotations

from pathlib import Path

from whoosh import index as windex

from searchkit.ingest.files import Skipped, read_file, walk
from searchkit.ingest.passages import split_document
from searchkit.postings.prepare import prepare
from searchkit.postings.schema import make_schema, passage_fields
from searchkit.store.manifest import Manifest
from searchkit.store.store import Store


def contents(reader) -> dict:
    """Everything a reader holds: stored fields, field lengths, columns and every posting, by docnum."""
    docs = dict(reader.iter_docs())
    fields = reader.schema.names()
    postings = {}
    for name in reader.indexed_field_names():
        for term in reader.lexicon(name):
            matcher = reader.postings(name, term)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            postings[(name, term)] = items
    lengths = {(n, f): reader.doc_field_length(n, f) for n in docs for f in fields}
    columns = {f: list(reader.column_reader(f)) for f in fields if reader.has_column(f)}
    return {"docs": docs, "postings": postings, "lengths": lengths, "columns": columns}


def passages_of(root: Path) -> list:
    found = []
    for path in walk(root):
        for doc in read_file(path, path.name):
            if not isinstance(doc, Skipped):
                found.extend(split_document(doc))
    return found


def test_add_prepared_equals_add_document(tmp_path, corpus):
    passages = passages_of(corpus)
    assert len(passages) > 5 and len({p.doc_id for p in passages}) > 2
    plain = windex.create_in(str(tmp_path), make_schema(), indexname="plain")
    writer = plain.writer()
    for passage in passages:
        writer.add_document(**passage_fields(passage))
    writer.commit()
    schema = make_schema()
    with Store.writing(tmp_path / "ours") as store:
        batch = store.begin()
        for doc_id in dict.fromkeys(p.doc_id for p in passages):  # one document at a time, in order
            batch.add(prepare(schema, [p for p in passages if p.doc_id == doc_id]))
        batch.commit(Manifest(format=store.manifest.format, analyzer=store.manifest.analyzer))
    with plain.reader() as expected, Store.open(tmp_path / "ours").ix.reader() as got:
        assert contents(got) == contents(expected)


def test_jobs_build_the_same_index(run, tmp_path, corpus, monkeypatch):
    from searchkit.indexing import workers

    for n in range(24):  # enough files for the worker pool to be used
        (corpus / f"extra{n}.txt").write_text(f"Extra statement {n}\n\nOn trade and fisheries, part {n}.\n",
                                              encoding="utf-8")
    assert run("index", str(corpus), "--jobs", "1", index=tmp_path / "one").exit_code == 0  # all in one process
    pools, real_pool = [], workers.pool
    monkeypatch.setattr(workers, "pool", lambda jobs: pools.append(jobs) or real_pool(jobs))
    result = run("index", str(corpus), "--jobs", "2", index=tmp_path / "two")
    assert result.exit_code == 0, result.stderr
    assert pools == [2]
    with Store.open(tmp_path / "one").ix.reader() as one, Store.open(tmp_path / "two").ix.reader() as two:
        assert contents(two) == contents(one)


def test_jobs_default_to_the_cpu_count(run, tmp_path, corpus, monkeypatch):
    import os

    from searchkit.indexing import workers

    assert workers.default_jobs() == len(os.sched_getaffinity(0))
    for n in range(24):
        (corpus / f"extra{n}.txt").write_text(f"Extra statement {n}\n\nOn trade, part {n}.\n", encoding="utf-8")
    pools, real_pool = [], workers.pool
    monkeypatch.setattr(workers, "default_jobs", lambda: 3)  # as on a 3-CPU machine
    monkeypatch.setattr(workers, "pool", lambda jobs: pools.append(jobs) or real_pool(jobs))
    result = run("index", str(corpus), "--json", index=tmp_path / "ix")
    assert result.exit_code == 0, result.stderr
    assert pools == [3]


def segment_sizes(directory: Path) -> list[int]:
    return [s.doc_count_all() for s in Store.open(directory).ix._toc.segments]


def big_corpus(root: Path, files: int = 40) -> Path:
    root.mkdir()
    for n in range(files):
        paras = [" ".join(f"w{n}x{k}y{j} common{j % 7}" for j in range(40)) + "." for k in range(12)]
        (root / f"f{n:02}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    return root


def test_a_run_ends_with_a_small_batch_committed_after_a_big_one(tmp_path, monkeypatch):
    """When what is left to read fits a quarter of a batch, the batch commits early: the last commit (the one
    nothing runs beside) stays small. Without the rule, the last batch is whatever the budget left over."""
    from searchkit.indexing import run as indexer
    from searchkit.indexing.run import run_index

    corpus = big_corpus(tmp_path / "corpus")
    monkeypatch.setenv("SEARCHKIT_BATCH_MB", "1")
    with Store.writing(tmp_path / "tail") as store:
        report = run_index(store, [str(corpus)])
    with_rule = segment_sizes(tmp_path / "tail")
    monkeypatch.setattr(indexer, "TAIL_SHARE", 10**9)  # the rule never applies
    with Store.writing(tmp_path / "plain") as store:
        run_index(store, [str(corpus)])
    without = segment_sizes(tmp_path / "plain")
    assert sum(with_rule) == sum(without) == report.passages == 40 * 12
    assert with_rule[-1] * 4 <= max(with_rule), with_rule
    assert without[-1] * 4 > max(without), without


def test_index_workers_run_at_a_lower_priority_than_the_writer():
    import os

    from searchkit.indexing.workers import WORKER_NICE, pool

    with pool(1) as executor:
        niceness = executor.submit(os.nice, 0).result()
    assert niceness == min(os.nice(0) + WORKER_NICE, 19)
