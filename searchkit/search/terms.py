"""Keyness: the words and two-word phrases most typical of the passages a query matches, against the rest
of the index; with a field, per value of it (what else is said where X is said, by whom, when).

The score is Dunning's log-likelihood (G², as Rayson and Garside use it for keyness): how surprising a
term's count in the matching passages is, given its count in the rest of the index. Only terms used
more there than elsewhere are kept. Counts are of index terms (stems: "negotiation" and "negotiations"
are one term), shown in the form the passages write most. Matching passages are read and analysed with
the index's own chain; a large match is represented by an even sample of it (``SAMPLE`` passages), and
"elsewhere" is everything else in the index, exactly: the index's own term frequencies less the sample's.
A two-word phrase is two index terms in a row (stop words skipped, as phrase search skips them), counted
elsewhere through the phrase files.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Optional

from searchkit.analysis.chain import STOP_WORDS, fold_text, terms
from searchkit.postings.phrases import phrase_counts
from searchkit.postings.schema import SENTENCE_BREAK
from searchkit.search.counts import Keys, Value, check_fields
from searchkit.search.searcher import Options, Searcher

SAMPLE = 2000  # matching passages read per group (spread evenly over the match)
MIN_COUNT = 3  # a term seen fewer times in the matching passages is not typical of them
WORD_CANDIDATES = 1500  # the most frequent words in the match whose counts elsewhere are looked up
PHRASE_CANDIDATES = 30  # the same for two-word phrases (each costs a phrase count over the index)
MOST_GROUPS = 6  # with a field: its values with the most matching passages
_WORD = re.compile(r"[^\W_]+")
_BREAK = re.compile(r"[^\w\s'’-]")  # punctuation between two words: no phrase across it
# Function words the index keeps (its stop list is short, so that phrases keep their words) but that
# say nothing about a subject.
FUNCTION_WORDS = frozenset("""
about above after again against all also am among an any because been before being below between both but
could did do does doing down during each even ever every few first further had has having he her here hers
herself him himself his how i its itself just last let like made make many me might more most much must my
myself new no nor now o off once one only other ought our ours ourselves out over own per same shall she
should since so some still such than their theirs them themselves then there these they those though
through thus too two under until up upon very was were what whatever where whether which while who whom
whose why within without would yes yours yourself yourselves mr ms madam sir also well whose however
""".split()) | STOP_WORDS


@dataclass
class KeyTerm:
    term: str  # as the passages write it most
    kind: str  # "word" or "phrase"
    count: int  # in the matching passages read
    elsewhere: int  # in the rest of the index
    score: float  # log-likelihood


@dataclass
class TermGroup:
    value: Value  # the field's value (None without a field)
    passages: int  # matching passages with it
    read: int  # of which were read
    terms: list[KeyTerm] = field(default_factory=list)


@dataclass
class Keyness:
    query: str
    field: Optional[str]
    groups: list[TermGroup] = field(default_factory=list)
    note: str = ""
    limits: list[str] = field(default_factory=list)  # what the request's limits cut


def keyness(searcher: Searcher, text: str, by: Optional[str] = None, limit: int = 20,
            all_kinds: bool = False) -> Keyness:
    """The ``limit`` words and phrases most typical of what ``text`` matches (per value of ``by``)."""
    matched, note = searcher.matching(text, Options(all_kinds=all_kinds))
    result = Keyness(text, by, note=note, limits=list(searcher.cuts))
    if not matched:
        return result
    own = query_terms(text)
    for value, docnums in groups(searcher, matched, by):
        sample = docnums[::max(1, math.ceil(len(docnums) / SAMPLE))]
        group = TermGroup(value, len(docnums), len(sample))
        group.terms = typical(searcher, [searcher.searcher.stored_fields(d).get("text", "") for d in sample], own)
        group.terms = group.terms[:limit]
        result.groups.append(group)
    return result


def groups(searcher: Searcher, matched: set[int], by: Optional[str]) -> list[tuple[Value, list[int]]]:
    """The matching passages (sorted docnums), or per value of ``by`` for its best represented values."""
    if by is None:
        return [(None, sorted(matched))]
    keys = Keys(searcher, check_fields([by]), False)
    facet, meaning = keys.facets[0], keys.meanings[0]
    split: dict[Value, list[int]] = {}
    for d in sorted(matched):
        split.setdefault(meaning[facet.codes[d]], []).append(d)
    ranked = sorted(split.items(), key=lambda kv: (kv[0] is None, -len(kv[1]), str(kv[0])))
    return ranked[:MOST_GROUPS]


def query_terms(text: str) -> set[str]:
    """The index terms the query's own words make (all of them, aliases aside): not news about it."""
    return set(terms(re.sub(r"\b\w+:", " ", text)))


