"""Searching: read the query (never failing on raw input), rank passages, page, collapse by document, highlight.

A :class:`Searcher` keeps one Whoosh searcher open, so that a batch of queries (or a resident process)
pays for opening the index once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from searchkit.errors import QueryError
from searchkit.highlight.spans import Matchers, matchers_for
from searchkit.postings import phrases
from searchkit.postings.readers import Postings
from searchkit.query import aliases, limits
from searchkit.query.parser import parse as parse_query
from searchkit.query.plan import Plan, any_term, compile_plan
from searchkit.query.tree import Group, explain
from searchkit.search.bm25f import Ranking, passage_scores
from searchkit.search.hits import Hit, make_hit
from searchkit.search.ranking import matching, rank
from searchkit.search.suggest import suggestion
from searchkit.search.units import best_first
from searchkit.store.store import Store

DEFAULT_KINDS = ("title", "body")
NO_WORDS = "it has no searchable words: punctuation and stop words such as 'the' are not indexed"
LITTLE = 3  # fewer hits than this, and a misspelt word gets a "did you mean" suggestion


@dataclass
class SearchResult:
    query: str
    parsed: str
    total: int
    page: int
    hits: list[Hit] = field(default_factory=list)
    by_doc: bool = False
    expansion: list[tuple[str, float]] = field(default_factory=list)
    suggestion: Optional[str] = None
    note: str = ""  # why nothing could match, when the query itself is the reason
    limits: list[str] = field(default_factory=list)  # what was cut to stay within the limits (limits.py)


@dataclass
class Options:
    limit: int = 10
    page: int = 1
    by_doc: bool = False
    sort: str = "score"  # or "date": newest first, undated last
    all_kinds: bool = False
    explain: bool = False
    highlight: bool = True
    with_answers: bool = False  # a question's hit carries its answer's first passage (``Hit.answer``)


def read(text: str, table: Optional[aliases.AliasTable] = None) -> Group:
    """The query tree of ``text`` with the alias table applied."""
    if not text.strip():
        raise QueryError("empty query; give some words to search for")
    budget = limits.current()
    tree = limits.bound_tree(parse_query(limits.bound_text(text, budget.limits, budget)), budget.limits, budget)
    return aliases.apply(tree, table if table is not None else aliases.load())  # type: ignore[return-value]


class Searcher:
    """An open index ready for any number of queries."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.searcher = store.ix.searcher()
        self.post = Postings(self.searcher)
        self.excluded: frozenset[int] = frozenset()
        self.cuts: list[str] = []  # what the limits cut from the last ``matching`` (limits.py)
        self._hidden: Optional[frozenset[int]] = None
        self.shared = False

    @classmethod
    def of(cls, store: Store) -> "Searcher":
        """A searcher of ``store``. In a resident process (``searchkit serve``) the one kept with the store,
        so that its open files, field lengths and caches serve every command; else a new one."""
        if store.kept is None:
            return cls(store)
        held = store.kept.get("searcher")
        if held is None:
            held = store.kept["searcher"] = cls(store)
            held.shared = True
        return held

    def release(self) -> None:
        """Done with it: closed, unless it is kept with its store."""
        if not self.shared:
            self.close()

    def close(self) -> None:
        self.searcher.close()

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(self, text: str, options: Optional[Options] = None) -> SearchResult:
        with limits.request() as budget, phrases.remembering():  # phrases: found once per search
            result = self._search(text, options or Options())
            result.limits = list(budget.cuts)
            for hit in result.hits if budget.cuts else ():
                hit.limits = result.limits
            return result

    def _search(self, text: str, options: Options) -> SearchResult:
        tree = read(text, aliases.load())  # per search: $SEARCHKIT_ALIASES can differ (a served command)
        plan = compile_plan(tree, self.searcher.reader())
        result = SearchResult(text, explain(tree), 0, options.page, by_doc=options.by_doc)
        if not tree.clauses:
            result.note = NO_WORDS
            return result
        ranking = self.rank(plan, options)
        result.expansion = ranking.expansion
        start = (options.page - 1) * options.limit
        result.total = len(ranking.scores)
        shown = self.order(ranking, options.sort, start + options.limit)[start:]
        picks = self.representatives(plan, ranking, shown) if options.by_doc else [(d, None) for d in shown]
        matchers = matchers_for(plan.query, self.searcher.reader()) if options.highlight else Matchers()
        budget = limits.current()
        for offset, (unit, (docnum, more)) in enumerate(zip(shown, picks)):
            if matchers and budget.exhausted("highlighting"):
                matchers = Matchers()
            hit = make_hit(start + offset + 1, ranking.score(unit),
                           self.searcher.stored_fields(docnum), matchers)
            hit.more = more
            if options.explain:
                hit.explain = {k: round(v[unit], 4) for k, v in ranking.parts.items() if v.get(unit)}
            result.hits.append(hit)
        if options.with_answers:
            self.add_answers(result.hits)
        if result.total < LITTLE:
            result.suggestion = suggestion(self.post, tree, text, budget)
        return result

    def add_answers(self, hits: list[Hit]) -> None:
        """Each question's answer: the text of the first passage that answers it."""
        for hit in (h for h in hits if h.answers):
            hit.answer = (self.searcher.document(passage_id=hit.answers[0]) or {}).get("text")

    def matching(self, text: str, options: Options) -> tuple[set[int], str]:
        """Every passage ``text`` matches in the kinds searched (what search's total counts), found without
        scoring, and why none can when the query itself is the reason. Bounded as a search is: what the
        limits cut is left in ``cuts``."""
        with limits.request() as budget, phrases.remembering():
            self.cuts = budget.cuts
            tree = read(text, aliases.load())
            if not tree.clauses:
                return set(), NO_WORDS
            plan = compile_plan(tree, self.searcher.reader())
            allowed = self.scope(plan, options)
            if not plan.concepts:  # filters only: every passage they let through
                return (allowed or set()) - self.excluded, ""
            return matching(self.post, plan.concepts, allowed, self.excluded), ""

    def rank(self, plan: Plan, options: Options) -> Ranking:
        """Scores for exactly the passages (or documents) that match, in the kinds shown."""
        allowed, excluded = self.scope(plan, options), self.excluded
        feedback = options.sort == "score" and plan.ranked_words
        ranking = rank(self.post, plan.concepts, allowed, excluded, feedback, options.by_doc, options.explain)
        if allowed is not None and not plan.concepts:  # filters only: every passage they let through
            ranking.scores = {ranking.units.unit_of(d): 0.0 for d in allowed - excluded}
            ranking.evidence = allowed - excluded
        return ranking

    def passages_of(self, query: Any) -> set[int]:
        """The passages ``query`` matches, as many as Whoosh finds before the time or memory runs out."""
        found: set[int] = set()
        budget = limits.current()
        for n, docnum in enumerate(self.searcher.docs_for_query(query)):
            if n % 4096 == 4095 and budget.exhausted(f"matching after {n + 1:,} passages"):
                break
            found.add(docnum)
        return found

    def scope(self, plan: Plan, options: Options) -> Optional[set[int]]:
        """The passages the query's filters allow (None: any), and ``excluded`` set to the kinds not searched."""
        self.excluded = frozenset() if options.all_kinds or plan.has_kind else self.hidden_kinds()
        return None if plan.ranked_words else self.passages_of(self.narrowing(plan, options))

    @staticmethod
    def narrowing(plan: Plan, options: Options) -> Any:
        """The query whose passages ranking may keep. Ranking keeps only passages its words match, so
        words narrowed by metadata (``vaccine year:2020``) need just the metadata's passages: matching
        the words through Whoosh as well would find the same passages again, at several times the cost.
        Ranking documents keeps a document by any passage the query matches, so there it is the query."""
        return plan.query if plan.filters is None or options.by_doc else plan.filters

    def kind(self, name: str) -> frozenset[int]:
        """The passages of one kind (found once per searcher)."""
        key = f"kind:{name}"
        if key not in self.post.cache:
            self.post.cache[key] = frozenset(self.searcher.docs_for_query(any_term("kind", [name])))
        return self.post.cache[key]

    def hidden_kinds(self) -> frozenset[int]:
        """Passages of kinds not shown by default (captions, boilerplate, teasers); found once per searcher."""
        if self._hidden is None:
            self._hidden = self._hidden_kinds()
        return self._hidden

    def _hidden_kinds(self) -> frozenset[int]:
        reader = self.searcher.reader()
        kinds = [k.decode() if isinstance(k, bytes) else k for k in reader.lexicon("kind")]
        hidden = [k for k in kinds if k not in DEFAULT_KINDS]
        return frozenset(self.searcher.docs_for_query(any_term("kind", hidden))) if hidden else frozenset()

    def order(self, ranking: Ranking, sort: str, n: Optional[int] = None) -> list[int]:
        """The first ``n`` units (all by default) best first, or newest first (a document's date is its
        first passage's), undated last."""
        scores = ranking.scores
        if sort != "date":
            return best_first(scores, n)
        dates = self.column("date")
        first = ranking.units.passages
        date = {u: dates(first([u])[0]) for u in scores}
        dated = sorted((u for u in scores if date[u]), key=lambda u: (date[u], scores[u], -u), reverse=True)
        return (dated + sorted((u for u in scores if not date[u]), key=lambda u: (-scores[u], u)))[:n]

    def representatives(self, plan: Plan, ranking: Ranking, docs: list[int]) -> list[tuple[int, int]]:
        """For each document, the passage that best matches (one matching by its own text if any, and a
        body passage rather than the headline, which the hit shows anyway), and how many other passages
        of it match in their own text."""
        units, evidence = ranking.units, ranking.evidence or set()
        members = {u: [d for d in units.passages([u]) if d not in self.excluded] or units.passages([u])
                   for u in docs}
        own = {u: [d for d in members[u] if d in evidence] for u in docs}
        scores = passage_scores(self.post, plan.concepts, sorted(d for u in docs for d in own[u]), ranking.raw)
        headlines = self.kind("title")
        picks = []
        for u in docs:
            pool = [d for d in own[u] if d not in headlines] or own[u] or members[u]
            best = max(pool, key=lambda d: (scores.get(d, 0.0), -d))
            picks.append((best, len(own[u]) - (best in evidence)))
        return picks

    def column(self, name: str) -> Any:
        """docnum -> a field's value, from its column when the schema has one, else from stored fields."""
        reader = self.searcher.reader()
        if reader.has_column(name):
            values = reader.column_reader(name)
            return lambda d: values[d] or ""
        return lambda d: self.searcher.stored_fields(d).get(name, "")


def parse(store: Store, text: str) -> Any:
    """The Whoosh query that ``text`` means (what it matches; highlighting walks it)."""
    with store.ix.searcher() as searcher:
        return parse_in(searcher, text)


def parse_in(searcher: Any, text: str) -> Any:
    """``parse`` with an open Whoosh searcher."""
    return compile_plan(read(text), searcher.reader()).query


def search(store: Store, text: str, limit: int = 10, page: int = 1, **options: Any) -> SearchResult:
    """The ``page``-th ``limit`` best passages for ``text`` (see :class:`Options` for the rest)."""
    with Searcher(store) as searcher:
        return searcher.search(text, Options(limit=limit, page=page, **options))
