"""When a cache entry was last used: a stamp file beside it, touched by the pipeline.

The stamp sits *beside* the entry (``<entry>.used``), never inside it, so a worktree's
``git status`` and an env's content are untouched.  ``harness gc`` takes the newest of the
stamp, the entry's completion marker and the store's run history.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("harness.maintenance")

SUFFIX = ".used"
MARKERS = (".harness-complete",)  # cache.MARKER, inside an entry


def stamp_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def touch_used(path: Path) -> None:
    """Record that ``path`` (an env, worktree or mirror) is used now.  Never fails a run."""
    stamp = stamp_path(path)
    try:
        stamp.touch()
        os.utime(stamp)
    except OSError:
        log.debug("cannot stamp %s", stamp, exc_info=True)


def mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def last_used(path: Path, *extra: Path) -> float:
    """The newest sign of use of ``path``: its stamp, markers, the entry itself, ``extra``."""
    signs = [stamp_path(path), path, path.with_name(path.name + ".done"), *extra]
    signs += [path / m for m in MARKERS]
    return max(mtime(p) for p in signs)
