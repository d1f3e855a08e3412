"""A rebuild beside the live index: built in a staging folder inside it, then swapped in by one rename.

``searchkit index --rebuild`` writes the new index into ``<index>/searchkit-rebuild/`` with the ordinary
commit protocol, while searches, ``show``, ``cite`` and ``verify`` keep opening the live index. When the
new index is complete, its segments are moved into the index folder (their names are random: nothing
collides), its manifest is saved as the next generation and its table of contents (TOC) is renamed into
place last: that rename is the swap. A rebuild killed at any moment before it leaves the old index whole;
killed after it, the new one. The staging folder left by a killed rebuild is removed by the next writer.

Files of the index that are not commits (the sentence splitter's parameters, named artifacts) move after
the swap; a marker in the staging folder names the generation they belong to, so that a run killed
between the swap and their move has them moved by the next writer.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Optional

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from searchkit.store.commits import TOC_PATTERN, clean, read_toc, segment_id, toc_generations, write_toc
from searchkit.store.manifest import (
    MANIFEST_PATTERN,
    TEMP_PREFIX,
    fsync_dir,
    load_manifest,
    manifest_generations,
    save_manifest,
)

STAGING = "searchkit-rebuild"
MARKER = "swapped.json"  # in the staging folder, once its TOC has been renamed into the index folder
STALE_ARTIFACTS = "artifact.*.json"  # an index's named artifacts: a rebuild drops those it did not make


def staging_folder(directory: Path) -> Path:
    return Path(directory) / STAGING


def start(directory: Path) -> Path:
    """An empty staging folder for a rebuild of ``directory`` (call with the index's write lock held)."""
    finish_leftover(directory)
    staging = staging_folder(directory)
    staging.mkdir()
    return staging


def finish_leftover(directory: Path) -> None:
    """What a killed rebuild left: its artifacts moved when its swap had happened, then the folder removed."""
    staging = staging_folder(directory)
    if not staging.is_dir():
        return
    swapped = swapped_generation(staging)
    if swapped is not None and swapped in toc_generations(directory):
        move_artifacts(staging, directory)
    shutil.rmtree(staging, ignore_errors=True)


def swapped_generation(staging: Path) -> Optional[int]:
    try:
        return int(json.loads((staging / MARKER).read_text(encoding="utf-8"))["generation"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def swap_in(staging: Path, directory: Path) -> int:
    """Make the newest commit of ``staging`` the newest commit of ``directory``; its generation there."""
    built = toc_generations(staging)[0]
    manifest = load_manifest(staging, built)
    toc = read_toc(FileStorage(str(staging)), built)
    live = newest_segments(directory)
    gens = toc_generations(directory) + manifest_generations(directory)
    target = max(gens) + 1 if gens else 0
    wanted = {segment.segment_id() for segment in toc.segments}
    for name in os.listdir(staging):
        if segment_id(name) in wanted:
            os.rename(staging / name, directory / name)
    fsync_dir(directory)
    save_manifest(directory, target, manifest)
    (staging / MARKER).write_text(json.dumps({"generation": target}), encoding="utf-8")
    write_toc(directory, TOC(toc.schema, toc.segments, target))  # the swap
    move_artifacts(staging, directory)
    kept = {target} | ({live[0]} if live else set())
    clean(directory, kept, wanted | (live[1] if live else set()))
    shutil.rmtree(staging, ignore_errors=True)
    return target


def newest_segments(directory: Path) -> Optional[tuple[int, set[str]]]:
    """The live index's newest readable generation and its segments (kept one commit, as every commit does)."""
    storage = FileStorage(str(directory))
    for gen in toc_generations(directory):
        try:
            return gen, {segment.segment_id() for segment in read_toc(storage, gen).segments}
        except Exception:  # a damaged TOC: the one before is the one readers fall back to
            continue
    return None


def move_artifacts(staging: Path, directory: Path) -> None:
    """The rebuilt index's other files (sentence-splitter parameters, artifacts) replace the old ones."""
    made = {name for name in os.listdir(staging) if is_artifact(staging / name)}
    for old in Path(directory).glob(STALE_ARTIFACTS):
        if old.name not in made:
            old.unlink(missing_ok=True)
    (Path(directory) / "searchkit.json").unlink(missing_ok=True)  # a format-1 manifest, if the old index had one
    for name in made:
        os.replace(staging / name, Path(directory) / name)
    fsync_dir(directory)


def is_artifact(path: Path) -> bool:
    name = path.name
    commit_file = TOC_PATTERN.match(name) or MANIFEST_PATTERN.match(name) or segment_id(name)
    return path.is_file() and not commit_file and name != MARKER and not name.startswith((TEMP_PREFIX, "."))
