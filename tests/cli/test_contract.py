"""The user-facing contract (CLI.md), command by command: every listed option exists and fits its mode, the
listed JSON keys in their order, the exit codes, errors as one stderr line with stdout clean.

Breadth only; what each option does is tested in the module that owns it. Most tests read one index,
built once for the module from the ``corpus`` fixture's files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchkit.cli.main import main
from tests.conftest import write_corpus

EXACT = "We oppose unilateral sanctions"
HIT_KEYS = ["rank", "score", "doc_id", "passage_id", "para", "para_label", "title", "date", "source", "path", "url",
            "kind", "speaker", "text", "spans", "doc_spans", "matched_forms", "char_start", "char_end", "page_start",
            "page_end", "citation", "turn", "question", "answers"]
CITE_KEYS = ["verdict", "similarity", "doc_id", "passage_id", "para", "para_label", "path", "line", "column",
             "char_start", "char_end", "page_start", "page_end", "quote", "title", "date", "source", "speaker", "url",
             "citation", "cross_paragraph", "diff", "editorial"]
PASSAGE_KEYS = ["doc_id", "passage_id", "para", "para_label", "path", "kind", "title", "date", "date_inferred", "year",
                "source", "place", "country", "speaker", "text", "char_start", "char_end"]
INDEX_KEYS = ["added", "updated", "removed", "unchanged", "skipped", "documents", "passages", "seconds"]
STATS_KEYS = ["documents", "passages", "sources", "index_bytes", "last_update"]


@pytest.fixture(scope="module")
def ix(tmp_path_factory) -> Path:
    """An index of the ``corpus`` files, with a query file, a quotation file and a draft beside it."""
    base = tmp_path_factory.mktemp("contract")
    write_corpus(base / "corpus")
    (base / "queries.tsv").write_text("q1\tlanes\nq2\tvaccines\n", encoding="utf-8")
    (base / "quotes.jsonl").write_text(json.dumps({"id": "a", "text": EXACT}) + "\n", encoding="utf-8")
    (base / "draft.txt").write_text(f"He said “{EXACT}” twice.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--index", str(base / "ix"), "index", str(base / "corpus")])
    assert result.exit_code == 0, result.stderr
    return base / "ix"


@pytest.fixture(scope="module")
def sk(ix: Path):
    """Run ``searchkit --index IX ARGS`` in the index's folder, so that file arguments are bare names."""
    runner = CliRunner()

    def invoke(*args: str, **kwargs):
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(ix.parent)
            return runner.invoke(main, ["--index", str(ix), *args], **kwargs)

    return invoke


