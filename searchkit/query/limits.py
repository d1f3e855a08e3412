"""Bounds on what one request may cost, in one place: every search, batch line, citation and served
command reads the same settings and says the same things when it hits one.

A setting is a field of :class:`Limits`; ``$SEARCHKIT_MAX_<NAME>`` overrides it (``SEARCHKIT_MAX_SECONDS=5``).
A request runs inside :func:`request`, which starts a :class:`Budget`: its clock (processor time, so that
a loaded machine slows an answer down but does not cut it short), its memory mark and the notes of what
was cut. Code anywhere below asks :func:`current` whether time or memory is left and records
what it left out; the caller shows the notes (stderr, and the ``limits`` key in JSON). A request that
cannot be cut short (the Whoosh matching of a huge query) is stopped by a processor-time timer at
``HARD_FACTOR`` times the budget with :class:`Overrun`, which the caller turns into a one-line error.

>>> bound_text("(((a)))", Limits(depth=1), Budget(Limits()))
'(  a  )'
>>> Limits.from_env({"SEARCHKIT_MAX_CLAUSES": "7"}).clauses
7
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from typing import Any, Iterator, Mapping, Optional

from searchkit.analysis.chain import terms
from searchkit.errors import InputError, QueryError
from searchkit.query import alarms
from searchkit.query.tree import Field, Group, Node, Pattern, Phrase, Words

HARD_FACTOR = 1.25  # past this many times its time limit, a request is stopped where it stands
ENV_PREFIX = "SEARCHKIT_MAX_"


@dataclass(frozen=True)
class Limits:
    """What one request may use. Each is a setting: ``$SEARCHKIT_MAX_`` + its name in capitals."""

    query_chars: int = 10_000  # characters of a query or quotation read (a pasted page or two fit)
    clauses: int = 1024  # different words, phrases, wildcards and fields of a query read, in order (Lucene's)
    phrase_words: int = 32  # words of one quoted phrase matched in order (the first ones)
    depth: int = 16  # nested parentheses kept; deeper ones are read as spaces
    expansions: int = 64  # index terms one wildcard or fuzzy word stands for: the most frequent are kept
    expanded_terms: int = 256  # index terms all of a query's wildcards stand for, shared among them (8 each at least)
    scanned_terms: int = 100_000  # index terms (per segment) looked at to expand all of a query's wildcards
    edit_chars: int = 32  # longest word matched within typing errors (fuzzy~) or given a spelling suggestion
    suggested_words: int = 8  # words of one query looked at for a spelling suggestion
    seconds: float = 1.0  # processor time a request may take before it stops and returns what it has
    memory_mb: int = 200  # memory a request may add to the process, as far as its size can tell

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Limits":
        """The defaults, with each ``$SEARCHKIT_MAX_<NAME>`` that is set in place of its default (made
        once per combination of settings: every request asks)."""
        raws = tuple(env.get(name, "").strip() for name in _ENV_NAMES)
        held = _MADE.get(raws)
        if held is None:
            if len(_MADE) >= 64:
                _MADE.clear()
            held = _MADE[raws] = cls._with(raws)
        return held

    @classmethod
    def _with(cls, raws: tuple[str, ...]) -> "Limits":
        changes: dict[str, Any] = {}
        for f, name, raw in zip(fields(cls), _ENV_NAMES, raws):
            if not raw:
                continue
            kind = float if f.type in ("float", float) else int
            try:
                value = kind(raw)
            except ValueError:
                value = -1
            if not value > 0:
                raise InputError(f"{name}={raw!r} is not a positive number; set it to one, or unset it "
                                 f"for the default ({getattr(cls, f.name)})")
            changes[f.name] = value
        return replace(cls(), **changes) if changes else cls()


_ENV_NAMES = tuple(ENV_PREFIX + f.name.upper() for f in fields(Limits))
_MADE: dict[tuple[str, ...], Limits] = {}  # the limits of each combination of settings seen


def setting(name: str) -> str:
    """The environment variable that sets ``name``."""
    return ENV_PREFIX + name.upper()


class Overrun(BaseException):
    """A request stopped by the hard timer. A BaseException, so that no ``except Exception`` on the way
    swallows it; callers turn it into :class:`TooCostly`."""


class TooCostly(QueryError):
    """A request that could not be answered within its bounds, not even in part (a batch goes on)."""


def rss_mb() -> float:
    """This process's resident memory now, in MiB (0 where /proc is missing)."""
    try:
        return int(os.pread(_statm(), 256, 0).split()[1]) * _PAGE_MB
    except (OSError, ValueError, IndexError, AttributeError):  # no /proc, or no os.pread (Windows)
        return 0.0


