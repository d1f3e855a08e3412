"""Counts drawn as a chart (SVG, PNG or PDF, by the file's suffix) with matplotlib, an optional extra:
``pip install 'searchkit[plot]'``. One field gives bars (a line over years or months); two fields give one
line per value of the first (the most frequent few) over the values of the second."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from searchkit.errors import InputError
from searchkit.render.counts import rate_name, shown
from searchkit.search.counts import TIMELINES, Counts

SUFFIXES = (".svg", ".png", ".pdf")
MOST_LINES = 8


def pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")  # a file, never a window: works without a display
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("--plot needs matplotlib, which is not installed: pip install 'searchkit[plot]'") from None
    return plt


def check_plot(path: Path) -> None:
    """Before any work: a chart can be drawn (matplotlib is there) into ``path`` (a known suffix, a folder)."""
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"--plot {path}: give a file ending in {', '.join(SUFFIXES)}")
    if not path.absolute().parent.is_dir():
        raise InputError(f"--plot {path}: no folder {path.absolute().parent}; create it or give another path")
    pyplot()


def plot_counts(counts: Counts, path: Path) -> None:
    """Draw ``counts`` into ``path``."""
    plt = pyplot()
    figure, axes = plt.subplots(figsize=(10, 4.5))
    value = (lambda r: r.rate or 0.0) if counts.per else (lambda r: r.count)
    if len(counts.fields) == 1:
        labels = [shown(r.values[0]) for r in counts.rows]
        heights = [value(r) for r in counts.rows]
        if counts.fields[0] in TIMELINES:
            axes.plot(labels, heights, marker="o", markersize=3)
        else:
            axes.bar(labels, heights)
    else:
        firsts = list(dict.fromkeys(r.values[0] for r in counts.rows))[:MOST_LINES]
        for first in firsts:
            rows = [r for r in counts.rows if r.values[0] == first]
            axes.plot([shown(r.values[1]) for r in rows], [value(r) for r in rows], marker="o", markersize=3,
                      label=shown(first))
        axes.legend(title=counts.fields[0], fontsize="small")
    axes.set_title(f"{counts.query}")
    axes.set_xlabel(counts.fields[-1])
    axes.set_ylabel(f"{counts.unit} {rate_name(counts)} {counts.unit}" if counts.per else counts.unit)
    axes.tick_params(axis="x", labelrotation=90 if len(axes.get_xticks()) > 12 else 0, labelsize="small")
    figure.tight_layout()
    try:
        figure.savefig(path)
    except OSError as exc:
        raise InputError(f"--plot {path}: cannot write it ({exc.strerror}); check the folder") from None
    finally:
        plt.close(figure)
