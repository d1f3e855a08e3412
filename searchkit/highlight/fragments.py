"""What to show of a passage: fragments around the matches that end at sentence or clause boundaries.

Sentences come from the index when it stores them (found at index time), else from a cheap regex; the
query path never loads a sentence tokenizer.

>>> text = "Mr. Smith spoke first. Trade grew, and the fast lanes opened in May. Talks went on."
>>> [text[s:e] for s, e in split_sentences(text)]
['Mr. Smith spoke first.', 'Trade grew, and the fast lanes opened in May.', 'Talks went on.']
>>> [(text[f.start:f.end], f.spans) for f in fragments(text, [(43, 47)], count=2, budget=50)]
[('Trade grew, and the fast lanes opened in May.', [(43, 47)])]
>>> [text[f.start:f.end] for f in fragments(text, [(43, 47)], count=2, budget=35)]
['and the fast lanes opened in May.']
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

Span = tuple[int, int]
# Passages longer than this (without stored sentences) are split into sentences only around their best
# matches: a whole UN speech can be one passage, and splitting it all costs more than the search.
LOCAL_AFTER = 3000

# A sentence ends at . ! ? or an ellipsis (and closing quotes or brackets) before a space, when what follows
# starts like a sentence (checked apart: a lookahead here makes the scan of a long passage twice as slow).
_SENTENCE_END = re.compile(r"[.!?…]+[\"'’”»)\]]*\s+")
_OPENERS = "\"'‘“«(["
# Words whose full stop does not end a sentence: titles and references (single initials, "J. F. Kennedy",
# are caught apart).
ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr St Sr Jr Prof Gen Col Lt Sen Rep Gov Hon Amb Rev Messrs No Nos Art Arts Para Paras para paras "
    "Vol vol pp Ch Sec Dept Co Corp Inc Ltd vs cf e.g i.e approx".split()
)
# Clause boundaries inside a sentence: after , ; : and around dashes and brackets.
_CLAUSE = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–]|--|\()|(?<=[—–)])\s+")


@dataclass
class Fragment:
    """A stretch ``[start, end)`` of the passage text with the spans inside it (offsets into the passage)."""

    start: int
    end: int
    spans: list[Span] = field(default_factory=list)


def split_sentences(text: str, lo: int = 0, hi: Optional[int] = None) -> list[Span]:
    """Sentence spans of ``text[lo:hi]`` by punctuation, skipping abbreviations and initials."""
    hi = len(text) if hi is None else hi
    spans, start = [], lo
    for match in _SENTENCE_END.finditer(text, lo, hi):
        if not starts_sentence(text, match.end()) or (
                match.group()[0] == "." and is_abbreviation(text, match.start())):
            continue
        end = match.start() + len(match.group().rstrip())
        spans.append((start, end))
        start = match.end()
    if text[start:hi].strip():
        spans.append((start, start + len(text[start:hi].rstrip())))
    if spans and text[spans[0][0]:spans[0][0] + 1].isspace():  # a split that starts after a sentence's end
        first = text[spans[0][0]:spans[0][1]]
        spans[0] = (spans[0][1] - len(first.lstrip()), spans[0][1])
    return spans


def local_sentences(text: str, spans: Sequence[Span], count: int, budget: int) -> list[Span]:
    """Sentences around the ``count`` best clusters of matches only, for a long passage.

    Each cluster is split within ``2 * budget`` characters either side; a piece cut by that window is kept
    only if it holds a match, and then it is too long to show whole, so no fragment reaches the cut.
    """
    margin = 2 * budget
    runs: list[list[Span]] = [[spans[0]]]
    for span in spans[1:]:
        if span[0] - runs[-1][-1][1] <= budget // 2:
            runs[-1].append(span)
        else:
            runs.append([span])
    best = sorted(runs, key=lambda r: (-len({text[s:e].lower() for s, e in r}), -len(r), r[0][0]))[:count]
    bounds: list[Span] = []
    for run in sorted(best):
        lo, hi = max(0, run[0][0] - margin), min(len(text), run[-1][1] + margin)
        pieces = split_sentences(text, max(lo, bounds[-1][1] if bounds else 0), hi)
        keep = lambda p: any(p[0] <= s < p[1] for s, _ in run)  # noqa: E731
        if pieces and pieces[0][0] > 0 and (not bounds or pieces[0][0] > bounds[-1][1]) and not keep(pieces[0]):
            pieces = pieces[1:]
        if pieces and hi < len(text) and not keep(pieces[-1]):
            pieces = pieces[:-1]
        bounds += pieces
    return bounds


def starts_sentence(text: str, pos: int) -> bool:
    """Whether ``text`` at ``pos`` starts like a sentence: a capital or digit, perhaps after a quote."""
    head = text[pos : pos + 2].lstrip(_OPENERS)[:1]
    return head.isalnum() and not head.islower()


def is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial rather than a sentence."""
    word = text[text.rfind(" ", 0, dot) + 1 : dot].lstrip("(\"'‘“")
    return word in ABBREVIATIONS or (len(word) == 1 and word.isupper()) or (len(word) > 2 and word[-2] == ".")


def stored_sentences(value: Any, text: str) -> Optional[list[Span]]:
    """Sentence spans stored in the index (pairs, or a flat list of starts and ends); None when unusable."""
    if not value or not isinstance(value, (list, tuple)):
        return None
    flat = list(value)
    pairs = flat if all(isinstance(v, (list, tuple)) for v in flat) else list(zip(flat[0::2], flat[1::2]))
    spans = [(int(s), int(e)) for s, e in pairs]
    if any(not 0 <= s < e <= len(text) for s, e in spans) or spans != sorted(spans):
        return None
    return spans