_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 0.0
_STATM: list[int] = []  # [pid, descriptor]: /proc/self names the process that opened it, so a fork reopens


def _statm() -> int:
    """``/proc/self/statm`` held open (each request reads it; opening it cost a tenth of a count)."""
    pid = os.getpid()
    if not _STATM or _STATM[0] != pid:
        if _STATM:
            os.close(_STATM[1])  # the parent's, inherited
        _STATM[:] = [pid, os.open("/proc/self/statm", os.O_RDONLY)]
    return _STATM[1]


@dataclass
class Budget:
    """One request's clock, memory mark and notes of what was cut (each said once)."""

    limits: Limits
    # Processor time of this thread: what the request costs, whatever else the machine runs meanwhile.
    started: float = field(default_factory=time.thread_time)
    base_mb: float = field(default_factory=rss_mb)
    cuts: list[str] = field(default_factory=list)
    spent: bool = False  # time or memory ran out (said once, where it happened)

    def elapsed(self) -> float:
        return time.thread_time() - self.started

    def cut(self, note: str) -> None:
        if note not in self.cuts:
            self.cuts.append(note)

    def exhausted(self, doing: str) -> bool:
        """Whether time or memory ran out; the first time, notes that ``doing`` stopped there."""
        if self.spent:
            return True
        self.spent = True
        if self.elapsed() > self.limits.seconds:
            self.cut(f"stopped {doing} at the {self.limits.seconds:g} s time limit ({setting('seconds')}); "
                     "fewer words or wildcards answer sooner")
            return True
        grown = rss_mb() - self.base_mb
        if grown > self.limits.memory_mb:
            self.cut(f"stopped {doing} after {grown:.0f} MB ({setting('memory_mb')}={self.limits.memory_mb}); "
                     "fewer words or wildcards need less")
            return True
        self.spent = False
        return False


_current: ContextVar[Optional[Budget]] = ContextVar("searchkit_budget", default=None)


def current() -> Budget:
    """The running request's budget; outside any request, a fresh one with the settings of the environment."""
    budget = _current.get()
    return budget if budget is not None else Budget(Limits.from_env())


