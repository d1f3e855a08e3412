"""Line-end hyphens: a word split across two lines (``coopera-`` / ``tion``), or a compound whose own hyphen
fell at the line end (``self-`` / ``determination``). Joined wrongly, a compound becomes a word the
speaker never wrote; kept wrongly, a split word shows a hyphen. The first is a misquote, the second a
visible artefact, so the hyphen goes only on evidence that the joined form is the word:

1. the hyphenated form written elsewhere, in the document or in the corpus: keep (``self-determination``);
2. the joined form written unbroken elsewhere, in the document or in the corpus: join (``peacebuilding``);
3. the joined form in the English word list that ``pyspellchecker`` ships: join (``cooperation``);
4. anything else: keep.

A capitalised continuation (``Secretary-`` / ``General``) and a line that already holds a hyphen in its
last word (``co-opera-``) always keep it. The corpus evidence (hyphenated forms, and words written
unbroken) is collected from every file of the run that creates an index (or rebuilds it), saved in the
index folder as ``hyphens.json`` beside the sentence splitter's parameters, and reused by later runs, so
that an unchanged document keeps its text.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable, Optional

EVIDENCE_FILE = "hyphens.json"
_WORD = re.compile(r"[^\W\d_]+")
_HYPHENATED = re.compile(r"[^\W\d_]+-[^\W\d_]+")
# A word written whole: not a piece of a word broken at a line-end hyphen.
_WHOLE_WORD = re.compile(r"(?<![-\w])(?<!-\n)(?<!-\r\n)[^\W\d_]+(?![-\w])")
# The token right after a line-end hyphen: its first letters are the rest of a broken word.
_AFTER_BREAK = re.compile(r"(?:(?<=-\n)|(?<=-\r\n))\S+")


@dataclass(frozen=True)
class Evidence:
    """What a corpus writes: its hyphenated forms and its words written whole, lower-cased."""

    compounds: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()

    @classmethod
    def collect(cls, texts: Iterable[str]) -> "Evidence":
        """The evidence of ``texts``: what ``_HYPHENATED`` and ``_WHOLE_WORD`` find in each, lower-cased."""
        return cls.from_tokens(*token_sets(texts))

    @classmethod
    def from_tokens(cls, tokens: set[str], broken: set[str]) -> "Evidence":
        """The evidence of texts whose ``token_sets`` (united over texts) are ``tokens`` and ``broken``."""
        compounds: set[str] = set()
        words: set[str] = set()
        for token in tokens:
            if "-" in token:
                compounds.update(_HYPHENATED.findall(token))
            words.update(_WHOLE_WORD.findall(token))
        for token in broken - tokens:  # its first letters continue a word broken at a line end
            if "-" in token:
                compounds.update(_HYPHENATED.findall(token))
            words.update(m.group() for m in _WHOLE_WORD.finditer(token) if m.start())
        return cls(frozenset(map(str.lower, compounds)), frozenset(map(str.lower, words)))

    def save(self, directory: Path) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".hyphens-", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"compounds": sorted(self.compounds), "words": sorted(self.words)}, out, ensure_ascii=False,
                      separators=(",", ":"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the index's other files are not
        os.replace(tmp, directory / EVIDENCE_FILE)


@lru_cache(maxsize=4)
def load_evidence(path: str) -> Evidence:
    """The corpus evidence saved at ``path`` (once per process); none when there is no such file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        data = {}
    return Evidence(frozenset(data.get("compounds", ())), frozenset(data.get("words", ())))


def token_sets(texts: Iterable[str]) -> tuple[set[str], set[str]]:
    """The distinct whitespace-delimited tokens of ``texts``: those met at least once other than right after
    a line-end hyphen, and those met only there (per text).

    Neither evidence pattern reaches across white space, so scanning each distinct token once finds what
    scanning every text finds (a corpus repeats its tokens: about 5 times faster). The one rule that looks
    across white space, a word right after a line-end hyphen not being whole, is why the second set is kept.
    Sets of several texts (files read in several processes) are united before ``Evidence.from_tokens``."""
    tokens: set[str] = set()
    broken: set[str] = set()
    for text in texts:
        split = text.split()
        after = _AFTER_BREAK.findall(text) if "-\n" in text or "-\r\n" in text else None
        if after:
            seen = Counter(split)
            only = {t for t, n in Counter(after).items() if seen[t] <= n}
            broken.update(only)
            tokens.update(t for t in seen if t not in only)
        else:
            tokens.update(split)
    return tokens, broken


def ensure_evidence(directory: Path, fresh: bool, collect: Callable[[], Evidence]) -> Path:
    """The index's corpus evidence file, collected now (``collect()``: the evidence of every file of the
    run) for a new or rebuilt index (or one that lost it); otherwise left as it is."""
    path = directory / EVIDENCE_FILE
    if fresh or not path.exists():
        collect().save(directory)
    return path


@lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """English words (lower case, inflected forms included) from the list ``pyspellchecker`` ships; empty
    when it is not installed (then only the document and the corpus can vouch for a joined word)."""
    try:
        data = (resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    except (ModuleNotFoundError, OSError):
        return frozenset()
    return frozenset(json.loads(gzip.decompress(data)))


class Vocabulary:
    """A document's words and the corpus evidence: whether a line-end hyphen splits a word or a compound."""

    def __init__(self, text: str, corpus: Optional[Evidence] = None) -> None:
        self._text = text
        self._corpus = corpus or Evidence()
        self._words: Optional[Counter[str]] = None
        self._compounds: set[str] = set()

    def drop_hyphen(self, line: str, nxt: str) -> bool:
        """``coopera-`` + ``tion`` → drop; ``self-`` + ``determination``, ``Secretary-`` + ``General`` → keep."""
        last = line.rsplit(None, 1)[-1][:-1]
        head = last.rsplit("-", 1)[-1]
        tail_match = _WORD.match(nxt)
        tail = tail_match.group() if tail_match else ""
        if not tail or not head or tail[0].isupper() or "-" in last:
            return False
        if self._words is None:
            self._words = Counter(w.lower() for w in _WHOLE_WORD.findall(self._text))
            self._compounds = {w.lower() for w in _HYPHENATED.findall(self._text)}
        joined, hyphened = (head + tail).lower(), f"{head}-{tail}".lower()
        if hyphened in self._compounds or hyphened in self._corpus.compounds:
            return False
        return bool(self._words[joined]) or joined in self._corpus.words or joined in dictionary()