def clauses(text: str, start: int, end: int) -> list[Span]:
    """The clauses of the sentence ``text[start:end]``."""
    out, last = [], start
    for match in _CLAUSE.finditer(text, start, end):
        if match.start() > last:
            out.append((last, match.start()))
        last = match.end()
    out.append((last, end))
    return out


def fit(text: str, start: int, end: int, spans: Sequence[Span], budget: int) -> Fragment:
    """The part of the sentence ``[start, end)`` to show: whole if it fits ``budget`` (a quarter over is
    let pass rather than cut a sentence for a few characters), else the run of whole clauses within
    ``budget`` holding the most distinct matches, else a window of whole words around the first match."""
    if end - start <= budget + budget // 4:
        return Fragment(start, end, list(spans))
    units = clauses(text, start, end)
    best: Optional[tuple[tuple[int, int, int], int, int]] = None
    for i in range(len(units)):
        j = i
        while j + 1 < len(units) and units[j + 1][1] - units[i][0] <= budget:
            j += 1
        if units[j][1] - units[i][0] > budget:
            continue
        inside = [sp for sp in spans if sp[0] >= units[i][0] and sp[1] <= units[j][1]]
        key = (len({text[a:b].lower() for a, b in inside}), len(inside), -i)
        if inside and (best is None or key > best[0]):
            best = (key, i, j)
    if best is None:
        return word_window(text, start, end, spans, spans[0] if spans else (start, start), budget)
    _, i, j = best
    while i > 0 and units[j][1] - units[i - 1][0] <= budget:  # room left over: the clauses before
        i -= 1
    lo, hi = units[i][0], units[j][1]
    return Fragment(lo, hi, [sp for sp in spans if sp[0] >= lo and sp[1] <= hi])


def word_window(text: str, start: int, end: int, spans: Sequence[Span], first: Span, budget: int) -> Fragment:
    """About ``budget`` characters of whole words around ``first``, a third of them before it."""
    lo = max(start, first[0] - max(0, budget - (first[1] - first[0])) // 3)
    if lo > start:
        lo = text.find(" ", lo, first[0]) + 1 or first[0]
    hi = min(end, max(lo + budget, first[1]))
    if hi < end:
        cut = text.rfind(" ", first[1], hi + 1)
        hi = cut if cut > 0 else hi
    return Fragment(lo, hi, [s for s in spans if s[0] >= lo and s[1] <= hi])


def fragments(text: str, spans: Sequence[Span], count: int = 2, budget: int = 160,
              sentences: Optional[Sequence[Span]] = None) -> list[Fragment]:
    """Up to ``count`` fragments of about ``budget`` characters: the sentences with the most distinct
    matches, in text order, filled out with neighbouring sentences and merged when they touch."""
    bounds = sentence_bounds(text, spans, count, budget, sentences)
    starts = [s for s, _ in bounds]
    groups: dict[int, list[Span]] = {}
    for span in spans:
        i = bisect.bisect_right(starts, span[0]) - 1
        if i >= 0 and span[0] < bounds[i][1]:
            groups.setdefault(i, []).append(span)
    if not groups:
        groups[0] = []

    def rank(i: int) -> tuple[int, int, int]:
        forms = {text[s:e].lower() for s, e in groups[i]}
        return (-len(forms), -len(groups[i]), i)

    out = []
    for i in sorted(sorted(groups, key=rank)[:count]):
        s, e = bounds[i]
        frag = fit(text, s, max([e] + [b for _, b in groups[i]]), groups[i], budget)
        out.append(fill(frag, bounds, i, budget) if frag.start == s and frag.end >= e else frag)
    merged = merge_touching(text, out)
    for frag in merged:  # a neighbour sentence brought in may hold matches too
        frag.spans = [sp for sp in spans if sp[0] >= frag.start and sp[1] <= frag.end]
    return merged


def sentence_bounds(text: str, spans: Sequence[Span], count: int, budget: int,
                    sentences: Optional[Sequence[Span]]) -> list[Span]:
    if sentences:
        bounds = list(sentences)
    elif spans and len(text) > LOCAL_AFTER:
        bounds = local_sentences(text, spans, count, budget)
    else:
        bounds = split_sentences(text)
    return bounds or [(0, len(text))]


def fill(frag: Fragment, bounds: Sequence[Span], i: int, budget: int) -> Fragment:
    """Give a short fragment (under half the budget) the following sentences, else the preceding ones, as
    context, while it fits ``budget``; a fragment of ordinary length stands alone, easier to scan."""
    lo, hi = i, i
    while max(frag.end, bounds[hi][1]) - bounds[lo][0] < budget // 2:
        start, end = bounds[lo][0], max(frag.end, bounds[hi][1])
        if hi + 1 < len(bounds) and bounds[hi + 1][1] - start <= budget:
            hi += 1
        elif lo > 0 and end - bounds[lo - 1][0] <= budget:
            lo -= 1
        else:
            break
    return Fragment(bounds[lo][0], max(frag.end, bounds[hi][1]), frag.spans)


def merge_touching(text: str, frags: list[Fragment]) -> list[Fragment]:
    """Join fragments that overlap or are separated only by white space."""
    out: list[Fragment] = []
    for frag in sorted(frags, key=lambda f: f.start):
        if out and (frag.start <= out[-1].end or not text[out[-1].end:frag.start].strip()):
            out[-1] = Fragment(out[-1].start, max(out[-1].end, frag.end))
        else:
            out.append(frag)
    return out


def whole(text: str, spans: Sequence[Span]) -> list[Fragment]:
    """The whole passage as one fragment (``--full``)."""
    return [Fragment(0, len(text), list(spans))] if text else []