@contextlib.contextmanager
def request(limits: Optional[Limits] = None) -> Iterator[Budget]:
    """Run a request on a budget; inside another request, share that one's."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    budget = Budget(limits or Limits.from_env())
    token = _current.set(budget)
    try:
        with hard_stop(budget.limits.seconds * HARD_FACTOR):
            yield budget
    except Overrun:
        raise TooCostly(f"the request took {budget.limits.seconds * HARD_FACTOR:g} s of processor time and was stopped "
                        f"({setting('seconds')}={budget.limits.seconds:g}); narrow it: fewer words, "
                        "phrases or wildcards") from None
    finally:
        _current.reset(token)


@contextlib.contextmanager
def hard_stop(seconds: float) -> Iterator[None]:
    """Raise :class:`Overrun` in this thread after ``seconds`` of its processor time: by a signal in the
    main thread (a timer someone else set is left alone), by an alarm (``alarms.py``) in any other."""
    if threading.current_thread() is not threading.main_thread():
        with thread_stop(seconds):
            yield
        return
    if not hasattr(signal, "setitimer") or signal.getitimer(signal.ITIMER_PROF)[0] > 0:  # a profiler's timer
        yield
        return

    def overrun(signum: int, frame: Any) -> None:
        raise Overrun()

    previous = signal.signal(signal.SIGPROF, overrun)
    signal.setitimer(signal.ITIMER_PROF, seconds)  # counts processor time, as the budget does
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@contextlib.contextmanager
def thread_stop(seconds: float) -> Iterator[None]:
    ident = threading.get_ident()
    try:
        alarm = alarms.after_cpu(seconds, lambda: alarms.stop_thread(ident, Overrun))
    except (AttributeError, OSError):  # no per-thread CPU clocks on this system: the server's wall limit
        yield
        return
    try:
        yield
    finally:
        if alarms.cancel(alarm):
            alarms.unstop_thread(ident)  # fired as the request ended: not raised later, elsewhere


def bound_text(text: str, limits: Limits, budget: Budget) -> str:
    """``text`` cut to ``query_chars`` (at a space when there is one near) and with parentheses nested
    deeper than ``depth`` read as spaces (the parser descends once per level). A lone surrogate (a byte
    of the command line that was not UTF-8) becomes U+FFFD, which no index term holds either."""
    if not text.isascii():
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if len(text) > limits.query_chars:
        whole, head = len(text), text[: limits.query_chars]
        space = head.rfind(" ", limits.query_chars // 2)
        text = head[:space] if space > 0 else head
        budget.cut(f"read the first {len(text):,} of {whole:,} characters "
                   f"({setting('query_chars')}={limits.query_chars}); shorten the query")
    if text.count("(") > limits.depth:
        text = flatten(text, limits.depth, budget)
    return text


def flatten(text: str, depth: int, budget: Budget) -> str:
    out, level, dropped = [], 0, False
    for piece in re.split(r"([()])", text):
        if piece == "(":
            level += 1
            if level > depth:
                piece, dropped = " ", True
        elif piece == ")":
            if level > depth:
                piece, dropped = " ", True
            level = max(level - 1, 0)
        out.append(piece)
    if dropped:
        budget.cut(f"read parentheses nested deeper than {depth} as spaces ({setting('depth')})")
    return "".join(out)


def bound_tree(tree: Group, limits: Limits, budget: Budget) -> Group:
    """The tree with its first ``clauses`` distinct leaves (words, phrases, wildcards, fields) in reading
    order, and fuzzy words longer than ``edit_chars`` read as written. A leaf repeated is not another
    clause: pasted prose says its key words again and again, and each time weighs them more, not costs more."""
    left = [limits.clauses]
    bounded = prune(tree, left, {}, limits, budget)  # leaf -> kept
    if left[0] < 0:
        total = limits.clauses - left[0]
        budget.cut(f"read the first {limits.clauses} of {total:,} different words, phrases, wildcards and fields "
                   f"({setting('clauses')}); search for fewer at a time")
    return bounded


def prune(group: Group, left: list[int], seen: dict[Any, bool], limits: Limits, budget: Budget) -> Group:
    out = Group()
    for occur, node in group.clauses:
        if isinstance(node, Group):
            inner = prune(node, left, seen, limits, budget)
            if inner.clauses:
                out.clauses.append((occur, inner))
            continue
        key = (occur, node)
        if key not in seen:
            left[0] -= 1
            seen[key] = left[0] >= 0
        if seen[key]:
            out.clauses.append((occur, unfuzzy(node, limits, budget)))
    return out


def unfuzzy(node: Node, limits: Limits, budget: Budget) -> Node:
    """A fuzzy word too long to compare within typing errors in bounded time, as the word itself; a phrase
    of more than ``phrase_words`` words, as its first ones."""
    if isinstance(node, Field) and node.node is not None:
        inner = unfuzzy(node.node, limits, budget)
        return node if inner is node.node else replace(node, node=inner)  # type: ignore[arg-type]
    if isinstance(node, Phrase) and len(node.terms) > limits.phrase_words:
        budget.cut(f"matched the first {limits.phrase_words} of a phrase's {len(node.terms):,} words "
                   f"({setting('phrase_words')}); quote a shorter part of it")
        return replace(node, terms=node.terms[: limits.phrase_words])
    if not (isinstance(node, Pattern) and node.fuzzy and len(node.text) > limits.edit_chars):
        return node
    budget.cut(f"matched a {len(node.text):,}-letter word as written, not within typing errors: fuzzy~ "
               f"takes words of up to {limits.edit_chars} letters ({setting('edit_chars')})")
    return Words(node.text, tuple(terms(node.text)))
