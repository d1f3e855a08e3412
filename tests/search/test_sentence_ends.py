"""A phrase never matches across a sentence end, in the index or in the highlight."""

from __future__ import annotations

import json

from searchkit.highlight.spans import Matchers, spans_for


def test_a_quoted_phrase_does_not_run_across_a_sentence_end(run, tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("We thank the United Nations. On Security Council reform we differ.\n",
                                encoding="utf-8")
    (root / "b.txt").write_text("The United Nations Security Council met today.\n", encoding="utf-8")
    run("index", str(root))
    hits = [json.loads(line) for line in run("search", '"United Nations Security Council"', "--json").stdout.splitlines()]
    assert [h["doc_id"] for h in hits] == ["b.txt"]
    assert [h["text"][s:e] for h in hits for s, e in h["spans"]] == ["United Nations Security Council"]
    stops = [json.loads(line)["doc_id"] for line in run("search", '"Nations On Security"', "--json").stdout.splitlines()]
    assert stops == ["b.txt"]  # a stop word takes no position; a sentence end does


def test_the_highlight_stops_at_a_sentence_end():
    text = "We thank the United Nations. On Security Council reform we differ."
    matchers = Matchers(phrases=[["unit", "nation", "secur", "council"]])
    assert spans_for(text, matchers) == [(13, 48)]  # without the sentence ends, as before
    assert spans_for(text, matchers, [29]) == []
