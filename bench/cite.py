"""Quote lookup on real documents: quotations drawn from the index, perturbed as users paste them.

    python bench/cite.py [--corpus PATH ...] [--index DIR] [--seed S] [--per-class N]

Indexes the corpora (the UN sample and the press conferences by default; incremental, so a kept --index
is reused), draws quotations from random passages (seeded) and perturbs them: verbatim; typography (curly
and straight quotes, dashes, line breaks, case, line-end hyphenation); ellipsis gaps; quotations running
into the next paragraph; one-word misquotes; invented sentences (spliced from two passages, checked to
occur nowhere). Runs them through ``searchkit cite --batch --json`` and prints the rates and the time per
quotation (median and p95, timed in-process over the same quotations). Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from common import CORPORA, REPO

sys.path.insert(0, str(REPO))

from searchkit.cite.citer import Citer  # noqa: E402
from searchkit.cite.typography import QUOTE_MARKS, fold  # noqa: E402
from searchkit.indexing.run import run_index  # noqa: E402
from searchkit.ingest.files import Document, read_file  # noqa: E402
from searchkit.ingest.offsets import OffsetMap  # noqa: E402
from searchkit.store.store import Store  # noqa: E402

DEFAULT_CORPORA = [CORPORA / "ungdc-sample", CORPORA / "china-mfa-presscon" / "china_mfa_presscon_2018-2020.jsonl"]
FOUND_CLASSES = ("verbatim", "from_file", "typography", "ellipsis", "cross_paragraph")
LINE_END = re.compile(r"\r\n|\r|\n")
EDGES = ".,;:!? " + QUOTE_MARKS
WORD = re.compile(r"\S+")
CONTENT = re.compile(r"^[A-Za-z]{4,}$")


def build(corpora: list[Path], directory: Path) -> Store:
    started = time.perf_counter()
    with Store.writing(directory) as store:
        report = run_index(store, [str(c) for c in corpora], jobs=2)
    print(f"index           {report.documents} documents, {report.passages} passages "
          f"({report.added} added, {report.unchanged} unchanged) in {time.perf_counter() - started:.1f} s")
    return Store.open(directory)


def load_passages(store: Store) -> list[dict[str, Any]]:
    with store.ix.searcher() as searcher:
        rows = [dict(f) for f in searcher.all_stored_fields()]
    rows.sort(key=lambda f: (f["doc_id"], f.get("para", 0), f.get("piece", 0) or 0))
    return rows


def words_span(text: str, rng: random.Random, lo: int = 8, hi: int = 30) -> tuple[str, list[str]]:
    words = WORD.findall(text)
    n = rng.randint(lo, min(hi, len(words)))
    start = rng.randint(0, len(words) - n)
    return " ".join(words[start : start + n]), words


class DocTexts:
    """Documents' decoded text as the indexer reads it, to check offsets and lines independently of cite."""

    def __init__(self) -> None:
        self.files: dict[str, dict[str, str]] = {}

    def text(self, path: str, doc_id: str) -> str:
        if path not in self.files:
            docs = read_file(Path(path), doc_id)
            self.files[path] = {d.doc_id: d.text for d in docs if isinstance(d, Document)}
        return self.files[path].get(doc_id, "")


def span(p: dict[str, Any], rng: random.Random) -> tuple[int, int, int, int]:
    """A random span of 8-30 words of a passage: text offsets and the original document's offsets.

    The document offsets leave out the edge punctuation and quote marks a quotation's match leaves out.
    """
    words = list(WORD.finditer(p["text"]))
    n = rng.randint(8, min(30, len(words)))
    first = rng.randint(0, len(words) - n)
    s, e = words[first].start(), words[first + n - 1].end()
    ms, me = s, e
    while ms < me and p["text"][ms] in EDGES:
        ms += 1
    while me > ms and p["text"][me - 1] in EDGES:
        me -= 1
    omap = OffsetMap.decode(p["text"], p.get("offsets", []))
    return s, e, omap.to_doc(ms), omap.to_doc_end(me)


