"""When a cache entry was last used: a stamp file beside it, touched by the pipeline.

The stamp sits *beside* the entry (``<entry>.used``), never inside it, so a worktree's
``git status`` and an env's content are untouched.  ``harness gc`` takes the newest of the
stamp, the entry's completion marker and the store's run history.
"""
from __future__ import annotations

from pathlib import Path

from harness.cache import USED_SUFFIX as SUFFIX
from harness.cache import stamp_path, touch_used

__all__ = ["SUFFIX", "last_used", "mtime", "stamp_path", "touch_used"]

MARKERS = (".harness-complete",)  # cache.MARKER, inside an entry


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
