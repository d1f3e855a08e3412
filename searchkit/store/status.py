"""What an index holds (``stats``) and whether all of it reads back (``verify``)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from searchkit.ingest.files import safe_name
from searchkit.ingest.offsets import OffsetMap
from searchkit.store.store import Store

MAX_PROBLEMS = 20


@dataclass
class Stats:
    documents: int
    passages: int
    sources: list[str]
    index_bytes: int
    last_update: str


def stats(store: Store) -> Stats:
    return Stats(
        documents=len(store.manifest.docs),
        passages=store.passage_count(),
        sources=[safe_name(s) for s in store.manifest.sources],
        index_bytes=store.size_bytes(),
        last_update=store.manifest.last_update,
    )


@dataclass
class Verification:
    documents: int = 0
    passages: int = 0
    generation: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.problems.append(text)


def verify_newest(directory: Path, attempts: int = 3) -> Verification:
    """``verify`` of the newest commit. Verifying reads one segment at a time, and a running index run
    deletes a segment two commits after it left the index: then the newer commit is verified instead."""
    for _ in range(attempts - 1):
        try:
            return verify(Store.open(directory))
        except FileNotFoundError:
            continue
    return verify(Store.open(directory))


def verify(store: Store) -> Verification:
    """Read every stored passage and every term list; check them against the manifest."""
    started = time.perf_counter()
    result = Verification(documents=len(store.manifest.docs), generation=store.generation)
    for note in store.notes:
        result.problem(note)
    counts: Counter[str] = Counter()
    ids: set[str] = set()
    for number, reader in enumerate(store.ix.segment_readers(), start=1):  # one at a time: a whole-index
        for docnum, stored in reader.iter_docs():                          # reader holds ~30 MB a segment
            problem = check_passage(stored, ids)
            if problem:
                result.problem(f"segment {number}, passage {docnum} ({stored.get('passage_id', '?')}): {problem}")
            counts[stored.get("doc_id", "")] += 1
            result.passages += 1
        check_terms(reader, result)
    check_counts(store, counts, result)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def check_passage(stored: dict[str, Any], ids: set[str]) -> str:
    passage_id, text = stored.get("passage_id"), stored.get("text")
    if not isinstance(passage_id, str) or not isinstance(stored.get("doc_id"), str):
        return "no passage_id or doc_id"
    if passage_id in ids:
        return "passage_id stored twice"
    ids.add(passage_id)
    if not isinstance(text, str) or not text:
        return "no text"
    start, end = stored.get("char_start"), stored.get("char_end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end):
        return f"bad source span {start!r}..{end!r}"
    try:
        omap = OffsetMap.decode(text, stored.get("offsets", []))
        omap.span_to_doc(0, len(text))
    except Exception as exc:  # a damaged offset map: any failure is the finding
        return f"offset map unreadable ({type(exc).__name__})"
    return ""


def check_terms(reader: Any, result: Verification) -> None:
    """Walk every term of every indexed field and decode the postings of a sample of them."""
    for fieldname in reader.indexed_field_names():
        try:
            for number, term in enumerate(reader.lexicon(fieldname)):
                if number % 50 == 0:
                    for _ in reader.postings(fieldname, term).all_ids():
                        pass
        except Exception as exc:  # a damaged term file: the finding is that it fails
            result.problem(f"terms of field {fieldname!r} unreadable ({type(exc).__name__}: {exc})")


def check_counts(store: Store, counts: Counter, result: Verification) -> None:
    docs = store.manifest.docs
    for doc_id, record in docs.items():
        if counts.get(doc_id, 0) != record.passages:
            result.problem(f"document {doc_id!r}: {counts.get(doc_id, 0)} passages stored, "
                           f"{record.passages} recorded")
    for doc_id in counts.keys() - docs.keys():
        result.problem(f"document {doc_id!r}: {counts[doc_id]} passages stored but not recorded")
