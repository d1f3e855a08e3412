"""Wildcards and fuzzy words against the index: which index terms a pattern stands for.

``plan.Compiler.expand`` keeps the most frequent of them, within the query's limits (``limits.py``);
this module only reads the term lists, segment by segment.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from searchkit.query.tree import Field, Group, Node, Pattern

TEXT_FIELDS = ("text", "title")


def patterns_of(node: Node) -> Iterator[Pattern]:
    """The wildcards and fuzzy words of a tree, as often as typed."""
    if isinstance(node, Group):
        for _, child in node.clauses:
            yield from patterns_of(child)
    elif isinstance(node, Field) and node.node is not None:
        yield from patterns_of(node.node)
    elif isinstance(node, Pattern):
        yield node


def pattern_terms(reader: Any, pattern: str) -> Iterator[tuple[Optional[str], int]]:
    """Index terms (stems) matching a wildcard, with their passage frequency in the text (0 for a term of
    titles only), and None for each term looked at that does not match. The index holds stems, so
    ``cooperat*`` must also find ``cooper``, the stem of "cooperation": a stem that the pattern's literal
    start begins with counts when the stemmer can have cut it there (it removes at most a few letters)."""
    prefix = re.split(r"[*?]", pattern, 1)[0]
    regex = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))
    # Every match starts with the literal prefix; a cut stem with all but its last four letters of it.
    scan = prefix if len(prefix) < 4 else prefix[: max(3, len(prefix) - 4)]
    # Segment by segment: a multi-segment reader merges every term's entries, ten times the cost; a term
    # in several segments is yielded once per segment (the caller adds its frequencies up).
    leaves = [leaf for leaf, _ in reader.leaf_readers()]
    for leaf, fieldname in ((leaf, f) for f in TEXT_FIELDS for leaf in leaves):
        for raw, info in leaf.iter_prefix(fieldname, scan):
            term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if regex.fullmatch(term) or (len(prefix) >= 4 and cut_stem(prefix, term)
                                         and len(prefix) - len(term) <= 3 and prefix == pattern.rstrip("*")):
                yield term, info.doc_frequency() if fieldname == "text" else 0
            else:
                yield None, 0


def explain_pattern(node: Pattern) -> str:
    return node.text + (f"~{node.fuzzy}" if node.fuzzy else "")


def cut_stem(prefix: str, term: str) -> bool:
    """Whether ``term`` can be the stem of a word starting with ``prefix``: the stemmer cuts an ending and
    may end the stem with an ``e`` or an ``i`` of its own (``happy`` -> ``happi``), nothing else, so
    ``terror*`` does not reach ``term``."""
    return prefix.startswith(term) or (term[-1:] in ("e", "i") and prefix.startswith(term[:-1]))