def skeleton(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def typography(quote: str, rng: random.Random) -> str:
    """Paste-like damage that must not change the verdict."""
    q = quote.replace("’", "'").replace("“", '"').replace("”", '"') if rng.random() < 0.5 else \
        re.sub(r'"([^"]*)"', r"“\1”", quote.replace("'", "’"))
    q = re.sub(r"(?<=\w)-(?=\w)", rng.choice(["–", "‑", "-"]), q)
    q = re.sub(r" [—–-] ", lambda m: rng.choice([" -- ", "—", " – ", " - "]), q)
    words = q.split(" ")
    for i in range(1, len(words)):
        roll = rng.random()
        if roll < 0.15:
            words[i] = "\n" + words[i]
        elif roll < 0.2:
            words[i] = "  " + words[i]
    long_words = [i for i, w in enumerate(words) if re.fullmatch(r"[A-Za-z]{9,}", w.strip())]
    if long_words:
        i = rng.choice(long_words)
        w = words[i].strip()
        cut = rng.randint(3, len(w) - 3)
        words[i] = w[:cut] + "-\n" + w[cut:]
    q = " ".join(words).replace(" \n", "\n")
    return rng.choice([q, q.lower(), q.upper(), q[:1].swapcase() + q[1:]])


def draw(passages: list[dict[str, Any]], rng: random.Random, per_class: int,
         doc_texts: DocTexts) -> list[dict[str, Any]]:
    body = [p for p in passages if p.get("kind", "body") == "body" and len(WORD.findall(p.get("text", ""))) >= 20]
    vocab = sorted({w for p in rng.sample(body, 300) for w in WORD.findall(p["text"]) if CONTENT.match(w)})
    following = {(a["doc_id"], i): passages[i + 1] for i, a in enumerate(passages[:-1])
                 if passages[i + 1]["doc_id"] == a["doc_id"]}
    index_of = {id(p): i for i, p in enumerate(passages)}
    items: list[dict[str, Any]] = []

    def add(kind: str, text: str, source: dict[str, Any], doc_span: Any = None) -> None:
        items.append({"id": f"{kind}-{len(items)}", "text": text, "kind": kind, "path": source.get("path", ""),
                      "doc_id": source["doc_id"], "para": source.get("para"), "doc_span": doc_span})

    for _ in range(per_class):
        p = rng.choice(body)
        s, e, ds, de = span(p, rng)
        add("verbatim", p["text"][s:e], p, (ds, de))
        p = rng.choice(body)
        s, e, ds, de = span(p, rng)
        raw = doc_texts.text(p.get("path", ""), p["doc_id"])[ds:de]
        if skeleton(raw) == skeleton(p["text"][s:e]):  # not across page furniture the passage dropped
            add("from_file", raw, p, (ds, de))
        p = rng.choice(body)
        add("typography", typography(words_span(p["text"], rng)[0], rng), p)
        p = rng.choice(body)
        words = WORD.findall(p["text"])
        a = rng.randint(0, len(words) - 20)
        gap = rng.randint(3, max(3, len(words) - a - 12))
        add("ellipsis", " ".join(words[a : a + 5]) + rng.choice([" … ", " ... ", " [...] "])
            + " ".join(words[a + 5 + gap : a + 5 + gap + 6]), p)
        p = rng.choice(body)
        nxt = following.get((p["doc_id"], index_of[id(p)]))
        if nxt is not None and nxt.get("kind", "body") == "body" and WORD.findall(nxt["text"]):
            tail, head = WORD.findall(p["text"])[-rng.randint(4, 10):], WORD.findall(nxt["text"])[: rng.randint(4, 10)]
            add("cross_paragraph", " ".join(tail) + rng.choice([" ", "\n", "\n\n"]) + " ".join(head), p)
        p = rng.choice(body)
        add("misquote", substitute(words_span(p["text"], rng, 10, 30)[0], vocab, rng), p)
    for _ in range(per_class):
        a, b = rng.sample(body, 2)
        add("invented", " ".join(WORD.findall(a["text"])[:8] + WORD.findall(b["text"])[-8:]), a)
    return items


def substitute(quote: str, vocab: list[str], rng: random.Random) -> str:
    words = quote.split(" ")
    slots = [i for i, w in enumerate(words) if CONTENT.match(w)] or list(range(len(words)))
    i = rng.choice(slots)
    replacement = rng.choice(vocab)
    while replacement.lower() == words[i].lower():
        replacement = rng.choice(vocab)
    words[i] = replacement
    return " ".join(words)


def drop_occurring(items: list[dict[str, Any]], passages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Invented quotations must really be invented: drop any that occurs in some passage after all."""
    corpus = "\n".join(fold(p.get("text", "")).text for p in passages)
    return [it for it in items if it["kind"] != "invented" or fold(it["text"]).text.strip(" .") not in corpus]


def run_cli(directory: Path, items: list[dict[str, Any]]) -> tuple[dict[str, list[dict[str, Any]]], float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as out:
        for it in items:
            out.write(json.dumps({"id": it["id"], "text": it["text"]}, ensure_ascii=False) + "\n")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "searchkit", "--index", str(directory), "cite", "--batch",
                           out.name, "--json"], cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    Path(out.name).unlink()
    answers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        answers[row["id"]].append(row)
    if proc.stderr.strip():
        print(proc.stderr.strip(), file=sys.stderr)
    return answers, seconds, proc.returncode


def expected_line_column(text: str, offset: int) -> tuple[int, int]:
    breaks = [m.end() for m in LINE_END.finditer(text, 0, offset)]
    return len(breaks) + 1, offset - (breaks[-1] if breaks else 0) + 1


def check_place(it: dict[str, Any], rows: list[dict[str, Any]], doc_texts: DocTexts, tally: Counter) -> None:
    """Offsets and (for .txt files) line and column of the expected occurrence, computed independently."""
    mine = [r for r in rows if (r["doc_id"], r["para"]) == (it["doc_id"], it["para"]) and r["verdict"] == "exact"]
    if not mine or it["doc_span"] is None:
        return
    ds, de = it["doc_span"]
    tally["offsets_checked"] += 1
    tally["offsets_right"] += any((r["char_start"], r["char_end"]) == (ds, de) for r in mine)
    if not it["path"].lower().endswith(".jsonl"):
        where = expected_line_column(doc_texts.text(it["path"], it["doc_id"]), ds)
        tally["lines_checked"] += 1
        tally["lines_right"] += any((r["line"], r["column"]) == where for r in mine)


def score(items: list[dict[str, Any]], answers: dict[str, list[dict[str, Any]]],
          doc_texts: DocTexts) -> dict[str, Counter]:
    tally: dict[str, Counter] = defaultdict(Counter)
    for it in items:
        rows = answers.get(it["id"], [])
        verdict = rows[0]["verdict"] if rows else "missing"
        right = any((r["doc_id"], r["para"]) == (it["doc_id"], it["para"]) for r in rows)
        check_place(it, rows, doc_texts, tally["places"])
        tally[it["kind"]]["n"] += 1
        tally[it["kind"]][verdict] += 1
        tally[it["kind"]][f"{verdict}+right"] += right
        it["verdict"], it["right"] = verdict, right
    return tally


def time_inprocess(store: Store, items: list[dict[str, Any]]) -> list[float]:
    times = []
    with Citer(store) as citer:
        for it in items:
            started = time.perf_counter()
            citer.cite(it["text"])
            times.append(time.perf_counter() - started)
    return times


def pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "  n/a"


def report(items: list[dict[str, Any]], tally: dict[str, Counter], times: list[float], cli_seconds: float) -> None:
    found = sum(tally[k]["exact+right"] for k in FOUND_CLASSES)
    total = sum(tally[k]["n"] for k in FOUND_CLASSES)
    for kind in (*FOUND_CLASSES, "misquote", "invented"):
        if not tally[kind]["n"]:
            continue
        t = tally[kind]
        print(f"  {kind:16} n={t['n']:4}  exact {pct(t['exact'], t['n'])}  exact+right source "
              f"{pct(t['exact+right'], t['n'])}  near {pct(t['near'], t['n'])}  near+right "
              f"{pct(t['near+right'], t['n'])}  none {pct(t['none'], t['n'])}")
    print(f"exact and typographic variants with the right document and paragraph: {pct(found, total)} "
          f"({found}/{total}; target >= 99%)")
    m = tally["misquote"]
    print(f"one-word misquotes reported near with the right source: {pct(m['near+right'], m['n'])} "
          f"({m['near+right']}/{m['n']}; target >= 90%)")
    places = tally["places"]
    print(f"char_start/char_end of the expected occurrence right: {places['offsets_right']}/"
          f"{places['offsets_checked']}; line:column right (.txt files): "
          f"{places['lines_right']}/{places['lines_checked']}")
    inv = tally["invented"]
    print(f"invented quotations reported exact: {inv['exact']} of {inv['n']} (target 0)")
    ms = sorted(t * 1000 for t in times)
    print(f"time per quotation (in-process, warm): median {statistics.median(ms):.1f} ms, "
          f"p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms, max {ms[-1]:.1f} ms (target median < 100 ms)")
    print(f"cite --batch --json end to end: {cli_seconds:.1f} s for {len(items)} quotations "
          f"({1000 * cli_seconds / len(items):.1f} ms each, start-up included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append", help="corpus file or folder (repeatable)")
    parser.add_argument("--index", type=Path, default=None, help="index directory (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--per-class", type=int, default=80, help="quotations per class")
    parser.add_argument("--show-misses", action="store_true", help="print the quotations that went wrong")
    args = parser.parse_args()
    corpora = [c.resolve() for c in (args.corpus or DEFAULT_CORPORA)]  # one root however it is reached
    missing = [c for c in corpora if not c.exists()]
    if missing:
        sys.exit(f"bench: {missing[0]} not found; pass --corpus PATH")
    directory = args.index or Path(tempfile.mkdtemp(prefix="searchkit-cite-")) / "ix"
    store = build(corpora, directory)
    passages = load_passages(store)
    rng = random.Random(args.seed)
    doc_texts = DocTexts()
    items = drop_occurring(draw(passages, rng, args.per_class, doc_texts), passages)
    kinds = Counter(i['kind'] for i in items)
    print(f"quotations      {len(items)} ({', '.join(f'{k} {v}' for k, v in kinds.items())})")
    answers, cli_seconds, code = run_cli(directory, items)
    tally = score(items, answers, doc_texts)
    times = time_inprocess(store, items)
    report(items, tally, times, cli_seconds)
    print(f"exit status     {code}")
    if args.show_misses:
        for it in items:
            bad = (it["kind"] in FOUND_CLASSES and not (it["verdict"] == "exact" and it["right"])) or \
                  (it["kind"] == "misquote" and not (it["verdict"] == "near" and it["right"])) or \
                  (it["kind"] == "invented" and it["verdict"] == "exact")
            if bad:
                print(f"MISS {it['kind']} {it['verdict']} right={it['right']} {it['doc_id']}#{it['para']}: "
                      f"{it['text']!r}")


if __name__ == "__main__":
    main()
