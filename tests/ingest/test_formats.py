"""Pages, PDFs and Word files read into passages: main text only, paragraphs, pages, speakers, metadata."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from searchkit.ingest.files import read_file
from searchkit.ingest.passages import split_document
from tests.ingest.makers import page_of, pdf_bytes, write

HEADER = "March 15, 2020 Chair Powell's Press Conference FINAL"
OPENING = ("CHAIR POWELL. Good afternoon. Today the Committee decided to keep the rate where it was, and we will "
           "keep watching the data as it comes in over the months ahead and report to the Secretary-")


def passages(path: Path):
    items = list(read_file(path, path.name))
    assert len(items) == 1 and hasattr(items[0], "text"), items
    return split_document(items[0])


def transcript(tmp_path: Path) -> Path:
    first = page_of([OPENING], header=HEADER, number=1)
    first.append((72, first[-2][1] - 14, 11, "General on what the coopera-"))
    first.append((72, first[-2][1] - 28, 11, "tion of the banks has brought about in this cooperation"))
    second = page_of(["JOHN SMITH. Thank you. Could you say more about the balance sheet and the pace of runoff?",
                      "CHAIR POWELL. We will slow the pace of runoff when reserves approach ample levels."],
                     header=HEADER, number=2)
    return write(tmp_path / "presser.pdf", pdf_bytes([first, second], title="Transcript of a Press Conference"))


def test_a_pdf_transcript_drops_page_furniture_and_knows_pages_and_speakers(tmp_path):
    got = passages(transcript(tmp_path))
    assert [(p.speaker, p.page_start, p.page_end, p.text[:14]) for p in got] == [
        ("Chair Powell", 1, 1, "CHAIR POWELL. "),
        ("John Smith", 2, 2, "JOHN SMITH. Th"),
        ("Chair Powell", 2, 2, "CHAIR POWELL. "),
    ]
    assert not any("Page" in p.text or "FINAL" in p.text for p in got)
    assert "the Secretary-General on what the cooperation of the banks" in got[0].text
    assert got[0].title == "Transcript of a Press Conference" and got[0].date == "2020-03-15"


def test_a_paragraph_across_a_page_break_runs_over_both_pages(tmp_path):
    first = page_of(["The outlook remains uncertain and we will watch incoming data closely. " * 3], number=1, top=120)
    second = [(72, 700, 11, "and the Committee will act as appropriate."), (72, 686, 11, "A new paragraph.")]
    second += page_of([], number=2)
    got = passages(write(tmp_path / "two.pdf", pdf_bytes([first, second])))
    assert [(p.page_start, p.page_end, p.text[-20:]) for p in got] == [
        (1, 2, " act as appropriate."), (2, 2, "A new paragraph.")]


def test_un_header_block_is_furniture_and_the_symbol_a_field(tmp_path):
    page = [(72, 740, 10, "United Nations S/2018/221"), (72, 715, 14, "Security Council Distr.: General"),
            (400, 700, 9, "15 March 2018"), (400, 680, 9, "Original: English"), (66, 44, 8, "18-04038 (E) 160318"),
            (66, 30, 12, "*1804038*")]
    page += page_of(["Recalling its previous resolutions on the situation in South Sudan, and the role of the "
                     "Secretary-General in reporting on them,", "Decides to extend the mandate until 30 April 2019;"],
                    top=600)
    got = passages(write(tmp_path / "S_2018_221.pdf", pdf_bytes([page])))
    assert [p.text[:9] for p in got if p.kind == "body"] == ["Recalling", "Decides t"]
    assert {p.symbol for p in got} == {"S/2018/221"} and got[0].date == "2018-03-15"


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Statement on trade | Ministry</title>
<link rel="canonical" href="https://example.org/statements/trade.html">
<meta property="article:published_time" content="2021-04-06"><meta name="author" content="Jane Doe"></head>
<body><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/about">About us</a></li>
</ul></nav><div class="lang"><a>English</a> <a>Français</a> <a>Español</a> <a>中文</a></div>
<article><h1>Statement on trade</h1>
<p>The ministry welcomes the agreement reached today on the reduction of tariffs between the two countries.</p>
<p>Q: What does it mean for exporters of rice and coffee in the coming season?</p>
<p>A: Exporters will pay lower duties from the first of next month, as the agreement sets out.<sup>1</sup></p>
<h2>Notes</h2><p>1. The agreement was signed in Geneva by both ministers.</p></article>
<footer><a href="/share">Share</a> <a href="/print">Print</a> Copyright 2021 Ministry</footer></body></html>"""


def test_a_web_page_gives_its_main_text_metadata_and_notes(tmp_path):
    got = passages(write(tmp_path / "trade.html", PAGE.encode("utf-8")))
    body = [p.text for p in got if p.kind == "body"]
    assert body[0].startswith("The ministry welcomes") and len(body) == 3
    assert not any(w in " ".join(p.text for p in got) for w in ("Home", "Français", "Copyright"))
    assert [p.text for p in got if p.kind == "note"] == ["1. The agreement was signed in Geneva by both ministers."]
    first = got[0]
    assert (first.title, first.date, first.url) == ("Statement on trade", "2021-04-06",
                                                   "https://example.org/statements/trade.html")
    assert [p.speaker for p in got if p.text.startswith(("Q:", "A:"))] == ["journalist", "Jane Doe"]


