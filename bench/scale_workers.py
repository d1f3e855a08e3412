"""Child processes of ``bench/scale.py``: each runs in a fresh interpreter so that its peak RSS is its own.

    python bench/scale_workers.py fts5-build INDEX DB      the passages of a searchkit index, into SQLite FTS5
    python bench/scale_workers.py warm-searchkit INDEX QUERIES REPEAT
    python bench/scale_workers.py warm-fts5 DB QUERIES REPEAT
    python bench/scale_workers.py cold-fts5 DB QUERY      what a fresh process pays to print FTS5's top 10

Each prints one JSON object on stdout. Queries are in searchkit's syntax; ``fts5_query`` translates them:
bare words are ORed (as searchkit does), a quoted phrase stays a phrase, ``country:``/``year:`` become SQL
conditions on UNINDEXED columns.
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any, Iterator

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the checkout's package, not an installed one

FIELD = re.compile(r'(\w+):(\[[^\]]*\]|"[^"]*"|\S+)')
PHRASE = re.compile(r'"([^"]*)"')
WORD = re.compile(r"[^\W_]+")
TOP = 10
SNIPPET = "snippet(passages, 2, '[', ']', '…', 24)"


def read_queries(path: Path) -> list[tuple[str, str]]:
    """``(class, query)`` pairs of a TSV file; ``#`` lines are comments."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, query = line.split("\t", 1)
            pairs.append((kind, query.strip()))
    return pairs


def split_filters(query: str) -> tuple[str, dict[str, str]]:
    """The text part of a query and its ``field:value`` filters."""
    filters = {m.group(1): m.group(2).strip('"') for m in FIELD.finditer(query)}
    return FIELD.sub(" ", query).strip(), filters


def fts5_query(query: str) -> tuple[str, str, list[Any]]:
    """An FTS5 MATCH expression, an SQL condition and its parameters for a searchkit query."""
    text, filters = split_filters(query)
    parts = ['"' + " ".join(WORD.findall(p)) + '"' for p in PHRASE.findall(text)]
    parts += [f'"{w}"' for w in WORD.findall(PHRASE.sub(" ", text))]
    where, params = [], []
    for name, value in filters.items():
        span = re.match(r"\[(\d+) to (\d+)\]", value, re.I)
        if name == "year" and span:
            where.append("year BETWEEN ? AND ?")
            params += [int(span.group(1)), int(span.group(2))]
        else:
            where.append(f"{name} = ?")
            params.append(int(value) if name == "year" else value)
    return " OR ".join(p for p in parts if p != '""'), "".join(f" AND {w}" for w in where), params


def passages(index: Path) -> Iterator[tuple[Any, ...]]:
    """The passages of the searchkit index at ``index``: the very rows FTS5 gets (title only where searchkit
    indexes it; a lead sentence shown as a title is not)."""
    from searchkit.store.store import Store

    reader = Store.open(index).ix.reader()
    try:
        for docnum, stored in reader.iter_docs():
            title = stored.get("title", "") if reader.doc_field_length(docnum, "title") else ""
            yield stored["passage_id"], title, stored.get("text", ""), stored.get("country"), stored.get("year")
    finally:
        reader.close()


def fts5_build(index: Path, db: Path) -> dict[str, Any]:
    rows = list(passages(index))  # read before the clock starts: only FTS5's own work is timed
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE passages USING fts5(passage_id UNINDEXED, title, text, "
                "country UNINDEXED, year UNINDEXED, tokenize='porter unicode61')")
    con.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    con.execute("INSERT INTO passages(passages) VALUES('optimize')")
    con.commit()
    con.close()
    return {"seconds": time.perf_counter() - started, "passages": len(rows), "bytes": db.stat().st_size}


