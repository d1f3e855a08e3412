"""How well and how fast searchkit reads published formats: pages, PDFs (issue 16's targets).

Indexes each folder of ../shared/corpora with the CLI (default --jobs), exports the passages and prints:
fmprc-html (body text against the reference extraction, menu text, titles, dates and Q/A speakers against
the JSONL), fed-speeches-html (mojibake, date, speaker), fomc-presconf-pdf (running headers and page numbers
in passages, every passage's page, a sample of turns to check by hand), unsc-drafts-pdf (furniture in
body passages, similarity to the reference text, ``Secretary-General`` split at a line end) and pages/s.

    nice python bench/formats.py            # all four folders
    nice python bench/formats.py --limit 50 # the first 50 files of each, while developing
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Optional

from common import CORPORA, REPO, percentile

sys.path.insert(0, str(REPO))
from searchkit.ingest.document import Document  # noqa: E402
from searchkit.ingest.passages import split_document  # noqa: E402

SEARCHKIT = [sys.executable, str(REPO / "bin" / "searchkit")]
SHOWN = ("body", "title")


CPU: dict[str, float] = {}  # CPU seconds of each --jobs 1 index run (workers' time is not counted to us)
SAMPLE_FILES = {"fmprc-html": 100, "fomc-presconf-pdf": 20, "txt": 100}


def index(folder: Path, files: list[str], work: Path, jobs: str = "") -> tuple[float, dict[str, list[dict]]]:
    """Seconds to index ``files`` of ``folder`` (linked into a fresh folder) and their passages by file."""
    src = work / f"{folder.name}{jobs}"
    src.mkdir()
    for name in files:
        (src / Path(name).name).symlink_to(folder / name)
    ix = work / f"ix-{src.name}"
    started, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run([*SEARCHKIT, "--index", str(ix), "index", str(src), "--json", *(["--jobs", jobs] if jobs else [])],
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if jobs:
        CPU[folder.name] = cpu_seconds() - cpu
        return seconds, {}
    out = subprocess.run([*SEARCHKIT, "--index", str(ix), "export"], check=True, capture_output=True, text=True).stdout
    by_file: dict[str, list[dict]] = defaultdict(list)
    for line in out.splitlines():
        row = json.loads(line)
        by_file[Path(row["path"]).name].append(row)
    return seconds, by_file


def cpu_seconds() -> float:
    """User and system time of the finished child processes (the index run, its workers included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def manifest(folder: Path) -> list[dict[str, str]]:
    with open(folder / "manifest.csv", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def fmprc(limit: int, work: Path) -> tuple[int, float]:
    folder = CORPORA / "fmprc-html"
    rows = [r for r in manifest(folder) if r["kind"] == "en-article"][:limit]
    seconds, got = index(folder, [r["file"] for r in rows], work)
    records = {}
    with open(CORPORA / "china-mfa-presscon" / "china_mfa_presscon_2018-2020.jsonl", encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            records[record["id"]] = record
    sims, menu, titles, dates, turns, turns_same = [], 0, 0, 0, 0, 0
    for row in rows:
        passages = got.get(Path(row["file"]).name, [])
        ref_file = CORPORA / "china-mfa-presscon" / row["text_in_china_mfa_presscon"]
        reference = ref_file.read_text(encoding="utf-8").split("\n\n", 1)[1]
        record = records["fmprc-" + Path(row["file"]).stem]
        body = [p["text"] for p in passages if p["kind"] in SHOWN and p["text"] != p["title"]]
        sims.append(similarity("\n".join(body), reference))
        page = folder / row["file"]
        menu += sum(1 for p in passages if p["kind"] == "body"
                    and is_chrome(p["text"], page, " ".join(reference.split())))
        titles += bool(passages) and passages[0]["title"] == record["title"]
        dates += bool(passages) and passages[0]["date"] == record["date"] or not record["date"]
        theirs = {p.text: p.speaker for p in split_document(Document(record["id"], "x.jsonl", record["text"], {
            k: str(record[k]) for k in ("title", "date", "speaker") if record.get(k)}))}
        for p in passages:
            if p["text"] in theirs:
                turns += 1
                turns_same += theirs[p["text"]] == p["speaker"]
    n = len(rows)
    print(f"fmprc-html: {n} pages; body vs reference median similarity {percentile(sims, 0.5):.4f}, "
          f"pages >= 0.95: {sum(s >= 0.95 for s in sims) / n:.1%}, min {min(sims):.3f}")
    print(f"  menu or language-bar text in body passages: {menu}; titles equal to the JSONL's: {titles}/{n}; "
          f"dates equal: {dates}/{n}; Q/A speakers as for the JSONL: {turns_same}/{turns} paragraphs")
    return n, seconds


_CHROME_CACHE: dict[Path, set[str]] = {}


def is_chrome(text: str, page: Path, reference: str) -> bool:
    """A passage that is (or holds) a line of the page that lies outside its article text."""
    if page not in _CHROME_CACHE:
        raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", page.read_text(encoding="utf-8", errors="replace"))
        import html

        lines = {" ".join(html.unescape(t).split()) for t in re.split(r"<[^>]+>", raw)}
        _CHROME_CACHE[page] = {t for t in lines if t and t not in reference}
    chrome = _CHROME_CACHE[page]
    return text in chrome or any(len(c.split()) >= 3 and c in text for c in chrome if c not in reference)


def title_date(title: str) -> Optional[str]:
    """The date a manifest's title ends with ("...-April 5, 2003"), as YYYY-MM-DD."""
    from datetime import datetime

    match = re.search(r"([A-Z][a-z]+ \d{1,2}, \d{4})\s*$", title)
    try:
        return datetime.strptime(match.group(1), "%B %d, %Y").strftime("%Y-%m-%d") if match else None
    except ValueError:
        return None


def fed(limit: int, work: Path) -> tuple[int, float]:
    folder = CORPORA / "fed-speeches-html"
    rows = manifest(folder)[:limit]
    seconds, got = index(folder, [r["file"] for r in rows], work)
    mojibake = dates = speakers = by_title = 0
    wrong = []
    for row in rows:
        passages = got.get(row["file"], [])
        mojibake += sum(1 for p in passages if "\ufffd" in p["text"] or "â€" in p["text"])
        # The manifest's date is the file name's, the day the page was posted; a title that names another
        # day (the speech's) is the right date for a citation.
        titled = title_date(row["title"])
        dated = passages[0]["date"] if passages else None
        dates += dated == row["date"] or (dated is not None and dated == titled)
        by_title += dated is not None and dated == titled != row["date"]
        surname = row["speaker_in_name"] or speech_surname(row["title"])
        ok = bool(passages) and bool(surname) and surname.lower() in passages[0]["speaker"].lower()
        speakers += ok
        if not ok:
            wrong.append(f"{row['file']}: {surname!r} vs {passages[0]['speaker'] if passages else None!r}")
    n = len(rows)
    print(f"fed-speeches-html: {n} pages; passages with mojibake (U+FFFD or â€): {mojibake}; dates right: "
          f"{dates}/{n} ({by_title} the day the manifest's title names, not its file name's); "
          f"speaker right: {speakers}/{n}" + (f" (wrong: {'; '.join(wrong[:5])})" if wrong else ""))
    return n, seconds


def speech_surname(title: str) -> str:
    """The speaker's surname in the page's title: "FRB: Speech, Greenspan -- ..." or "Speech by Governor X on"."""
    match = re.search(r"Speech, (\w+)|(?:Speech|Remarks|Testimony) by (?:Vice )?(?:Chair(?:man)?|Governor|Chair)"
                      r" (\w+)", title)
    return (match.group(1) or match.group(2)) if match else ""


def fomc(limit: int, work: Path) -> tuple[int, float]:
    folder = CORPORA / "fomc-presconf-pdf"
    rows = manifest(folder)[:limit]
    seconds, got = index(folder, [r["file"] for r in rows], work)
    furniture = re.compile(r"Page \d+ of \d+|Press ?Conference(?: Call)?\s+(?:FINAL|PRELIMINARY)")
    page_count = re.compile(r"\b(\d+) of (\d+)\b")  # "21 of 26" where 26 is the document's page count
    bad, pages_wrong, total = 0, 0, 0
    turns = []
    for row in rows:
        texts = page_texts(folder / row["file"])
        for p in got.get(row["file"], []):
            total += 1
            bad += bool(furniture.search(p["text"])) or any(
                int(b) == len(texts) and int(a) <= int(b) for a, b in page_count.findall(p["text"]))
            head, tail = bare(" ".join(p["text"].split()[:6])), bare(" ".join(p["text"].split()[-6:]))
            pages_wrong += not (p["page_start"] and on_page(head, texts, p["page_start"], True)
                                and on_page(tail, texts, p["page_end"], False))
            if re.match(r"[A-Z][A-Z.'’ -]+[.:] ", p["text"]):
                turns.append(p)
    pages = sum(int(r["pages"]) for r in rows)
    print(f"fomc-presconf-pdf: {len(rows)} PDFs, {pages} pages, {total} passages; with a running header or page "
          f"number: {bad}; on a page that does not hold them: {pages_wrong}")
    print("  turns to check by hand (speaker | opening):")
    for p in random.Random(16).sample(turns, min(20, len(turns))):
        print(f"    {p['speaker']} | {p['text'][:60]}")
    return pages, seconds


def page_texts(pdf: Path) -> list[str]:
    """Each page's letters and digits (hyphenation repaired or not, the passage is found in it)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    header = re.compile(r"(?m)^\s*(?:Page )?\d+ of \d+\s*$|[A-Z][a-z]+ \d{1,2}, \d{4}\s.{0,60}?Press ?Conference"
                        r"(?: Call)?\s+(?:FINAL|PRELIMINARY)")
    return [bare(header.sub("", page.get_textpage().get_text_range())) for page in document]


def on_page(words: str, texts: list[str], page: int, starts: bool) -> bool:
    """Whether ``words`` start (or end) on ``page``: they may run over from or onto the page next to it."""
    if words in texts[page - 1]:
        return True
    if starts:
        both = texts[page - 1] + (texts[page] if page < len(texts) else "")
        return -1 < both.find(words) < len(texts[page - 1])
    before = texts[page - 2] if page > 1 else ""
    found = (before + texts[page - 1]).find(words)
    return found > -1 and found + len(words) > len(before)


def bare(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def unsc(limit: int, work: Path) -> tuple[int, float]:
    folder = CORPORA / "unsc-drafts-pdf"
    rows = manifest(folder)[:limit]
    seconds, got = index(folder, [r["file"] for r in rows], work)
    furniture = re.compile(r"\b\d{2}-\d{5}\b|\*\d{7,8}\*|Distr\.: |Original: |^\d{1,3}/\d{1,3}$|^S/\d{4}/\d+$")
    bad, sims, split, whole = 0, [], 0, 0
    for row in rows:
        passages = got.get(row["file"], [])
        body = [p["text"] for p in passages if p["kind"] == "body"]
        bad += sum(1 for t in body if furniture.search(t))
        ref = json.loads((folder / row["reference_json"]).read_text(encoding="utf-8"))["Content"]
        sims.append(similarity("\n".join(p["text"] for p in passages if p["kind"] in SHOWN), ref))
        text = " ".join(body)
        split += len(re.findall(r"Secretary- General|SecretaryGeneral", text))
        whole += text.count("Secretary-General")
    pages = sum(int(r["pages"]) for r in rows)
    print(f"unsc-drafts-pdf: {len(rows)} PDFs, {pages} pages; body passages holding header or furniture text: {bad}; "
          f"median similarity to the reference {percentile(sims, 0.5):.4f} (min {min(sims):.3f}); "
          f"Secretary-General whole {whole}, split {split}")
    return pages, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=100000, help="files of each folder (default: all)")
    args = parser.parse_args()
    if not CORPORA.is_dir():
        sys.exit(f"{CORPORA}: not found; this bench reads the shared corpora")
    print(f"searchkit index with the default --jobs ({len(os.sched_getaffinity(0))} CPUs)")
    work = Path(tempfile.mkdtemp(prefix="formats-"))
    try:
        html = [fmprc(args.limit, work), fed(args.limit, work)]
        pdf = [fomc(args.limit, work), unsc(args.limit, work)]
        baseline = text_baseline(args.limit, work)
        costs = cpu_costs(args.limit, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name, runs in (("HTML", html), ("PDF", pdf)):
        pages, seconds = sum(r[0] for r in runs), sum(r[1] for r in runs)
        print(f"speed: {name} {pages} pages in {seconds:.1f} s = {pages / seconds:.1f} pages/s (whole index runs, "
              "start-up and commit included)")
    print(f"  the same press conferences as .txt (china-mfa-presscon/txt): {baseline[0]} in {baseline[1]:.1f} s "
          f"= {baseline[0] / baseline[1]:.1f} documents/s")
    for name, (units, cpu) in costs.items():
        print(f"CPU cost, --jobs 1: {name} {units} in {cpu:.1f} CPU s = {units / cpu:.1f} per CPU second")


def cpu_costs(limit: int, work: Path) -> dict[str, tuple[int, float]]:
    """CPU seconds of one-process index runs over a sample of each kind (a shared machine's wall time
    says little): fmprc pages, FOMC PDF pages, and the fmprc pages' reference text as .txt."""
    out = {}
    pages = [r for r in manifest(CORPORA / "fmprc-html") if r["kind"] == "en-article"][:min(limit, 100)]
    index(CORPORA / "fmprc-html", [r["file"] for r in pages], work, "1")
    out["fmprc-html pages"] = (len(pages), CPU["fmprc-html"])
    pdfs = manifest(CORPORA / "fomc-presconf-pdf")[:min(limit, 20)]
    index(CORPORA / "fomc-presconf-pdf", [r["file"] for r in pdfs], work, "1")
    out["fomc-presconf-pdf pages"] = (sum(int(r["pages"]) for r in pdfs), CPU["fomc-presconf-pdf"])
    texts = [r["text_in_china_mfa_presscon"] for r in pages]
    index(CORPORA / "china-mfa-presscon", texts, work, "1")
    out["the same fmprc documents as .txt"] = (len(texts), CPU["china-mfa-presscon"])
    return out


def text_baseline(limit: int, work: Path) -> tuple[int, float]:
    """The fmprc pages' reference text as .txt files, indexed the same way: what reading pages adds."""
    folder = CORPORA / "china-mfa-presscon" / "txt"
    files = sorted(p.name for p in folder.glob("*.txt"))[:limit]
    seconds, _ = index(folder, files, work)
    return len(files), seconds


if __name__ == "__main__":
    main()