@pytest.mark.parametrize("images, expected", [
    (["W020180920821490923063.jpg", "W020180920821490951624.jpg"], "2018-09-20"),  # uploaded that day
    (["/webpic/W0201809/W020180922/W020180922012.jpg", "W020180922013.jpg"], "2018-09-20"),  # two days after
    (["/images/P020170918587211901157.png"], "2014-09-20"),  # one logo is no evidence: the page's own date
])
def test_a_title_without_a_year_takes_the_year_of_the_pages_dated_files(tmp_path, images, expected):
    figures = "".join(f'<p><img src="{src}"/></p>' for src in images)
    page = (f"<html><head><title>Regular Press Conference on September 20</title></head><body><div>"
            f"<p>Q: What is your comment on the talks held this week between the two sides?</p>{figures}"
            "<p>A: We welcome the talks, and hope both sides keep up the momentum of dialogue.</p>"
            "</div><footer>Copyright 2014 Ministry of Foreign Affairs</footer></body></html>")
    assert passages(write(tmp_path / "t1.html", page.encode("utf-8")))[0].date == expected


def test_a_western_page_without_a_charset_is_read_as_windows_1252_without_a_guess(monkeypatch):
    import charset_normalizer

    from searchkit.ingest.html import decode_page

    def no_guess(data):
        raise AssertionError("the detector was asked")

    monkeypatch.setattr(charset_normalizer, "from_bytes", no_guess)
    page = (b"<html><title>Remarks\x97Bernanke</title><p>With thanks to Andr\xe9 Minella for comments. "
            + b"Inflation targeting is a framework for monetary policy that many central banks use. " * 4 + b"</p>")
    assert decode_page(page) == (page.decode("cp1252"), "cp1252")


def test_a_windows_1252_page_without_a_charset_has_no_mojibake(tmp_path):
    html = ("<html><head><title>Remarks</title></head><body><table><tr><td><p>The Committee\x92s view is "
            "that \x93price stability\x94 comes first \x96 always, as we have said many times before.</p>"
            "<p>Second paragraph of the remarks, with more words in it so that it counts as text.</p>"
            "</td></tr></table></body></html>").encode("latin-1")
    text = " ".join(p.text for p in passages(write(tmp_path / "old.htm", html)))
    assert "Committee’s view is that “price stability” comes first – always" in text
    assert "\ufffd" not in text and "â€" not in text


def test_a_word_file_reads_paragraphs_tables_and_the_symbol_in_its_header(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "A/80/6 (Sect. 3)"
    document.add_heading("Political affairs", level=1)
    document.add_paragraph("The mission will continue to support the political process and national dialogue.")
    table = document.add_table(rows=2, cols=2)
    for row, (a, b) in zip(table.rows, [("Posts", "2026"), ("Professional", "12")]):
        row.cells[0].text, row.cells[1].text = a, b
    document.save(tmp_path / "sect3.docx")
    got = passages(tmp_path / "sect3.docx")
    assert [(p.kind, p.text) for p in got] == [
        ("title", "Political affairs"),
        ("body", "The mission will continue to support the political process and national dialogue."),
        ("body", "Posts | 2026"), ("body", "Professional | 12"),
    ]
    assert {p.symbol for p in got} == {"A/80/6 (Sect. 3)"}


def test_a_folder_of_formats_indexes_each_and_names_the_bad_and_the_unread(run, tmp_path):
    root = tmp_path / "docs"
    transcript(root)
    write(root / "trade.html", PAGE.encode("utf-8"))
    write(root / "readme.md", b"# Notes\n\nThe rice harvest grew this year.\n")
    write(root / "broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    write(root / "fake.docx", b"this is not a zip file")
    write(root / "photo.png", b"\x89PNG\r\n\x1a\n")
    result = run("index", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"searchkit: skipped {root}/broken.pdf: is not a readable PDF (damaged or cut short); download or export "
        "it again",
        f"searchkit: skipped {root}/fake.docx: is not a Word file (not a .docx zip package); open it in Word or "
        "LibreOffice and save it as .docx again",
        f"searchkit: skipped {root}/photo.png: .png is not a format searchkit reads (.txt, .md, .jsonl, .html, .htm,"
        " .pdf, .docx)",
    ]
    assert json.loads(result.stdout)["added"] == 3
    hit = json.loads(run("search", "pace of runoff", "--json").stdout.splitlines()[0])
    assert (hit["page_start"], hit["page_end"], hit["speaker"]) == (2, 2, "Chair Powell")
    cited = run("cite", "we will slow the pace of runoff")
    assert cited.exit_code == 0 and f"{root}/presser.pdf p. 2" in cited.stdout
    assert "p. 2, para. 3" in cited.stdout
    shown = run("show", hit["passage_id"]).stdout
    assert "presser.pdf p. 2" in shown
    web = json.loads(run("cite", "lower duties from the first of next month", "--json").stdout)
    assert web["url"] == "https://example.org/statements/trade.html" and web["line"] is None


def test_an_encrypted_pdf_is_one_line_and_the_rest_is_indexed(run, tmp_path):
    pypdf = pytest.importorskip("pypdf", reason="pypdf writes the encrypted PDF of this test")
    root = tmp_path / "docs"
    plain = transcript(root)
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(plain.read_bytes()))
    writer.encrypt("secret")
    with open(root / "locked.pdf", "wb") as out:
        writer.write(out)
    result = run("index", str(root), "--json")
    assert result.stderr.splitlines() == [f"searchkit: skipped {root}/locked.pdf: is encrypted (it needs a password); "
                                          "save an unprotected copy to index it"]
    assert json.loads(result.stdout)["added"] == 1


def test_a_scan_is_named_in_the_summary_not_indexed_empty(run, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)  # as on a machine without Tesseract
    scan = write(tmp_path / "docs" / "scan.pdf", pdf_bytes([[(72, 700, 11, "")]]))
    result = run("index", str(scan.parent))
    assert "1 scanned PDF(s) without a text layer not indexed" in result.stdout
    assert result.stdout.rstrip().endswith("docs/scan.pdf") and result.exit_code != 0


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed (apt-get install "
                    "tesseract-ocr); OCR of scans is not tested")
def test_a_scan_is_read_with_ocr_when_tesseract_is_there(tmp_path):
    pytest.importorskip("PIL", reason="the ocr extra (Pillow) is not installed")
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1700, 600), "white")
    ImageDraw.Draw(image).text((100, 200), "The Security Council decides to remain seized of the matter.",
                               fill="black", font=ImageFont.load_default(size=48))
    pdf = tmp_path / "scan.pdf"
    image.save(pdf, "PDF", resolution=200)
    got = passages(pdf)
    assert got[0].ocr and "remain seized" in " ".join(p.text for p in got)


