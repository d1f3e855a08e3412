"""Candidate passages for quote lookup, read from the index, and windows of consecutive passages.

A ``Window`` joins one or more consecutive passages of a document (a paragraph break between different
paragraphs, a space between the pieces of one) and folds the result for typography, keeping the way back
from every folded character to its passage and to the original document's offsets.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from searchkit.cite.typography import Folded, fold
from searchkit.ingest.offsets import OffsetMap
from searchkit.store.store import Store

RANKING_TERMS = 8  # the rarest words of a quotation are enough to rank its sources first
CONTENDERS = 400  # passages holding the most of those words, ranked further by the words' rarity
NARROW = 8  # few enough candidates to check on their text
POSTINGS_CACHE = 4_000_000  # passage numbers kept in memory across a batch


@dataclass
class Window:
    """Consecutive passages of one document: their joined text, folded, and the maps back."""

    stored: list[dict[str, Any]]
    text: str
    starts: list[int]
    folded: Folded
    _maps: dict[int, OffsetMap] = field(default_factory=dict, repr=False)

    @classmethod
    def single(cls, fields: dict[str, Any]) -> "Window":
        text = fields.get("text", "")
        return cls([fields], text, [0], fold(text))

    @classmethod
    def join(cls, windows: list["Window"]) -> "Window":
        """One window of consecutive passages, reusing each one's folded text."""
        first = windows[0]
        stored, texts, starts = list(first.stored), [first.text], list(first.starts)
        chars, src, soft = [first.folded.text], list(first.folded.src), set(first.folded.soft)
        length, folded_length = len(first.text), len(first.folded.text)
        for w in windows[1:]:
            sep = " " if w.stored[0].get("para") == stored[-1].get("para") else "\n\n"
            if chars[-1][-1:].isalnum() and w.folded.text[:1].isalnum():
                chars.append(" ")
                src.append(length)
                folded_length += 1
            offset = length + len(sep)
            texts += [sep, w.text]
            starts += [offset + x for x in w.starts]
            chars.append(w.folded.text)
            src.extend(offset + x for x in w.folded.src)
            soft.update(folded_length + x for x in w.folded.soft)
            stored += w.stored
            length, folded_length = offset + len(w.text), folded_length + len(w.folded.text)
        return cls(stored, "".join(texts), starts, Folded("".join(chars), src, frozenset(soft)))

    def passage_of(self, pos: int) -> int:
        """Which passage holds position ``pos`` of the joined text."""
        return max(bisect.bisect_right(self.starts, pos) - 1, 0)

    def passage_at(self, folded_pos: int) -> int:
        return self.passage_of(self.folded.src[folded_pos])

    def para_at(self, folded_pos: int) -> Any:
        return self.stored[self.passage_at(folded_pos)].get("para")

    def doc_offset(self, pos: int) -> int:
        """The original document's offset of joined-text position ``pos``."""
        k = self.passage_of(pos)
        if k not in self._maps:
            fields = self.stored[k]
            self._maps[k] = OffsetMap.decode(fields.get("text", ""), fields.get("offsets", []))
        local = min(pos - self.starts[k], max(len(self._maps[k].text) - 1, 0))
        return self._maps[k].to_doc(local)


