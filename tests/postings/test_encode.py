"""The fast indexing paths write exactly what Whoosh's own would: the lean analyzer and the grouped pool."""

from __future__ import annotations

from pathlib import Path

from whoosh.analysis import (
    IntraWordFilter,
    LowercaseFilter,
    RegexTokenizer,
    StandardAnalyzer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import KEYWORD, NUMERIC, TEXT

from searchkit.analysis.words import word_chain
from searchkit.postings.encode import index_field, same_as_whoosh
from searchkit.postings.pool import TermPool
from searchkit.postings.schema import make_schema
from searchkit.store.store import Store
from tests.conftest import SEEDS

TEXTS = [
    "Việt Nam’s fast lanes, cooperating on A/RES/70/1 — the COVID-19 pandemic",
    "The the THE of and to: a stop-word run, then words; then the same words again words words",
    "Naïve façade Æsir Straße ﬁnance İstanbul ½ ², snake_case and 3.14",
    "", "   ", "—", "a", "of the",
    "Mr. President, 33: May I first... congratulate you. \u00a0Non-breaking\u2009thin spaces\r\nand lines",
]


def seed_texts() -> list[str]:
    return [p for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]


def test_every_field_of_the_schema_indexes_as_whoosh_does():
    schema = make_schema()
    for name in schema.names():
        field = schema[name]
        if not field.indexed:
            continue
        values = [1, 7, 1985, 2024, 0] if isinstance(field, NUMERIC) else TEXTS + seed_texts()
        values = [v for v in values if not isinstance(v, str) or v.strip()] if not isinstance(field, NUMERIC) else values
        for value in values:
            assert index_field(field, value) == list(field.index(value)), (name, value)


def test_a_chain_it_does_not_know_goes_through_whoosh():
    assert word_chain(RegexTokenizer(r"\w+") | StemFilter() | StopFilter()) is None  # stems before stopping
    assert word_chain(RegexTokenizer(r"\w+") | IntraWordFilter()) is None
    field = KEYWORD()
    assert index_field(field, "a b a") == list(field.index("a b a"))
    known = TEXT(analyzer=RegexTokenizer(r"\w+") | LowercaseFilter() | StopFilter(renumber=False))
    assert word_chain(known.analyzer) is not None
    assert same_as_whoosh(known, TEXTS + seed_texts())
    standard = TEXT(analyzer=StandardAnalyzer())  # a pattern with a group, stop words of 2+ letters
    assert word_chain(standard.analyzer) is not None and same_as_whoosh(standard, TEXTS + seed_texts())


def test_a_tokenizer_hint_is_found_in_every_value_the_tokenizer_finds_a_token_in():
    import random
    import re

    from searchkit.analysis.chain import ACRONYM_ANALYZER
    from searchkit.analysis.words import HINTS

    rng = random.Random(8)
    alphabet = "AZÉÞ×ØaszßİΣ0٣9 s-_.'\n"  # capitals at the class edges, digits of two scripts, word edges
    values = ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(50_000)]
    for pattern, hint in HINTS.items():
        full = re.compile(pattern)
        assert all(hint.search(v) for v in values if full.search(v))
    caps = TEXT(analyzer=ACRONYM_ANALYZER, phrase=False)
    assert sum(1 for v in values if ACRONYM_ANALYZER.expression.search(v)) > 1_000  # the values do hold some
    assert same_as_whoosh(caps, values + TEXTS + seed_texts())


def dump(directory: Path) -> tuple[list, list]:
    reader = Store.open(directory).ix.reader()
    postings = []
    for fieldname, text in reader.all_terms():
        info = reader.term_info(fieldname, text)
        matcher = reader.postings(fieldname, text)
        rows = []
        while matcher.is_active():
            rows.append((matcher.id(), matcher.weight(), matcher.value(), matcher.block_max_weight()))
            matcher.next()
        postings.append((fieldname, text, info.weight(), info.doc_frequency(), info.min_length(),
                         info.max_length(), info.max_weight(), rows))
    stored = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
    reader.close()
    return postings, stored


def segment_parts(directory: Path) -> dict[str, bytes]:
    """The bytes of every part of every segment (postings, terms, columns), by segment number and part."""
    store = Store.open(directory)
    parts = {}
    for number, segment in enumerate(store.ix._toc.segments):
        compound = segment.open_compound_file(store.ix.storage)
        for name in compound.list():
            with compound.open_file(name) as part:
                parts[f"{number}{name[name.index('.'):]}"] = part.read()
        compound.close()
    return parts


def test_the_grouped_pool_writes_the_segment_whoosh_writes(run, tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(30):  # "treaty" in 300 passages: posting lists of several blocks (128 postings a block)
        paras = [f"Treaty note {n}"] + [f"The treaty of {n} and {k}: fisheries, trade {k * n}." for k in range(10)]
        (corpus / f"note{n}.txt").write_text("\n\n".join(paras) + "\n", encoding="utf-8")
    fast, plain = tmp_path / "fast", tmp_path / "plain"
    for ix in (fast, plain):
        if ix == plain:
            from whoosh.writing import PostingPool

            import searchkit.store.commits

            monkeypatch.setattr(searchkit.store.commits, "TermPool", PostingPool)  # the Writer lives in commits.py
        assert run("index", str(SEEDS), str(corpus), index=ix).exit_code == 0
    assert dump(fast) == dump(plain)
    ours = segment_parts(fast)
    assert ours.pop("0.phr").startswith(b"SKPHR3")  # the phrase file is ours alone: Whoosh writes none
    assert ours == segment_parts(plain)


def test_past_its_budget_the_pool_spills_to_whoosh_runs_and_still_sorts(tmp_path):
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(tmp_path)).create()
    pool = TermPool(storage, None, limitmb=1)
    pool.limit = 3 * 20 + 2 * 400  # three postings of two terms: the fourth spills
    items = [("text", b"b", 0, 1.0, b"x"), ("text", b"a", 0, 1.0, None), ("id", b"z", 1, 1.0, b""),
             ("text", b"b", 1, 2.0, b"y"), ("text", b"a", 2, 1.0, None), ("id", b"y", 2, 1.0, b"")]
    for item in items:
        pool.add(item)
    assert pool.runs and pool.by_field() is None  # spilled: the fast flush stands aside
    # A missing value comes back empty (the postings writer stores neither)
    expected = [(f, t, d, w, v or b"") for f, t, d, w, v in sorted(items, key=lambda i: (i[0], i[1], i[2]))]
    assert list(pool.iter_postings()) == expected