def rows(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def one_error_line(result, start: str = "searchkit: ") -> bool:
    """Exit 2, nothing on stdout, one line on stderr (so no traceback) starting with ``start``."""
    return (result.exit_code, result.stdout, len(result.stderr.splitlines())) == (2, "", 1) \
        and result.stderr.startswith(start)


JSON, TEXT, ANY = "json", "text", "any"


@pytest.mark.parametrize("args, shape", [
    (["search", "lanes"], TEXT),
    (["search", "lanes", "-n", "1", "--page", "2"], TEXT),
    (["search", "lanes", "--json"], JSON),
    (["search", "lanes", "--format", "text"], TEXT),
    (["search", "lanes", "--format", "json"], JSON),
    (["search", "lanes", "--format", "jsonl"], JSON),
    (["search", "lanes", "--format", "csv"], ANY),
    (["search", "lanes", "--format", "html"], ANY),
    (["search", "lanes", "--color", "always"], TEXT),
    (["search", "lanes", "--color", "never"], TEXT),
    (["search", "lanes", "--color", "auto"], TEXT),
    (["search", "lanes", "--by-doc", "--sort", "date", "--all-kinds", "--json"], JSON),
    (["search", "lanes", "--sort", "score", "--explain"], ANY),
    (["search", "lanes", "--fragments", "1", "--width", "40"], TEXT),
    (["search", "lanes", "--full"], TEXT),
    (["search", "--", "-zzzz"], TEXT),  # a query that begins with "-" (here: everything without zzzz)
    (["search", "--batch", "queries.tsv"], JSON),
    (["search", "--batch", "queries.tsv", "--format", "jsonl", "-n", "1", "--by-doc"], JSON),
    (["search", "--batch", "queries.tsv", "--format", "json"], JSON),
    (["search", "--batch", "queries.tsv", "--format", "trec"], ANY),
    (["cite", EXACT], ANY),
    (["cite", EXACT, "--json"], JSON),
    *[(["cite", EXACT, "--style", style], ANY) for style in ("plain", "apa", "chicago", "bibtex", "csl-json")],
    (["cite", "--batch", "quotes.jsonl"], ANY),
    (["cite", "--batch", "quotes.jsonl", "--json"], JSON),
    (["cite", "--from", "draft.txt", "--json"], JSON),
    (["show", "pc-1#2"], ANY),
    (["show", "pc-1#2", "--context", "0", "--query", "sanctions", "--json"], JSON),
    (["show", "pc-1"], ANY),
    (["export"], JSON),
    (["export", "--format", "jsonl"], JSON),
    (["export", "--format", "json"], JSON),
    (["stats"], ANY),
    (["stats", "--json"], JSON),
    (["verify"], ANY),
    (["sources"], ANY),
])
def test_every_listed_command_and_option_runs(sk, args, shape):
    result = sk(*args)
    assert (result.exit_code, result.stderr) == (0, ""), args
    assert result.stdout.strip(), args
    if shape == JSON:
        assert all(isinstance(row, dict) for row in rows(result)), args
    elif shape == TEXT:
        assert re.match(r"\d+-\d+ of \d+ passages\n", result.stdout), args
        assert ("\x1b[" in result.stdout) == ("always" in args), args


def test_json_and_jsonl_are_the_same(sk):
    assert sk("search", "lanes", "--json").stdout == sk("search", "lanes", "--format", "jsonl").stdout
    assert sk("export", "--format", "json").stdout == sk("export").stdout
    batch = sk("search", "--batch", "queries.tsv").stdout
    assert batch == sk("search", "--batch", "queries.tsv", "--format", "json").stdout
    assert batch == sk("search", "--batch", "queries.tsv", "--json").stdout


@pytest.mark.parametrize("args, message", [
    # the mode decides what fits
    (["search"], "give a QUERY or --batch FILE"),
    (["search", "lanes", "--batch", "queries.tsv"], "give a QUERY or --batch FILE"),
    (["search", "--batch", "queries.tsv", "--format", "csv"], "--batch prints --format jsonl or trec, not csv"),
    (["search", "--batch", "queries.tsv", "--format", "text"], "--batch prints --format jsonl or trec, not text"),
    (["search", "--batch", "queries.tsv", "--page", "2"], "--page does not apply to --batch"),
    (["search", "--batch", "queries.tsv", "--full"], "--full does not apply to --batch"),
    (["search", "--batch", "queries.tsv", "--color", "never"], "--color does not apply to --batch"),
    (["search", "--batch", "queries.tsv", "--format", "trec", "--explain"], "--explain does not apply to --format trec"),
    (["cite"], "give one of QUOTE, --batch FILE or --from FILE"),
    (["cite", EXACT, "--from", "draft.txt"], "give one of QUOTE, --batch FILE or --from FILE"),
    (["show", "pc-1", "--context", "2"], "'pc-1' is a whole document, so --context does not apply"),
    (["show", "pc-1#2", "--json", "--color", "never"], "--color does not apply to --json"),
    (["index", "--rebuild", "--no-prune"], "--rebuild starts a fresh index, which has nothing to prune"),
    # usage errors are one line too, and say where the help is
    (["search", "lanes", "-n", "0"], "searchkit: invalid value for '-n'"),
    (["search", "lanes", "--page", "0"], "searchkit: invalid value for '--page'"),
    (["search", "lanes", "--colour", "never"], "searchkit: no such option '--colour'. Did you mean '--color'?"),
    (["search", "lanes", "--format", "xml"], "searchkit: invalid value for '--format'"),
    (["search", "lanes", "--sort", "size"], "searchkit: invalid value for '--sort'"),
    (["cite", EXACT, "--style", "mla"], "searchkit: invalid value for '--style'"),
    (["export", "--format", "csv"], "searchkit: invalid value for '--format'"),
    (["index", "--jobs", "0"], "searchkit: invalid value for '--jobs'"),
    (["show"], "searchkit: missing argument 'ID' (see searchkit show --help)"),
    (["stats", "extra"], "searchkit: got unexpected extra argument (extra) (see searchkit stats --help)"),
    (["nosuchcommand"], "searchkit: no such command 'nosuchcommand' (see searchkit --help)"),
])
def test_what_does_not_fit_exits_2_with_one_line(sk, args, message):
    result = sk(*args)
    assert one_error_line(result, message if message.startswith("searchkit: ") else f"searchkit: {message}"), \
        (args, result.exit_code, result.stdout, result.stderr)


def test_a_group_usage_error_is_one_line(run):
    assert one_error_line(run("--bogus"), "searchkit: no such option '--bogus' (see searchkit --help)")


def test_json_keys_in_the_listed_order(sk):
    hit = rows(sk("search", "lanes", "--json"))[0]
    assert list(hit) == HIT_KEYS
    assert hit["text"][slice(*hit["spans"][0])].lower() == "lanes"
    assert all(list(row) == HIT_KEYS + ["more"] for row in rows(sk("search", "lanes", "--by-doc", "--json")))
    exact = rows(sk("cite", EXACT, "--json"))
    assert [list(row) for row in exact] == [CITE_KEYS] and exact[0]["verdict"] == "exact"
    for args in (["--batch", "quotes.jsonl"], ["--from", "draft.txt"]):
        (row,) = rows(sk("cite", *args, "--json"))
        assert list(row) == CITE_KEYS + ["n", "id", "input"] and (row["n"], row["input"]) == (1, EXACT)
    # every passage field, in the listed order (export adds what it carries besides: url, sentences)
    assert all([k for k in row if k in PASSAGE_KEYS] == PASSAGE_KEYS for row in rows(sk("export")))
    stats = json.loads(sk("stats", "--json").stdout)
    assert list(stats) == STATS_KEYS and (stats["documents"], stats["passages"]) == (4, 8)
    assert isinstance(stats["sources"], list) and len(stats["sources"]) == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)", stats["last_update"])


