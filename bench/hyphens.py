"""Line-end hyphens on real hard-wrapped speeches: how many are joined, kept, and how many look wrong.

    python bench/hyphens.py [--first 1992] [--last 2014] [--cache DIR] [--show 10]

Unpacks the UN General Debate archive as bench/scale.py does, collects the corpus evidence of the chosen
sessions (every speech of them, as an index run does) and segments each speech, recording every
line-end hyphen decision. Prints:

- joined words whose hyphenated form occurs in the corpus (must be 0: a misquote);
- kept hyphens where the source meant one word: the joined form is a known word (the word list, or
  written whole in the corpus) and the hyphenated form is written nowhere else (at most 1 in 500
  hyphens is the target): before a capital, or after a first hyphen in the same word;
- kept hyphens with no evidence either way where a half is no word (``Tshise-kedi``, ``neo-imperialist``):
  printed for reading, since a word list cannot tell a split name from a compound with a prefix;
- the rest, by the evidence that decided.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import REPO
from scale import ARCHIVE, load, unpack

sys.path.insert(0, str(REPO))

from searchkit.ingest import hyphens  # noqa: E402
from searchkit.ingest.passages import read_layout  # noqa: E402

SESSION_YEAR = re.compile(r"_(\d{4})\.txt$")


def speeches(files: list[Path], first: int, last: int) -> list[str]:
    chosen = [f for f in files if (m := SESSION_YEAR.search(f.name)) and first <= int(m.group(1)) <= last]
    return [f.read_text(encoding="utf-8-sig", errors="replace") for f in chosen]


def decisions(texts: list[str], corpus: hyphens.Evidence) -> list[tuple[str, str, bool]]:
    """``(head, tail, joined)`` of every line-end hyphen the segmentation decided."""
    found: list[tuple[str, str, bool]] = []
    original = hyphens.Vocabulary.drop_hyphen

    def recording(self: hyphens.Vocabulary, line: str, nxt: str) -> bool:
        joined = original(self, line, nxt)
        head = line.rsplit(None, 1)[-1][:-1]
        tail = (re.match(r"[^\W\d_]*", nxt) or re.match("", "")).group()
        found.append((head, tail, joined))
        return joined

    hyphens.Vocabulary.drop_hyphen = recording  # type: ignore[method-assign]
    try:
        for text in texts:
            read_layout(text, corpus)
    finally:
        hyphens.Vocabulary.drop_hyphen = original  # type: ignore[method-assign]
    return found


def is_word(part: str, corpus: hyphens.Evidence) -> bool:
    part = part.lower()
    return part in hyphens.dictionary() or part in corpus.words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--first", type=int, default=1992)
    ap.add_argument("--last", type=int, default=2014)
    ap.add_argument("--show", type=int, default=10, help="examples of each kind to print")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "searchkit-bench-ungdc")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    texts = speeches(unpack(ARCHIVE, args.cache), args.first, args.last)
    started = time.perf_counter()
    corpus = hyphens.Evidence.collect(texts)
    found = decisions(texts, corpus)
    print(f"$ python bench/hyphens.py --first {args.first} --last {args.last}\n{load()}")
    print(f"{len(texts)} speeches, {len(found)} line-end hyphens, {time.perf_counter() - started:.1f} s")
    bad_joins = [(h, t) for h, t, j in found if j and f"{h}-{t}".lower() in corpus.compounds]
    kept = [(bare(h), t) for h, t, j in found if not j]
    unseen = [(h, t) for h, t in kept if f"{h}-{t}".lower() not in corpus.compounds]
    one_word = [(h, t) for h, t in unseen if is_word(h + t, corpus)]
    unsure = [(h, t) for h, t in unseen if not is_word(h + t, corpus) and t[:1].islower()
              and not (is_word(h, corpus) and is_word(t, corpus))]
    print(f"joined, though the corpus writes the hyphenated form: {len(bad_joins)}")
    print(f"kept, though the joined form is a known word and the hyphenated one is written nowhere else: "
          f"{len(one_word)} (1 in {len(found) // max(1, len(one_word))} hyphens; target at most 1 in 500)")
    print(f"kept with no evidence either way and a half that is no word (read them: compounds or splits?): "
          f"{len(unsure)}")
    print(f"joined: {sum(j for _, _, j in found)}; kept: {len(kept)} "
          f"(capitalised continuation {sum(1 for _, t in kept if t[:1].isupper())})")
    for name, rows in (("bad joins", bad_joins), ("kept, known joined", one_word), ("kept, unsure", unsure)):
        common = Counter(f"{h}-{t}" for h, t in rows).most_common(args.show)
        print(f"{name}: " + ", ".join(f"{w} ({n})" for w, n in common))


def bare(head: str) -> str:
    """The last part of a line's last word, without what precedes it (quote marks, a first hyphen)."""
    found = re.findall(r"[^\W\d_]+", head)
    return found[-1] if found else head

if __name__ == "__main__":
    main()
