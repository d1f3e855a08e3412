"""The alias table: names that mean the same thing (``Viet Nam``/``Vietnam``, ``DPRK``/``North Korea``).

Applied at query time, so editing the table needs no re-index. The shipped table is ``aliases.tsv`` (one
group a line, forms tab-separated); ``$SEARCHKIT_ALIASES`` names a user file in the same format whose
groups extend it (groups that share a form merge).

>>> table = AliasTable.from_lines(["Viet Nam\\tVietnam", "DOC\\tDeclaration on the Conduct of Parties"])
>>> from searchkit.query.parser import parse
>>> from searchkit.query.tree import explain
>>> explain(apply(parse("Vietnam fishing"), table))
'{"viet nam"|vietnam} fish'
>>> explain(apply(parse("DOC doc"), table))
'{=DOC|"declar conduct parti"} doc'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Iterable, Optional, Union

from searchkit.analysis.chain import terms
from searchkit.errors import InputError
from searchkit.query.tree import MUST_NOT, Alias, Field, Group, Node, Phrase, Words, is_acronym

ENV = "SEARCHKIT_ALIASES"
Key = tuple[str, ...]  # ("=", "DOC") for an acronym, else the form's analyzed terms
Form = Union[Words, Phrase]


def form_node(text: str) -> Optional[tuple[Key, Form]]:
    """How one form of the table is matched: an acronym as written, other forms by their terms."""
    text = text.strip()
    if is_acronym(text):
        return ("=", text), Words(text, (), exact=True)
    found = tuple(terms(text))
    if not found:
        return None
    return found, (Words(text, found) if len(found) == 1 else Phrase(text, found))


@dataclass
class AliasTable:
    groups: list[list[Form]] = field(default_factory=list)
    index: dict[Key, int] = field(default_factory=dict)
    longest: int = 1

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "AliasTable":
        table = cls()
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                table.add([f for f in (form_node(t) for t in line.split("\t")) if f])
        return table

    def add(self, forms: list[tuple[Key, Form]]) -> None:
        """Add one group; a form already in another group merges the two."""
        if len(forms) < 2:
            return
        merged = {self.index[k] for k, _ in forms if k in self.index}
        target = min(merged) if merged else len(self.groups)
        if not merged:
            self.groups.append([])
        for other in sorted(merged - {target}):
            for form in self.groups[other]:
                self._put(target, key_of(form), form)
            self.groups[other] = []
        for key, form in forms:
            self._put(target, key, form)

    def _put(self, group: int, key: Key, form: Form) -> None:
        if self.index.get(key) != group:
            self.index[key] = group
            self.groups[group].append(form)
            self.longest = max(self.longest, len(key))

    def lookup(self, key: Key) -> Optional[list[Form]]:
        group = self.index.get(key)
        return None if group is None else self.groups[group]


def key_of(form: Form) -> Key:
    return ("=", form.text) if isinstance(form, Words) and form.exact else form.terms


_CACHE: dict[tuple[str, float], AliasTable] = {}


def load(environ: Optional[dict[str, str]] = None) -> AliasTable:
    """The shipped table extended by ``$SEARCHKIT_ALIASES`` (cached while the file is unchanged)."""
    user = (environ if environ is not None else os.environ).get(ENV, "")
    stamp = 0.0
    if user:
        try:
            stamp = Path(user).stat().st_mtime
        except OSError:
            raise InputError(f"${ENV} names {user}, which cannot be read; fix the path or unset it") from None
    if (user, stamp) not in _CACHE:
        lines = (resources.files("searchkit.query") / "aliases.tsv").read_text(encoding="utf-8").splitlines()
        if user:
            try:
                lines += Path(user).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"${ENV} file {user} is unreadable ({exc}); it must be UTF-8 text") from None
        _CACHE[(user, stamp)] = AliasTable.from_lines(lines)
    return _CACHE[(user, stamp)]


NAME_FIELDS = ("source", "speaker", "title", "country")  # where a name may be written any way the table knows


def apply(node: Node, table: AliasTable) -> Node:
    """Replace runs of typed words that the table knows by an :class:`Alias` of all the group's forms; in a
    name field too (``source:MFA`` also finds a source written "Ministry of Foreign Affairs of the PRC")."""
    if isinstance(node, Field) and node.name in NAME_FIELDS and isinstance(node.node, Words):
        typed = node.node.text
        forms = (table.lookup(("=", typed)) if is_acronym(typed) else None) or table.lookup(node.node.terms)
        return replace(node, node=Alias(typed, tuple(forms))) if forms else node
    if not isinstance(node, Group):
        return node
    out = Group()
    clauses = node.clauses
    i = 0
    while i < len(clauses):
        occur, child = clauses[i]
        found = match_at(clauses, i, table) if occur != MUST_NOT and isinstance(child, Words) else None
        if found is None:
            out.clauses.append((occur, apply(child, table)))
            i += 1
            continue
        end, forms = found
        typed = " ".join(c.text for _, c in clauses[i:end])
        out.clauses.append((occur, Alias(typed, tuple(forms))))
        i = end
    return out


def match_at(clauses: list[tuple[str, Node]], start: int, table: AliasTable) -> Optional[tuple[int, list[Form]]]:
    """The longest run of words from ``start`` (same occurrence, plain words) that names a known group."""
    occur = clauses[start][0]
    first = clauses[start][1]
    if isinstance(first, Words) and first.exact:
        forms = table.lookup(("=", first.text))
        if forms:
            return start + 1, forms
    best = None
    key: Key = ()
    for end in range(start, len(clauses)):
        o, child = clauses[end]
        if o != occur or not isinstance(child, Words) or not child.terms:
            break
        key = key + child.terms
        if len(key) > table.longest:
            break
        forms = table.lookup(key)
        if forms:
            best = (end + 1, forms)
    return best