@pytest.mark.parametrize("args, code, out", [
    (["search", "zeppelin"], 1, ""),
    (["search", "zeppelin", "--json"], 1, ""),
    (["search", "lanes", "--page", "9"], 1, ""),
    (["cite", "We oppose unilateral sanction", "--json"], 1, "near"),  # near is not exact
    (["cite", "zeppelins over the harbour", "--json"], 1, "none"),  # one object, even for nothing
    (["show", "pc-1#9"], 1, ""),
    (["show", "nosuchdoc"], 1, ""),
])
def test_nothing_found_exits_1(sk, args, code, out):
    result = sk(*args)
    assert result.exit_code == code, (args, result.stderr)
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 1
    if out:
        (row,) = rows(result)
        assert row["verdict"] == out
    else:
        assert result.stdout == ""


def test_batch_modes_exit_1_when_some_item_is_not_found(sk, tmp_path):
    queries = tmp_path / "q.tsv"
    queries.write_text("q1\tlanes\nq2\tzeppelin\n", encoding="utf-8")
    result = sk("search", "--batch", str(queries), "--format", "trec")
    assert (result.exit_code, result.stderr) == (1, "") and result.stdout.startswith("q1 Q0 ")
    quotes = tmp_path / "quotes.txt"
    quotes.write_text(f"{EXACT}\nWe oppose unilateral sanction\n", encoding="utf-8")
    result = sk("cite", "--batch", str(quotes), "--json")
    assert (result.exit_code, result.stderr) == (1, "")
    assert [(row["n"], row["verdict"]) for row in rows(result)] == [(1, "exact"), (2, "near")]


@pytest.mark.parametrize("args", [["search", "lanes"], ["search", "--batch", "q.tsv"], ["cite", EXACT], ["show", "a#1"],
                                  ["export"], ["stats", "--json"], ["verify"], ["sources"], ["sources", "--forget", "x"]])
def test_a_missing_index_exits_2_and_creates_nothing(run, tmp_path, args):
    (tmp_path / "q.tsv").write_text("q\tlanes\n", encoding="utf-8")
    args = [str(tmp_path / a) if a == "q.tsv" else a for a in args]
    result = run(*args)
    assert one_error_line(result, f"searchkit: no index at {tmp_path / 'ix'}; build one with: searchkit index PATH")
    assert not (tmp_path / "ix").exists()


def test_index_runs_and_their_exit_codes(run, corpus, tmp_path):
    first = run("index", str(corpus), "--json", "--jobs", "1")
    assert first.exit_code == 0 and list(json.loads(first.stdout)) == INDEX_KEYS
    again = run("index", "--json", "--no-prune")  # up to date: changes nothing, exits 0
    assert (again.exit_code, again.stderr) == (0, "")
    assert [json.loads(again.stdout)[k] for k in INDEX_KEYS[:-1]] == [0, 0, 0, 4, 0, 4, 8]
    rebuilt = run("index", "--rebuild", "--json")
    assert rebuilt.exit_code == 0 and json.loads(rebuilt.stdout)["added"] == 4
    (corpus / "lanes.txt").unlink()
    pruned = run("index", "--prune", "--json")
    assert pruned.exit_code == 0 and json.loads(pruned.stdout)["removed"] == 1
    forgot = run("sources", "--forget", str(corpus))
    assert (forgot.exit_code, forgot.stdout) == (0, "") and forgot.stderr.startswith(f"searchkit: forgot {corpus}")
    assert run("sources").stdout == ""
    assert one_error_line(run("index", str(tmp_path / "nowhere")), f"searchkit: {tmp_path / 'nowhere'}: no such file")