def typical(searcher: Searcher, texts: list[str], own: set[str]) -> list[KeyTerm]:
    words, pairs, forms, total = tally(texts)
    reader = searcher.searcher.reader()
    # the sentence breaks indexed between sentences take positions but are no words of the text
    index_total = reader.field_length("text") - reader.frequency("text", SENTENCE_BREAK)
    rest_total = max(index_total - total, 1)
    found = []
    for stem, n in words.most_common(WORD_CANDIDATES):
        if n < MIN_COUNT or stem in own or not useful(forms[stem]):
            continue
        elsewhere = max(reader.frequency("text", stem) - n, 0)
        found.append(KeyTerm(shown(forms[stem]), "word", n, int(elsewhere), g2(n, elsewhere, total, rest_total)))
    chosen = [p for p, n in pairs.most_common() if n >= MIN_COUNT and not own.intersection(p)
              and all(useful(forms[s]) for s in p)][:PHRASE_CANDIDATES]
    for pair in chosen:
        n = pairs[pair]
        elsewhere = max(sum(phrase_counts(searcher.post.leaves, "text", pair).values()) - n, 0)
        found.append(KeyTerm(shown(forms[pair]), "phrase", n, elsewhere, g2(n, elsewhere, total, rest_total)))
    kept = [t for t in found if t.count / total > t.elsewhere / rest_total]
    return sorted(kept, key=lambda t: (-t.score, t.term))


def tally(texts: list[str]) -> tuple[Counter, Counter, dict, int]:
    """Index terms and pairs of them in a row (not across punctuation), with the surface forms each
    stands for, and the number of terms."""
    words: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    forms: dict = defaultdict(Counter)
    stem_of: dict[str, str] = {}  # surface word -> index term ("" for a stop word)
    total = 0
    for text in texts:
        previous: Optional[tuple[str, int, int]] = None
        for match in _WORD.finditer(text):
            word = match.group()
            stem = stem_of.get(word)
            if stem is None:
                stem = stem_of[word] = next(iter(terms(word)), "")
            if not stem:  # a stop word: skipped, as the index skips it inside a phrase
                continue
            words[stem] += 1
            forms[stem][word] += 1
            if previous is not None and not _BREAK.search(text, previous[2], match.start()):
                pair = (previous[0], stem)
                pairs[pair] += 1
                forms[pair][" ".join(text[previous[1]:match.end()].split())] += 1
            previous = (stem, match.start(), match.end())
            total += 1
    return words, pairs, forms, total


def useful(forms: Counter) -> bool:
    """Not a function word, a number or a single letter."""
    form = forms.most_common(1)[0][0]
    folded = fold_text(form).lower()
    return len(folded) > 1 and not folded.isdigit() and folded not in FUNCTION_WORDS


def shown(forms: Counter) -> str:
    """The form written most, in lower case when the passages also write it so (a sentence's first word)."""
    form = forms.most_common(1)[0][0]
    return form.lower() if form.lower() in forms else form


def g2(a: float, b: float, c: float, d: float) -> float:
    """Log-likelihood of a count ``a`` among ``c`` tokens against ``b`` among ``d`` (Rayson & Garside)."""
    e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
    score = (a * math.log(a / e1) if a else 0.0) + (b * math.log(b / e2) if b else 0.0)
    return round(2 * score, 2)