def is_next(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether passage ``b`` directly follows ``a`` in the same document."""
    if a.get("doc_id") != b.get("doc_id"):
        return False
    pa, pb, ka, kb = a.get("para", 0), b.get("para", 0), a.get("piece", 0) or 0, b.get("piece", 0) or 0
    return (pb == pa and ka > 0 and kb == ka + 1) or (pb == pa + 1 and kb in (0, 1))


class Candidates:
    """An open searcher over the index with caches of stored passages and folded windows."""

    def __init__(self, store: Store) -> None:
        self.searcher = store.ix.searcher()
        self.reader = self.searcher.reader()
        self._stored: dict[int, dict[str, Any]] = {}
        self._windows: dict[int, Window] = {}
        self._orders: dict[str, list[int]] = {}
        self._dfs: dict[str, int] = {}
        self._postings: dict[str, frozenset[int]] = {}
        self._cached = 0

    def close(self) -> None:
        self.searcher.close()

    def stored(self, docnum: int) -> dict[str, Any]:
        if docnum not in self._stored:
            if len(self._stored) > 20000:
                self._stored.clear()
            self._stored[docnum] = self.searcher.stored_fields(docnum)
        return self._stored[docnum]

    def window(self, docnums: list[int]) -> Window:
        """The window of these consecutive passages (each passage is folded once per run)."""
        if len(docnums) > 1:
            return Window.join([self.window([d]) for d in docnums])
        docnum = docnums[0]
        if docnum not in self._windows:
            if len(self._windows) > 5000:
                self._windows.clear()
            self._windows[docnum] = Window.single(self.stored(docnum))
        return self._windows[docnum]

    def df(self, term: str) -> int:
        """How many passages hold ``term`` in their text."""
        if term not in self._dfs:
            self._dfs[term] = self.reader.doc_frequency("text", term)
        return self._dfs[term]

    def postings(self, term: str) -> frozenset[int]:
        """The live passages holding ``term``, kept for the run: a batch's quotations share many words."""
        if term not in self._postings:
            if self._cached > POSTINGS_CACHE:
                self._postings.clear()
                self._cached = 0
            ids = frozenset(self.reader.postings("text", term).all_ids()) if self.df(term) else frozenset()
            self._postings[term] = ids
            self._cached += len(ids)
        return self._postings[term]

    def holding_all(self, terms: list[str], cap: int) -> list[int]:
        return sorted(self.holding_set(terms))[:cap]

    def holding_set(self, terms: list[str]) -> frozenset[int]:
        """Passages holding ``terms``; none when a term is nowhere.

        Exactness is checked on the text afterwards, so the terms are intersected rarest first only until
        few passages are left: a common word's postings are read only when the rarer ones leave many.
        """
        found: frozenset[int] = frozenset()
        for i, (df, term) in enumerate(sorted((self.df(t), t) for t in dict.fromkeys(terms))):
            found = self.postings(term) if i == 0 else found & self.postings(term)
            if not found or (i >= 1 and len(found) <= NARROW):
                break
        return found

    def ranked(self, terms: list[str], limit: int) -> list[int]:
        """The ``limit`` passages holding the most of the quotation's rarest terms (ties: the rarer ones).

        Counting words held comes first, so that one rare word (say, a misquoted one) cannot outrank a
        passage holding all the others.
        """
        chosen = [(df, t) for df, t in sorted((self.df(t), t) for t in dict.fromkeys(terms)) if df][:RANKING_TERMS]
        counts: Counter[int] = Counter()
        for _, term in chosen:
            counts.update(self.postings(term))
        total = max(self.reader.doc_count(), 1)
        weights = [(math.log(1 + total / df), self.postings(t)) for df, t in chosen]
        best = [d for d, _ in counts.most_common(CONTENDERS)]
        score = {d: (counts[d], sum(w for w, ids in weights if d in ids)) for d in best}
        return sorted(best, key=lambda d: (-score[d][0], -score[d][1], d))[:limit]

    def neighbour(self, docnum: int, step: int) -> Optional[int]:
        """The passage just after (``step=1``) or before (``-1``) in the same document, if any."""
        here = self.stored(docnum)
        other = docnum + step
        if step < 0 and here.get("para") == 1 and not here.get("piece"):
            return None
        if self._adjacent(docnum, other):
            return other
        if self._adjacent(docnum, docnum - step) and not self._same_doc(docnum, other):
            return None  # stored in reading order, and this is the document's first or last passage
        # Passages are usually stored in reading order; when they are not, ask the index.
        order = self._order(here["doc_id"])
        i = order.index(docnum) + step if docnum in order else -1
        return order[i] if 0 <= i < len(order) else None

    def _live(self, docnum: int) -> bool:
        return 0 <= docnum < self.reader.doc_count_all() and not self.reader.is_deleted(docnum)

    def _same_doc(self, a: int, b: int) -> bool:
        return self._live(b) and self.stored(a).get("doc_id") == self.stored(b).get("doc_id")

    def _adjacent(self, docnum: int, other: int) -> bool:
        """Whether ``other`` is the passage right before or after ``docnum`` (by docnum order)."""
        if not self._live(other):
            return False
        first, second = sorted((docnum, other))
        return is_next(self.stored(first), self.stored(second))

    def _order(self, doc_id: str) -> list[int]:
        if doc_id not in self._orders:
            docnums = list(self.searcher.document_numbers(doc_id=doc_id))
            key = {d: (self.stored(d).get("para", 0), self.stored(d).get("piece", 0) or 0) for d in docnums}
            self._orders[doc_id] = sorted(docnums, key=key.__getitem__)
        return self._orders[doc_id]