def test_index_dir_from_group_command_and_environment(corpus, tmp_path, monkeypatch):
    runner = CliRunner()
    env_ix, group_ix, command_ix = tmp_path / "env", tmp_path / "group", tmp_path / "cmd"
    assert runner.invoke(main, ["index", str(corpus)], env={"SEARCHKIT_INDEX": str(env_ix)}).exit_code == 0
    assert runner.invoke(main, ["--index", str(group_ix), "index", str(corpus / "bom.txt")]).exit_code == 0
    assert runner.invoke(main, ["index", "--index", str(command_ix), str(corpus / "pressers.jsonl")]).exit_code == 0
    monkeypatch.setenv("SEARCHKIT_INDEX", str(env_ix))
    for command in (["stats"], ["export"], ["verify"], ["sources"], ["search", "sanctions"], ["cite", EXACT],
                    ["show", "pc-1#2"]):
        assert runner.invoke(main, command).exit_code == 0, command  # $SEARCHKIT_INDEX
        # the command's --index wins over the group's (which holds bom.txt only)
        mine = runner.invoke(main, ["--index", str(group_ix), command[0], "--index", str(command_ix), *command[1:]])
        assert mine.exit_code == 0, command
    documents = lambda *args: json.loads(runner.invoke(main, [*args, "--json"]).stdout)["documents"]  # noqa: E731
    assert documents("stats") == 4
    assert documents("--index", str(group_ix), "stats") == 1
    assert documents("--index", str(group_ix), "stats", "--index", str(command_ix)) == 2


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and re.fullmatch(r"searchkit, version \d+\.\d+\.\S+\n", result.stdout)


def test_input_rules(run, tmp_path):
    """.txt in UTF-8, with a BOM or in a legacy encoding (said on stderr); JSONL ids and optional fields; doc_ids
    relative to the indexed root, stable across runs; a passage_id splits at its last '#'."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "plain.txt").write_text("Fisheries talks resumed.\n", encoding="utf-8")
    (root / "bom.txt").write_bytes("\ufeffRice exports grew.\r\n".encode("utf-8"))
    (root / "legacy.txt").write_bytes("Café diplomacy resumed.\n".encode("cp1252"))
    records = [{"id": "un#70", "text": "Peacekeeping matters.", "title": "Debate", "date": "2015-09",
                "source": "UN", "url": "https://un.org", "speaker": "A. Speaker", "country": "VNM", "lang": "en"},
               {"text": "no id"}, {"id": "t"},
               {"id": "w", "text": "Written down.", "date": "Nov. 9, 2020"}, {"id": "s", "text": "Soon.", "date": "soon"}]
    (root / "docs.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = run("index", str(root), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["skipped"] == 2
    notes = result.stderr.splitlines()
    assert any(n.startswith("searchkit: ") and "legacy.txt: not UTF-8, read as cp1252" in n for n in notes)
    assert [n for n in notes if "docs.jsonl:2" in n or "docs.jsonl:3" in n] and len(notes) == 3
    exported = rows(run("export"))
    assert sorted(r["passage_id"] for r in exported) == ["bom.txt#1", "legacy.txt#1", "s#1", "sub/plain.txt#1",
                                                         "un#70#1", "w#1"]
    by_id = {r["doc_id"]: r for r in exported}
    assert by_id["bom.txt"]["text"] == "Rice exports grew." and by_id["bom.txt"]["char_start"] == 0
    assert by_id["legacy.txt"]["text"] == "Café diplomacy resumed."
    un = by_id["un#70"]
    assert (un["title"], un["date"], un["year"], un["source"], un["speaker"], un["country"]) == \
        ("Debate", "2015-09", 2015, "UN", "A. Speaker", "VNM")
    # dates are YYYY-MM-DD or partial, however the JSONL wrote them; what is no date is dropped
    assert (by_id["w"]["date"], by_id["w"]["year"], by_id["s"]["date"], by_id["s"]["year"]) == ("2020-11-09", 2020, "", None)
    shown = run("show", "un#70#1", "--json")  # the doc_id holds a '#': split at the last one
    assert shown.exit_code == 0 and [r["doc_id"] for r in rows(shown)] == ["un#70"]
    assert run("index", str(root), "--json").exit_code == 0
    assert rows(run("export")) == exported  # stable across re-runs
