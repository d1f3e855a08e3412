"""Sentence boundaries at index time: nltk's Punkt, trained on the corpus, never downloaded.

When an index is created (or rebuilt) Punkt learns abbreviations, collocations and sentence starters from
a bounded sample of the documents being indexed; its parameters are stored in the index directory and
reused by every later run, so an unchanged document keeps its passage ids. Sentence spans are stored per
passage, so highlighting and citing whole sentences never needs nltk on the query path.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

PARAMS_FILE = "punkt.json"
_INNER_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+\S")
SAMPLE_CHARS = 600_000  # ~2 s of training; more text hardly changes what Punkt learns
DOC_CHARS = 20_000  # no single document dominates the sample
Reader = Callable[[Path], Iterable[Any]]  # a file's documents (and notices of what was skipped)
CONTEXT_CACHE = 100_000  # sentence-break decisions remembered (a few MB)
# Abbreviations frequent in policy texts that a modest sample may not teach Punkt.
KNOWN_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "no", "nos", "art", "arts", "para", "paras", "vol", "p", "pp", "cf", "vs",
    "e.g", "i.e", "etc", "u.s", "u.k", "u.n", "u.s.a", "e.u", "h.e", "gen", "gov", "sen", "rep", "prof", "hon",
    "amb", "dept", "approx", "fig", "jr", "sr", "co", "corp", "inc", "ltd", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m", "d.c", "op", "cit", "ibid", "viz",
}


class Sentencer:
    """Punkt with this index's parameters."""

    def __init__(self, params: Any) -> None:
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        params.abbrev_types.update(KNOWN_ABBREVIATIONS)
        self.params = params
        self._tokenizer = PunktSentenceTokenizer(params, lang_vars=language_vars())
        # Whether a candidate break's context ("Nations. The") holds a sentence break depends on the context
        # and the parameters alone; it is three quarters of Punkt's time, and a third of contexts recur.
        decide, known = self._tokenizer.text_contains_sentbreak, {}

        def contains_sentbreak(context: str) -> bool:
            found = known.get(context)
            if found is None:
                if len(known) >= CONTEXT_CACHE:
                    known.clear()
                found = known[context] = decide(context)
            return found

        self._tokenizer.text_contains_sentbreak = contains_sentbreak

    @classmethod
    def train(cls, texts: Iterable[str], budget: int = SAMPLE_CHARS) -> "Sentencer":
        from nltk.tokenize.punkt import PunktTrainer

        trainer = PunktTrainer(lang_vars=language_vars())
        used = 0
        for text in texts:
            chunk = text[: min(DOC_CHARS, budget - used)]
            if chunk.strip():
                trainer.train(chunk, finalize=False)
            used += len(chunk)
            if used >= budget:
                break
        trainer.finalize_training()
        return cls(trainer.get_params())

    @classmethod
    def load(cls, directory: Path) -> Optional["Sentencer"]:
        from nltk.tokenize.punkt import PunktParameters

        try:
            data = json.loads((directory / PARAMS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        params = PunktParameters()
        params.abbrev_types = set(data["abbrev_types"])
        params.collocations = {tuple(pair) for pair in data["collocations"]}
        params.sent_starters = set(data["sent_starters"])
        for word, flags in data["ortho_context"].items():
            params.ortho_context[word] = flags
        return cls(params)

    def save(self, directory: Path) -> None:
        p = self.params
        data = {
            "abbrev_types": sorted(p.abbrev_types), "collocations": sorted(p.collocations),
            "sent_starters": sorted(p.sent_starters), "ortho_context": dict(sorted(p.ortho_context.items())),
        }
        fd, tmp = tempfile.mkstemp(prefix=".punkt-", dir=directory)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the index's other files are not
        os.replace(tmp, directory / PARAMS_FILE)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every sentence of ``text``."""
        if not _INNER_END.search(text):  # no full stop before the end: one sentence, no need to ask Punkt
            return [(0, len(text))] if text else []
        return [(int(s), int(e)) for s, e in self._tokenizer.span_tokenize(text)]


def language_vars() -> Any:
    """Punkt's language variables with its two busiest patterns (words, sentence-end contexts) compiled by
    ``re``: nltk runs each of its patterns through the ``regex`` engine under a per-call timeout, a guard
    against caller-supplied patterns that these fixed ones do not need (segmentation: 5-10% faster)."""
    global _LanguageVars
    if _LanguageVars is None:
        from nltk.tokenize.punkt import PunktLanguageVars

        class PlainLanguageVars(PunktLanguageVars):
            __slots__ = ()

            def _word_tokenizer_re(self) -> Any:
                if not isinstance(getattr(self, "_re_word_tokenizer", None), re.Pattern):
                    self._re_word_tokenizer = same_in_re(super()._word_tokenizer_re())
                return self._re_word_tokenizer

            def period_context_re(self) -> Any:
                if not isinstance(getattr(self, "_re_period_context", None), re.Pattern):
                    self._re_period_context = same_in_re(super().period_context_re())
                return self._re_period_context

        _LanguageVars = PlainLanguageVars
    return _LanguageVars()


_LanguageVars: Any = None


def same_in_re(pattern: Any) -> re.Pattern:
    """A Punkt pattern (built of literals, classes, ``\\s`` and ``\\S``) compiled by ``re`` to match as
    ``regex`` does: the engines differ only in that ``re``'s ``\\s`` also takes \\x1c-\\x1f (checked
    over every code point), so that is spelled out."""
    source = pattern.pattern.replace(r"\S", "\0").replace(r"\s", r"[^\S\x1c-\x1f]").replace("\0", r"[\S\x1c-\x1f]")
    return re.compile(source, re.UNICODE | re.VERBOSE)


def ensure_params(directory: Path, fresh: bool, files: list[str], read: Optional[Reader] = None) -> Path:
    """The index's Punkt parameters file, trained now on a sample of ``files`` for a new or rebuilt index
    (or one that lost it); otherwise left as it is, so that later runs segment as earlier ones did.
    ``read(path)`` gives a file's documents (``read_file`` when None)."""
    path = directory / PARAMS_FILE
    if fresh or not path.exists():
        Sentencer.train(sample_texts([Path(f) for f in files], read=read)).save(directory)
    return path


@lru_cache(maxsize=4)
def load_cached(path: str) -> Optional[Sentencer]:
    """The sentencer stored at ``path`` (once per process; workers each load it)."""
    return Sentencer.load(Path(path).parent) if path else None


def sample_texts(files: list[Path], budget: int = SAMPLE_CHARS, read: Optional[Reader] = None) -> Iterable[str]:
    """Documents spread evenly over ``files``, about ``budget`` characters of them."""
    from searchkit.ingest.files import Document, read_file

    if not files:
        return
    step = max(1, len(files) // max(1, budget // DOC_CHARS))
    used = 0
    for path in files[::step] + [f for i, f in enumerate(files) if i % step]:
        items = read(path) if read is not None else read_file(path, path.name)
        for item in islice(items, 50):  # a JSONL file: its first records
            if isinstance(item, Document):
                used += min(len(item.text), DOC_CHARS)
                yield item.text
        if used >= budget:
            return
