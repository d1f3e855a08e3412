""""Did you mean": a better-known spelling for query words the index hardly has.

The index holds stems, not words, so corrections are made on the word as typed: every spelling one edit
away is stemmed and looked up, and the one whose stem is most frequent wins ("goverment" -> "government").
Failing that, stems two edits away are tried and shown as a word a passage actually uses.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator, Optional

from searchkit.analysis.chain import ANALYZER, terms
from searchkit.postings.readers import Postings
from searchkit.query import limits
from searchkit.query.tree import MUST_NOT, Alias, Group, Node, Words

RARE = 2  # a word found in at most this many passages may be misspelt
BETTER = 5  # a correction must be this many times more frequent
LONGEST = 30  # letters: a longer word is no misspelling, and its edits (54 a letter) would each be looked up


def typed_words(node: Node) -> Iterator[Words]:
    if isinstance(node, Group):
        for occur, child in node.clauses:
            if occur != MUST_NOT:
                yield from typed_words(child)
    elif isinstance(node, Words) and not node.exact and len(node.terms) == 1:
        yield node


def edits(word: str) -> set[str]:
    """Spellings one deletion, transposition, replacement or insertion away (Norvig's)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters})


def correction(post: Postings, word: str, term: str) -> Optional[str]:
    """A spelling of ``word`` whose stem the index holds much more often than ``term``, or None.

    Misspellings rarely get the first letter wrong, so candidates keep it (as most spellers assume)."""
    df = post.doc_frequency("text", term)
    word = word.lower()
    if df > RARE or not word.isalpha() or len(word) > LONGEST:
        return None
    best, best_df = None, max(BETTER * df, 1)
    for candidate in edits(word):
        stems = terms(candidate) if candidate[:1] == word[:1] else []
        found = post.doc_frequency("text", stems[0]) if len(stems) == 1 else 0
        if found > best_df or (found == best_df and best is None):
            best, best_df = stems[0], found
    if best is None and len(term) > 4:
        within = post.reader.terms_within("text", term, 2, prefix=1)
        near = [t.decode("utf-8") if isinstance(t, bytes) else t for t in within]
        near = [t for t in near if post.doc_frequency("text", t) >= max(BETTER * df, 1)]
        best = max(near, key=lambda t: (post.doc_frequency("text", t), t)) if near else None
    return surface(post, best, word) if best else None


def surface(post: Postings, stem: str, typed: str, sample: int = 50) -> str:
    """The word that passages holding ``stem`` use closest to what was typed (lower case; a sample of them)."""
    forms: Counter[str] = Counter()
    seen = 0
    for ids, _ in post.blocks("text", stem):
        for docnum in ids[: sample - seen]:
            text = post.searcher.stored_fields(docnum).get("text", "")
            forms.update(text[t.startchar : t.endchar].lower() for t in ANALYZER(text, chars=True) if t.text == stem)
        seen += len(ids)
        if seen >= sample:
            break
    if not forms:
        return stem
    return min(forms, key=lambda f: (distance(f, typed), -forms[f], f))


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def suggestion(post: Postings, tree: Group, text: str, budget: Optional[limits.Budget] = None) -> Optional[str]:
    """``text`` with its rare words replaced by frequent near spellings, or None when none is better.

    Each word costs a few thousand look-ups, so only words of up to ``edit_chars`` letters are spelled,
    the first ``suggested_words`` of them, while time is left."""
    budget = budget or limits.current()
    bounds = budget.limits
    changed = text
    spelled = [w for w in typed_words(tree) if not isinstance(w, Alias) and len(w.text) <= bounds.edit_chars]
    for words in spelled[: bounds.suggested_words]:
        if budget.exhausted("spelling suggestions"):
            break
        replacement = correction(post, words.text, words.terms[0])
        if replacement:
            changed = re.sub(rf"(?<!\w){re.escape(words.text)}(?!\w)", replacement, changed, count=1)
    return changed if changed != text else None