def test_a_two_column_page_reads_each_column_down_and_joins_lines_across_columns(tmp_path):
    left = ["The Assembly met to consider the report of", "the committee on the budget and heard the",
            "delegates of many regions speak about it at", "length, and of some of the smaller states on",
            "the method of the scale, and at last it had", "the figures of the reply of the Office of the"]
    right = ["Controller on the figures it had asked for,", "which he gave at once and in full detail to",
             "all of the delegations present that day."]
    lines = [(50 + (18 if k == 0 else 0), 700 - 14 * k, 10, row) for k, row in enumerate(left)]
    lines += [(320, 700 - 14 * k, 10, row) for k, row in enumerate(right)]
    lines += [(338, 700 - 14 * len(right), 10, "A new paragraph in the right column starts here and it goes on"),
              (320, 686 - 14 * len(right), 10, "to the end of the page.")]
    got = passages(write(tmp_path / "cols.pdf", pdf_bytes([lines])))
    assert [p.text for p in got] == [" ".join(left + right), "A new paragraph in the right column starts here and "
                                     "it goes on to the end of the page."]


def test_published_formats_reindex_incrementally_verify_and_export(run, tmp_path):
    root = tmp_path / "docs"
    transcript(root)
    page = write(root / "trade.html", PAGE.encode("utf-8"))
    assert json.loads(run("index", str(root), "--json").stdout)["added"] == 2
    again = json.loads(run("index", "--json").stdout)
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 2)
    page.write_bytes(PAGE.replace("rice and coffee", "rice and tea").encode("utf-8"))
    changed = json.loads(run("index", "--json").stdout)
    assert (changed["updated"], changed["unchanged"]) == (1, 1)
    assert run("verify").exit_code == 0
    rows = [json.loads(line) for line in run("export").stdout.splitlines()]
    pdf = [r for r in rows if r["path"].endswith(".pdf")]
    assert {(r["page_start"], r["page_end"]) for r in pdf} == {(1, 1), (2, 2)}
    assert any("rice and tea" in r["text"] for r in rows) and not any("coffee" in r["text"] for r in rows)


def test_symbol_finds_a_document_by_its_un_symbol_in_any_case_and_the_ones_under_it(run, tmp_path):
    records = [{"id": "a", "text": "The Council decides to renew the mandate.", "symbol": "S/2018/221"},
               {"id": "b", "text": "The Council decides to renew the mandate.", "symbol": "A/80/6 (Sect. 3)"},
               {"id": "c", "text": "The Council decides to renew the mandate.", "symbol": "A/80/60"}]
    write(tmp_path / "docs" / "un.jsonl", "\n".join(json.dumps(r) for r in records).encode("utf-8"))
    assert run("index", str(tmp_path / "docs")).exit_code == 0

    def found(query: str) -> list[str]:
        return sorted(json.loads(line)["doc_id"] for line in run("search", query, "--json").stdout.splitlines())

    assert found("mandate symbol:s/2018/221") == ["a"]
    assert found("mandate symbol:A/80/6") == ["b"]
    assert found('symbol:"A/80/6 (Sect. 3)"') == ["b"]
