"""What several benches share: where the checkout and the shared data are, and a percentile.

A bench run as ``python bench/NAME.py`` has ``bench/`` first on ``sys.path``, so ``import common`` finds
this file without ``bench`` being a package.
"""

from __future__ import annotations

import os
from pathlib import Path

# A bench runs each command in its own process unless it says otherwise (bench/scale.py times the server
# started on first use on purpose): servers left behind by one bench would answer another's commands.
os.environ.setdefault("SEARCHKIT_AUTOSERVE", "0")

REPO = Path(__file__).resolve().parents[1]
# The read-only corpora and test collections sit beside the checkout, not inside it.
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


def percentile(values: list[float], q: float) -> float:
    """The value at rank ``round(q * (n - 1))`` of the sorted values (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]