def fts5_search(con: sqlite3.Connection, query: str) -> tuple[int, list[tuple[str, str]]]:
    """Total matches and the top 10 ``(passage_id, snippet)``, ranked by bm25 (title weighs double)."""
    match, where, params = fts5_query(query)
    if not match:
        return 0, []
    top = con.execute(f"SELECT passage_id, {SNIPPET} FROM passages WHERE passages MATCH ?{where} "
                      f"ORDER BY bm25(passages, 0, 2.0, 1.0) LIMIT {TOP}", [match, *params]).fetchall()
    total = con.execute(f"SELECT count(*) FROM passages WHERE passages MATCH ?{where}", [match, *params])
    return total.fetchone()[0], top


def fts5_top(con: sqlite3.Connection, query: str) -> list[tuple[str, str]]:
    match, where, params = fts5_query(query)
    return con.execute(f"SELECT passage_id, {SNIPPET} FROM passages WHERE passages MATCH ?{where} "
                       f"ORDER BY bm25(passages, 0, 2.0, 1.0) LIMIT {TOP}", [match, *params]).fetchall()


def timed(run: Any, queries: list[tuple[str, str]], repeat: int) -> list[dict[str, Any]]:
    """Each query once to warm up, then ``repeat`` timed runs (wall and CPU ms); ``run(query)`` returns
    (total, top). CPU time is this process's own: on a shared machine it says what the work costs."""
    out = []
    for kind, query in queries:
        total, top = run(query)
        wall, cpu = [], []
        for _ in range(repeat):
            started, used = time.perf_counter(), time.process_time()
            run(query)
            cpu.append((time.process_time() - used) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        out.append({"class": kind, "query": query, "ms": wall, "cpu_ms": cpu, "total": total, "top": top[:3]})
    return out


def warm_fts5(db: Path, queries: list[tuple[str, str]], repeat: int) -> list[dict[str, Any]]:
    con = sqlite3.connect(db)
    # Counting every match is not what a top-10 lookup needs: time the top 10 alone, count once.
    results = timed(lambda q: (0, fts5_top(con, q) if fts5_query(q)[0] else []), queries, repeat)
    for result in results:
        result["total"] = fts5_search(con, result["query"])[0]
    return results


def warm_searchkit(index: Path, queries: list[tuple[str, str]], repeat: int) -> list[dict[str, Any]]:
    """Queries as a resident process (``searchkit serve``) runs them: one open store and searcher, numpy
    imported (serve imports it at start)."""
    import numpy  # noqa: F401

    from searchkit.render.text import mark
    from searchkit.search.searcher import Options, Searcher
    from searchkit.store.store import Store, keep_stores_open

    keep_stores_open()
    searcher = Searcher.of(Store.open_cached(index))

    def run(query: str) -> tuple[int, list[tuple[str, str]]]:
        result = searcher.search(query, Options(limit=TOP))
        return result.total, [(h.passage_id, short(mark(h.text, h.spans, "[", "]"))) for h in result.hits]

    return timed(run, queries, repeat)


def short(marked: str, budget: int = 160) -> str:
    """A window of a bracket-marked text around its first mark."""
    first = max(marked.find("["), 0)
    start = max(0, first - budget // 3)
    return ("…" if start else "") + marked[start:start + budget] + ("…" if start + budget < len(marked) else "")


def cold_fts5(db: Path, query: str) -> None:
    con = sqlite3.connect(db)
    for passage_id, snippet in fts5_top(con, query):
        print(passage_id, snippet)


def main(argv: list[str]) -> None:
    command, args = argv[0], argv[1:]
    if command == "fts5-build":
        print(json.dumps(fts5_build(Path(args[0]), Path(args[1]))))
    elif command == "warm-searchkit":
        print(json.dumps(warm_searchkit(Path(args[0]), read_queries(Path(args[1])), int(args[2]))))
    elif command == "warm-fts5":
        print(json.dumps(warm_fts5(Path(args[0]), read_queries(Path(args[1])), int(args[2]))))
    elif command == "cold-fts5":
        cold_fts5(Path(args[0]), args[1])
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
