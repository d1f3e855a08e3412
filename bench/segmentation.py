"""Paragraph boundary precision, recall and F1 of searchkit's segmentation against what a reader sees.

Usage: python bench/segmentation.py [SHARED_DIR]      (default: ../shared beside the repository)

The gold set, ``bench/gold/segmentation.json``, holds hand-checked paragraph starts (1-based line
numbers; lines end at ``\\n``, ``\\r\\n``, a lone ``\\r`` or a form feed) for documents of every layout in
``shared/corpora``: UN General Debate speeches of each era (numbered records, one paragraph per line,
hard-wrapped PDF text of 1992-2014, recent speeches), inaugural and State of the Union addresses, and
press-conference transcripts. Each entry says how its starts were decided ("how").

A boundary is the start of every paragraph but the first. A predicted paragraph starts at the line
holding the first character of a paragraph's text (its UN paragraph number included).

It also re-wraps the one-paragraph-per-line gold documents at 45, 60 and 78 characters (ragged line
lengths, as with proportional fonts; no blank line between paragraphs), where the truth is exact; checks
the UN paragraph numbers (``para_label``) of the numbered-era speeches in ``corpora/ungdc-sample``
(each should be the previous one plus one); and checks the speaker of every ``Q:``/``A:`` turn in the
press-conference JSONL (a question is the journalist's, an answer the spokesperson's named in the title).
"""

from __future__ import annotations

import bisect
import json
import random
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

from common import REPO, SHARED

sys.path.insert(0, str(REPO))

from searchkit.ingest.files import Document, read_file  # noqa: E402
from searchkit.ingest.lines import LINE_END  # noqa: E402
from searchkit.ingest.passages import paragraphs, split_document  # noqa: E402

GOLD = REPO / "bench" / "gold" / "segmentation.json"


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in LINE_END.finditer(text)]


def predicted_starts(text: str) -> set[int]:
    starts = line_starts(text)
    found = set()
    for para in paragraphs(text):
        offset = para.omap.to_doc(0)
        if para.label:  # the paragraph begins at its number, before the stripped label
            offset = text.rfind(para.label, 0, offset + 1)
        found.add(bisect.bisect_right(starts, offset))
    return found


def score(gold: set[int], predicted: set[int]) -> tuple[int, int, int]:
    """True positives, predicted boundaries, gold boundaries (the first paragraph is not a boundary)."""
    first = min(gold | predicted)
    gold, predicted = gold - {first}, predicted - {first}
    return len(gold & predicted), len(predicted), len(gold)


def load_texts(shared: Path, entries: list[dict]) -> list[str]:
    members = {e["member"] for e in entries if "member" in e}
    from_tar: dict[str, str] = {}
    if members:
        archive = shared / entries[[("member" in e) for e in entries].index(True)]["file"]
        with tarfile.open(archive) as tar:
            for info in tar:
                if info.name in members:
                    from_tar[info.name] = tar.extractfile(info).read().decode("utf-8-sig")
    return [from_tar[e["member"]] if "member" in e else (shared / e["file"]).read_bytes().decode("utf-8-sig")
            for e in entries]


def rewrap(text: str, gold: set[int], width: int, rng: random.Random) -> tuple[str, set[int], set[int]]:
    """The document's paragraphs hard-wrapped at ragged widths up to ``width``, their start lines, and
    the starts a reader can see (the line before leaves room for the next word under its own width)."""
    lines = [line.strip() for line in LINE_END.split(text)]
    paras: list[list[str]] = []
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        if number in gold or not paras:
            paras.append([])
        paras[-1].append(line)
    out: list[str] = []
    starts, visible = set(), set()
    limit = width
    for para in paras:
        first = para[0].split()[0] if para[0].split() else ""
        if not out or len(out[-1]) + 1 + len(first) <= limit:
            visible.add(len(out) + 1)
        starts.add(len(out) + 1)
        current = ""
        limit = width - rng.randint(0, 6)
        for word in " ".join(para).split():
            if current and len(current) + 1 + len(word) > limit:
                out.append(current)
                current, limit = word, width - rng.randint(0, 6)
            else:
                current = f"{current} {word}" if current else word
        out.append(current)
    return "\n".join(out) + "\n", starts, visible


