"""From a query tree to what matches (a Whoosh query, also walked by highlighting) and what scores (concepts).

A concept is one thing the user asked for, with alternatives that count as the same thing: a word's stem,
an alias group's forms, the terms a wildcard or fuzzy word expands to. Ranking scores each concept once per
time it was asked for, so repeating a word in a long query keeps its weight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from whoosh import query as wq
from whoosh.query.spans import SpanNear2

from searchkit.analysis.chain import terms
from searchkit.postings.phrases import FastPhrase
from searchkit.query import limits
from searchkit.query.expansion import explain_pattern, pattern_terms, patterns_of
from searchkit.query.tree import MUST, MUST_NOT, SHOULD, Alias, Field, Group, Node, Pattern, Phrase, Words, is_scoped

TEXT_FIELDS = ("text", "title")
CAPS_FIELD = "caps"
RANKED = (Words, Alias, Pattern, Phrase)
METADATA = ("country", "kind", "turn", "year", "date")  # what a passage is, not what it says: they score nothing
HYPHENS = re.compile(r"[-‐‑]")
COMPOUND = re.compile(r"[^\W\d_]+(?:[-‐‑][^\W\d_]+)+")  # words joined by hyphens (not COVID-19, not A-4)


@dataclass(frozen=True)
class Alt:
    """One way a concept can occur: a term, or a phrase (``near`` > 0: within that many words, any order)."""

    fields: tuple[str, ...]
    terms: tuple[str, ...]
    near: int = 0


@dataclass
class Concept:
    """One idea of the query and the alternatives it may occur as. ``typed``: of a fuzzy word, the word as
    typed (its first alternative); the other forms then rank below it (``search/bm25f.py``)."""

    label: str
    alts: tuple[Alt, ...]
    weight: float = 1.0
    typed: Optional[Alt] = None


@dataclass
class Plan:
    """``query`` says what matches; ``concepts`` how matches rank; ``ranked_words`` when matching is just
    "any of the words or phrases" (no operators or fields), which ranking can compute on its own;
    ``filters`` when it is that within passages of some country, kind, year or date (``vaccine
    year:2020``): the passages ``filters`` matches, of those ranking finds."""

    query: Any
    concepts: list[Concept] = field(default_factory=list)
    ranked_words: bool = False
    has_kind: bool = False
    filters: Any = None


class Compiler:
    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.concepts: dict[tuple[Alt, ...], Concept] = {}
        self.has_kind = False
        self.metadata: dict[int, Any] = {}  # the query of each metadata clause compiled, by id of its node
        self.budget = limits.current()
        self.scanned = 0  # index terms looked at for wildcards so far (Limits.scanned_terms)
        self.expanded: dict[Pattern, list[str]] = {}  # a pattern typed again is not expanded again
        self.crowded: dict[str, int] = {}  # patterns matching more index terms than kept: how many
        self.per_pattern = self.budget.limits.expansions  # terms kept per pattern (shared among several)

    def plan(self, tree: Group) -> Plan:
        patterns = len(set(patterns_of(tree)))
        self.per_pattern = min(self.budget.limits.expansions,
                               max(8, self.budget.limits.expanded_terms // max(patterns, 1)))
        query = self.node(tree, SHOULD, TEXT_FIELDS)
        ranked = all(o == SHOULD and isinstance(n, RANKED) for o, n in tree.clauses)
        plan = Plan(query, list(self.concepts.values()), ranked, self.has_kind)
        self.note_crowded()
        metadata = [n for o, n in tree.clauses if is_metadata(o, n)]
        if metadata and plan.concepts and all(is_metadata(o, n) or o == SHOULD and isinstance(n, RANKED)
                                              for o, n in tree.clauses):
            parts = [self.metadata[id(n)] for n in metadata]
            plan.filters = wq.And(parts) if len(parts) > 1 else parts[0]
        return plan

    def concept(self, label: str, alts: Iterable[Alt], typed: Optional[Alt] = None) -> None:
        key = tuple(dict.fromkeys(alts))
        if not key:
            return
        if key in self.concepts:
            self.concepts[key].weight += 1.0
        else:
            self.concepts[key] = Concept(label, key, typed=typed)

    def node(self, node: Node, occur: str, fields: tuple[str, ...], scoring: Optional[bool] = None) -> Any:
        scoring = occur != MUST_NOT if scoring is None else scoring
        if isinstance(node, Group):
            return self.group(node, fields, scoring)
        if isinstance(node, Words):
            return self.words(node, occur, fields, scoring)
        if isinstance(node, Phrase):
            alt = Alt(fields, node.terms, node.near)
            if scoring:
                self.concept(node.text, [alt])
            return alt_query(alt)
        if isinstance(node, Pattern):
            expanded = self.expand(node)
            typed = (terms(node.text) or [""])[0] if node.fuzzy else ""
            typed_alt = Alt(fields, (typed,)) if typed in expanded else None
            alts = ([typed_alt] if typed_alt else []) + [Alt(fields, (t,)) for t in expanded if t != typed]
            if scoring:
                self.concept(node.text, alts, typed_alt)
            return or_query([alt_query(a) for a in alts])
        if isinstance(node, Alias):
            alts = [a for form in node.forms for a in self.form_alts(form, fields)]
            if scoring:
                self.concept(node.typed, alts)
            return or_query([alt_query(a) for a in alts])
        compiled = self.field(node, scoring)
        if node.name in METADATA:
            self.metadata[id(node)] = compiled  # for Plan.filters: not compiled twice
        return compiled

    def group(self, group: Group, fields: tuple[str, ...], scoring: bool) -> Any:
        """Required clauses must match; of the optional ones at least one must, unless a required clause
        is about content (``+word``, ``a AND b``), when they only rank. Fields are filters: ``vaccine
        year:2020`` is passages of 2020 that mention vaccines."""
        parts: dict[str, list[Any]] = {MUST: [], SHOULD: [], MUST_NOT: []}
        content_required = False
        for occur, child in group.clauses:
            parts[occur].append(self.node(child, occur if scoring else MUST_NOT, fields))
            content_required |= occur == MUST and not is_filter(child)
        musts, shoulds, nots = parts[MUST], parts[SHOULD], parts[MUST_NOT]
        if shoulds and not content_required:
            musts = musts + [or_query(shoulds)]
        core = wq.And(musts) if len(musts) > 1 else musts[0] if musts else None
        if core is None:
            core = or_query(shoulds) if shoulds else wq.Every()
        elif shoulds and content_required:
            core = wq.AndMaybe(core, or_query(shoulds))
        # AndNot walks the core's passages and skips the excluded; And with Not would walk every passage
        return wq.AndNot(core, or_query(nots)) if nots and or_query(nots) is not wq.NullQuery else core

    def words(self, node: Words, occur: str, fields: tuple[str, ...], scoring: bool) -> Any:
        """Ranked words score term by term; a required or excluded one that analyses to several terms
        (``COVID-19``) means them as a phrase. A hyphenated compound (``self-determination``) is the phrase
        of its parts, or the joined word where the index has it (``selfdetermination``), however it occurs."""
        alts = [Alt((CAPS_FIELD,), (node.text,))] if node.exact and fields == TEXT_FIELDS else []
        if len(node.terms) > 1 and COMPOUND.fullmatch(node.text):
            alts += [Alt(fields, node.terms)] + self.joined(node.text, fields)
        elif len(node.terms) > 1 and occur == SHOULD:
            for term in node.terms:
                if scoring:
                    self.concept(term, [Alt(fields, (term,))])
            return or_query([alt_query(Alt(fields, (t,))) for t in node.terms] + [alt_query(a) for a in alts])
        if node.terms:
            alts.append(Alt(fields, node.terms))
        if scoring:
            self.concept(node.text, alts)
        return or_query([alt_query(a) for a in alts])

    def joined(self, compound: str, fields: tuple[str, ...]) -> list[Alt]:
        """The compound written as one word, as an alternative when some passage holds it."""
        found = terms(HYPHENS.sub("", compound))
        held = len(found) == 1 and any(self.reader.doc_frequency(f, found[0]) for f in fields
                                       if f in self.reader.schema)
        return [Alt(fields, tuple(found))] if held else []

    def form_alts(self, form: Node, fields: tuple[str, ...]) -> list[Alt]:
        if isinstance(form, Words) and form.exact:  # an acronym: as written in text, as a word in a name field
            return [Alt((CAPS_FIELD,), (form.text,))] if fields == TEXT_FIELDS else [Alt(fields, (t,))
                                                                                     for t in terms(form.text)]
        assert isinstance(form, (Words, Phrase))
        return [Alt(fields, form.terms)]

    def field(self, node: Field, scoring: bool) -> Any:
        name = node.name
        if name in ("title", "source", "speaker"):
            return self.node(node.node, MUST, (name,), scoring) if node.node else wq.NullQuery
        if name == "country":  # indexed as text: the ISO code and the English names
            return self.node(node.node, MUST, (name,), False) if node.node else wq.NullQuery
        if name == "symbol":  # the symbol itself, or a document under it (A/80/6 finds A/80/6 (Sect. 3))
            value = node.value.strip('"').lower()
            return wq.Or([wq.Term("symbol", value), wq.Prefix("symbol", value + " "), wq.Prefix("symbol", value + "/")])
        if name == "kind":
            self.has_kind = True
            return wq.Term("kind", node.value.lower())
        if name == "turn":  # question, answer, statement (press-conference transcripts)
            return wq.Term("turn", node.value.lower())
        if name == "year":
            low, high = (None if v in ("*", "") else int(v) for v in (node.low, node.high))
            return wq.NumericRange("year", low, high)
        return or_query([wq.Term("date", d) for d in overlapping_dates(self.reader, node.low, node.high)])

    def expand(self, node: Pattern) -> list[str]:
        """The index terms a wildcard or fuzzy word stands for: the most frequent ``Limits.expansions``."""
        if node not in self.expanded:
            self.expanded[node] = self._expand(node)
        return self.expanded[node]

    def _expand(self, node: Pattern) -> list[str]:
        if node.fuzzy:
            stem = (terms(node.text) or [node.text])[0]
            found = wq.FuzzyTerm("text", stem, maxdist=node.fuzzy, prefixlength=1).existing_terms(
                self.reader, expand=True)
            frequency = {t: self.reader.doc_frequency("text", t)
                         for t in {t.decode() if isinstance(t, bytes) else t for _, t in found}}
        else:
            frequency = self.pattern_terms(node.text)
        ranked = sorted(frequency, key=lambda t: (-frequency[t], t))
        if len(ranked) > self.per_pattern:
            self.crowded[explain_pattern(node)] = len(ranked)
        return ranked[: self.per_pattern]

    def note_crowded(self) -> None:
        """One note for every wildcard or fuzzy word that matched more index terms than it keeps."""
        if not self.crowded:
            return
        named = [f"{p} ({n:,})" for p, n in list(self.crowded.items())[:3]]
        more = f" and {len(self.crowded) - 3} more" if len(self.crowded) > 3 else ""
        settings = f"{limits.setting('expansions')}, {limits.setting('expanded_terms')}"
        self.budget.cut(f"kept the {self.per_pattern} most frequent index terms of each of "
                        f"{', '.join(named)}{more} ({settings}); more letters before the * (or fewer ~, "
                        "fewer wildcards) narrow it")

    def pattern_terms(self, pattern: str) -> dict[str, int]:
        """Index terms matching a wildcard, with their passage frequency in the text, looking at no more
        index terms than the query has left of ``Limits.scanned_terms`` (and stopping when time is up)."""
        found: dict[str, int] = {}
        left = self.budget.limits.scanned_terms - self.scanned
        for n, (term, df) in enumerate(pattern_terms(self.reader, pattern)):
            if n >= left or (n % 256 == 255 and self.budget.exhausted("expanding wildcards")):
                if n >= left:
                    self.budget.cut(f"looked at {self.budget.limits.scanned_terms:,} index terms for wildcards "
                                    f"({limits.setting('scanned_terms')}): later wildcards found less; "
                                    "give more letters before the * or fewer wildcards")
                break
            if term is not None:
                found.setdefault(term, 0)
                if df:  # of the text field, in one segment
                    found[term] += df
        else:
            n = -1
        self.scanned += n + 1
        return found


def is_metadata(occur: str, node: Node) -> bool:
    """A required ``country:``, ``kind:``, ``turn:``, ``year:`` or ``date:`` clause."""
    return occur == MUST and isinstance(node, Field) and node.name in METADATA


def is_filter(node: Node) -> bool:
    """A field clause narrows the search; it does not make the plain words optional."""
    return isinstance(node, Field) or is_scoped(node)


def alt_query(alt: Alt) -> Any:
    """The Whoosh query for one alternative over its fields."""
    qs = []
    for f in alt.fields:
        if len(alt.terms) == 1:
            qs.append(wq.Term(f, alt.terms[0]))
        elif alt.near:
            qs.append(SpanNear2([wq.Term(f, t) for t in alt.terms], slop=alt.near + 1, ordered=False))
        else:
            qs.append(FastPhrase(f, list(alt.terms)))  # Whoosh's Phrase, matched faster (phrases.py)
    return or_query(qs)


def or_query(qs: list[Any]) -> Any:
    qs = [q for q in qs if q is not wq.NullQuery]
    if not qs:
        return wq.NullQuery
    return qs[0] if len(qs) == 1 else wq.Or(qs)


def overlapping_dates(reader: Any, low: Optional[str], high: Optional[str]) -> list[str]:
    """Dates in the index (``2020``, ``2020-11``, ``2020-11-09``) whose period overlaps ``[low, high]``."""
    start = period(low, first=True) if low not in (None, "", "*") else "0000-00-00"
    end = period(high, first=False) if high not in (None, "", "*") else "9999-99-99"
    out = []
    for raw in reader.lexicon("date") if "date" in reader.schema else []:
        value = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if period(value, first=True) <= end and period(value, first=False) >= start:
            out.append(value)
    return out


def period(date: str, first: bool) -> str:
    """The first or last day a partial date can mean, as a sortable string."""
    pad = ("-01", "-01") if first else ("-12", "-31")
    parts = date.split("-")
    return date + "".join(pad[len(parts) - 1 :])


def compile_plan(tree: Group, reader: Any) -> Plan:
    return Compiler(reader).plan(tree)


def any_term(field: str, values: list[str]) -> Any:
    """The Whoosh query for passages whose ``field`` holds any of ``values`` (as indexed, not analyzed)."""
    return wq.Or([wq.Term(field, v) for v in values]) if len(values) != 1 else wq.Term(field, values[0])
