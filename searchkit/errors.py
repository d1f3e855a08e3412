"""Exit codes and the package's own exceptions.

Library code raises these; only the CLI (``cli/common.handle_errors``) turns them into click errors, so
that a user sees one line on stderr saying what to do, never a traceback.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """grep's convention: 0 found or done, 1 nothing found, 2 error."""

    FOUND = 0
    NOT_FOUND = 1
    ERROR = 2


class SearchkitError(Exception):
    """Base of every error searchkit reports to a user; the message says what to do."""


class IndexMissing(SearchkitError):
    """No index at the given location."""


class IndexIncompatible(SearchkitError):
    """An index written by another format or analyzer version."""


class IndexLocked(SearchkitError):
    """Another process holds the index's write lock."""


class IndexWriteError(SearchkitError):
    """The index could not be written (disk full, permissions); it keeps its last commit."""


class InputError(SearchkitError):
    """A path, file or line that cannot be used as input."""


class QueryError(SearchkitError):
    """A query that cannot be run at all (an empty one)."""