def report(rows: dict[str, list[int]], title: str) -> None:
    print(f"\n{title}")
    print(f"{'corpus / era':44} {'docs':>4} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6}")
    total = [0, 0, 0, 0]
    for name, (docs, tp, npred, ngold) in sorted(rows.items()):
        print(f"{name:44} {docs:4} {ngold:5} " + figures(tp, npred, ngold))
        total = [a + b for a, b in zip(total, (docs, tp, npred, ngold))]
    print(f"{'all (micro)':44} {total[0]:4} {total[3]:5} " + figures(*total[1:]))


def figures(tp: int, npred: int, ngold: int) -> str:
    p = tp / npred if npred else 1.0
    r = tp / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"{p:6.3f} {r:6.3f} {f:6.3f}"


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else SHARED
    entries = json.loads(GOLD.read_text(encoding="utf-8"))
    texts = load_texts(shared, entries)
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    rewrapped: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    visible_only: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    rng = random.Random(3)
    misses = []
    for entry, text in zip(entries, texts):
        gold = set(entry["starts"])
        predicted = predicted_starts(text)
        tp, npred, ngold = score(gold, predicted)
        row = rows[f"{entry['corpus']} / {entry['era']}"]
        for i, value in enumerate((1, tp, npred, ngold)):
            row[i] += value
        if tp < max(npred, ngold):
            misses.append(f"  {Path(entry.get('member', entry['file'])).name}: "
                          f"missed {sorted(gold - predicted)[:8]} extra {sorted(predicted - gold)[:8]}")
        if entry["how"].startswith("every line"):
            score_rewrapped(entry["corpus"], text, gold, rng, rewrapped, visible_only)
    report(rows, "Paragraph boundaries against the hand-checked gold set")
    report(rewrapped, "One-paragraph-per-line documents re-wrapped at ragged widths, exact truth")
    report(visible_only, "The same, counting only the boundaries a reader can see (a paragraph whose last line"
                         " is full\nlooks like a line wrapped mid-paragraph)")
    if misses:
        print("\nDocuments with errors (line numbers):")
        print("\n".join(misses))
    check_labels(shared)
    check_speakers(shared)


def score_rewrapped(corpus: str, text: str, gold: set[int], rng: random.Random,
                    rewrapped: dict[str, list[int]], visible_only: dict[str, list[int]]) -> None:
    for width in (45, 60, 78):
        wrapped, truth, visible = rewrap(text, gold, width, rng)
        found = predicted_starts(wrapped)
        tp, npred, ngold = score(truth, found)
        seen, _, nvisible = score(visible, found)
        # A boundary found where the truth has one the reader cannot see is neither right nor wrong.
        for table, counts in ((rewrapped, (1, tp, npred, ngold)),
                              (visible_only, (1, seen, npred - tp + seen, nvisible))):
            for i, value in enumerate(counts):
                table[f"{corpus} at {width}"][i] += value


def check_labels(shared: Path) -> None:
    """UN record paragraph numbers: found, in sequence, and numbers left in the text."""
    found = in_order = left = paras = docs = 0
    for path in sorted((shared / "corpora" / "ungdc-sample").glob("Session 25 - */*.txt")):
        labels = [p.label for p in paragraphs(path.read_bytes().decode("utf-8-sig"))]
        numbers = [int(label) for label in labels if label]
        docs, paras, found = docs + 1, paras + len(labels), found + len(numbers)
        in_order += sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
        left += len(numbers) - 1 - sum(1 for a, b in zip(numbers, numbers[1:]) if b == a + 1)
    print(f"\nUN paragraph numbers (1970 session, {docs} speeches): {paras} paragraphs, {found} labelled; "
          f"{in_order} of {found - docs} labels follow the previous one plus one ({left} do not)")


def check_speakers(shared: Path) -> None:
    """Every Q:/A: turn of the press conferences: Q is the journalist's, A the spokesperson's."""
    path = shared / "corpora" / "china-mfa-presscon" / "china_mfa_presscon_2018-2020.jsonl"
    right = total = 0
    for doc in read_file(path, ""):
        if not isinstance(doc, Document):
            continue
        for passage in split_document(doc):
            marker = passage.text[:2]
            if marker in ("Q:", "A:"):
                total += 1
                expected = "journalist" if marker == "Q:" else doc.meta.get("speaker", "")
                right += passage.speaker == expected
    print(f"Press-conference turns ({path.name}): {right} of {total} Q:/A: paragraphs have the right speaker")


if __name__ == "__main__":
    main()
