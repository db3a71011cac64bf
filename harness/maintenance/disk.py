"""Bytes on disk: what removing a tree frees, and sizes for people."""
from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple


def _blocks(st: os.stat_result) -> int:
    blocks = getattr(st, "st_blocks", None)
    return int(blocks) * 512 if blocks is not None else int(st.st_size)


class Usage(NamedTuple):
    freed: int  # bytes removing the tree gives back to the disk
    shared: int  # bytes of files also linked from outside it (e.g. uv's cache)


def freed_by(paths: Iterable[Path]) -> int:
    return usage_of(paths).freed


def usage_of(paths: Iterable[Path]) -> Usage:
    """What removing ``paths`` gives back to the disk.

    A file hard-linked from elsewhere (uv links installed packages from its own cache)
    frees nothing until its last link goes, so it counts only when every link is inside.
    """
    total = 0
    seen: dict[tuple[int, int], int] = {}
    sizes: dict[tuple[int, int], tuple[int, int]] = {}
    stack = [p for p in paths]
    while stack:
        path = stack.pop()
        try:
            st = path.lstat()
        except OSError:
            continue
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):
                stack.extend(path.iterdir())
            total += _blocks(st)
        elif st.st_nlink > 1:
            ino = (st.st_dev, st.st_ino)
            seen[ino] = seen.get(ino, 0) + 1
            sizes[ino] = (st.st_nlink, _blocks(st))
        else:
            total += _blocks(st)
    inside = sum(size for ino, (links, size) in sizes.items() if seen[ino] >= links)
    return Usage(total + inside, sum(size for _links, size in sizes.values()) - inside)


def free_space(path: Path) -> int:
    """Free bytes on the disk holding ``path`` (or its nearest existing parent)."""
    for parent in (path, *path.parents):
        if parent.exists():
            return shutil.disk_usage(parent).free
    return 0


def human(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover
