"""The Speed at scale table of docs/benchmarks.md, as markdown, from what ``bench/scale.py --json`` wrote.

    python bench/scale.py --sizes 3000,all --repeat 3 --json scale.json
    python bench/report.py scale.json                 # one column group per size in the file
    python bench/report.py small.json large.json      # sizes from several runs, side by side

Each size gets three columns: searchkit, SQLite FTS5 and the ratio searchkit/FTS5. A figure a run did not
measure (``--no-fts5``, ``--no-rg``, no ``searchkit serve``) shows as ``-``. Nothing is measured here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Optional

Figure = Optional[float]
# A row: its label, and from one size's figures the searchkit cell, the FTS5 cell (None: not measured, "": FTS5
# has no such figure) and whether a ratio fits.
Row = tuple[str, Callable[[dict[str, Any]], tuple[Any, Any]], bool]

CLASS_LABELS = {"keyword": "keyword", "phrase": "phrase", "long": "10+ words", "filter": "filter"}


def dig(m: dict[str, Any], *keys: str) -> Any:
    """``m[k1][k2]...``, or None where a level is missing or empty (a skipped comparison leaves {})."""
    for key in keys:
        if not isinstance(m, dict) or m.get(key) is None:
            return None
        m = m[key]
    return m


def per(a: Figure, b: Figure) -> Figure:
    return a / b if a is not None and b else None


def mib(kib: Figure) -> Figure:
    return None if kib is None else kib / 1024


def number(value: Any, decimals: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:,.{decimals}f}"


def reindex(m: dict[str, Any]) -> str:
    sk = m["searchkit"]
    return f"{sk['reindex_seconds']:.1f} ({100 * sk['reindex_seconds'] / sk['seconds']:.1f}%)"


def search_rss(m: dict[str, Any]) -> str:
    """Peak RSS of the warm searching process and of ``searchkit serve``, as ``warm;serve``."""
    warm, served = mib(dig(m, "searchkit", "search_rss_kib")), dig(m, "searchkit", "cold_served", "server_rss_mib")
    return f"{number(warm, 0)};{number(served, 0)}"


def warm(kind: str, stat: str) -> Callable[[dict[str, Any]], tuple[Any, Any]]:
    return lambda m: (dig(m, "searchkit", "classes", kind, stat), dig(m, "fts5", "classes", kind, stat))


ROWS: list[Row] = [
    ("build s", lambda m: (m["searchkit"]["seconds"], dig(m, "fts5", "seconds")), True),
    ("passages/s", lambda m: (m["searchkit"]["passages"] / m["searchkit"]["seconds"],
                              per(dig(m, "fts5", "passages"), dig(m, "fts5", "seconds"))), False),
    ("build CPU s (all processes)", lambda m: (m["searchkit"]["cpu"], ""), False),
    ("build CPU s (the writing process)", lambda m: (dig(m, "searchkit", "writer_cpu"), ""), False),
    ("peak RSS indexing MiB (writer)", lambda m: (mib(m["searchkit"]["rss_kib"]), mib(dig(m, "fts5", "rss_kib"))),
     False),
    ("peak RSS indexing MiB (all at once)", lambda m: (mib(dig(m, "searchkit", "tree_rss_kib")), ""), False),
    ("index MiB", lambda m: (m["searchkit"]["bytes"] / 2**20, per(dig(m, "fts5", "bytes"), 2**20)), False),
    ("index segments", lambda m: (dig(m, "searchkit", "segments"), ""), False),
    ("re-index unchanged s", lambda m: (reindex(m), ""), False),
    *[(f"warm {label} {stat} ms", warm(kind, stat), True)
      for kind, label in CLASS_LABELS.items() for stat in ("p50", "p95")],
    ("peak RSS searching MiB (warm; serve)", lambda m: (search_rss(m), mib(dig(m, "fts5", "search_rss_kib"))), False),
    ("cold CLI median ms (new process, in itself)", lambda m: (m["searchkit"]["cold"]["median"],
                                                              dig(m, "fts5", "cold", "median")), True),
    ("cold CLI median ms (nothing started by the user)", lambda m: (dig(m, "searchkit", "cold_first_use", "median"),
                                                                    dig(m, "fts5", "cold", "median")), True),
    ("cold CLI via searchkit serve ms", lambda m: (dig(m, "searchkit", "cold_served", "median"),
                                                   dig(m, "fts5", "cold", "median")), True),
    ("cold rg -F -i median ms", lambda m: (dig(m, "rg", "cold", "median"), ""), False),
    ("python -c pass median ms", lambda m: (dig(m, "python_pass", "median"), ""), False),
]
# Counts and whole MiB read better without a decimal.
WHOLE = {"passages/s", "peak RSS indexing MiB (writer)", "peak RSS indexing MiB (all at once)", "index segments",
         "peak RSS searching MiB (warm; serve)"}


def heading(m: dict[str, Any]) -> str:
    """``3,000 speeches, 106,318 passages``; ``all 10,952 speeches, ...`` for the whole corpus."""
    documents = dig(m, "searchkit", "reindex", "documents")
    size = f"{documents:,}" if documents is not None else str(m["documents"])
    if m["documents"] == "all":
        size = f"all {size}"
    return f"{size} speeches, {m['searchkit']['passages']:,} passages"


def table(sizes: list[dict[str, Any]]) -> list[str]:
    header = [""] + [cell for m in sizes for cell in (f"searchkit ({heading(m)})", "FTS5", "ratio")]
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    for label, cells, with_ratio in ROWS:
        decimals = 0 if label in WHOLE else 1
        row = [label]
        for m in sizes:
            sk, fts = cells(m)
            ratio = per(sk, fts) if with_ratio and not isinstance(sk, str) else None
            row += [number(sk, decimals), number(fts, decimals), f"{ratio:.2f}" if ratio is not None else ""]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def main(argv: Optional[list[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json", nargs="+", type=Path, help="files written by bench/scale.py --json")
    args = ap.parse_args(argv)
    sizes = []
    for path in args.json:
        try:
            sizes += json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            sys.exit(f"{path}: {exc}")
    if not sizes:
        sys.exit("no sizes in the files given")
    print("\n".join(table(sizes)))


if __name__ == "__main__":
    main()
