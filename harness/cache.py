"""Content-keyed cache entries: a lock per key, built aside, renamed into place, marker last.

An entry counts as present only when its completion marker exists.  Anything else found
at the path (a build killed half-way, a ^C) is removed and rebuilt.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import filelock

log = logging.getLogger("harness.cache")

MARKER = ".harness-complete"


def key_of(parts: dict[str, Any], length: int = 16) -> str:
    """A stable hash of everything that decides an entry's content."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:length]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the file lock that guards ``path`` (``<path>.lock`` beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(str(path) + ".lock"):
        yield


def is_complete(path: Path) -> bool:
    return (path / MARKER).is_file()


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def build_once(
    path: Path,
    build: Callable[[Path], None],
    *,
    meta: dict[str, Any] | None = None,
    healthy: Callable[[Path], bool] = lambda _p: True,
) -> bool:
    """Make sure a complete entry exists at ``path``; return True when this call built it.

    ``build`` gets a fresh temporary directory beside ``path`` and fills it.  After it
    returns the directory is renamed to ``path`` and the marker (holding ``meta``) is
    written last.  Under the lock the check is repeated, so two processes asking for the
    same key build it once.
    """
    if is_complete(path) and healthy(path):
        return False
    with locked(path):
        if is_complete(path) and healthy(path):
            return False
        for stale in path.parent.glob(f".tmp-{path.name}-*"):
            if not stale.name.removeprefix(f".tmp-{path.name}-").isdigit():
                continue  # another key's build (e.g. <key>-pip), under its own lock
            log.debug("removing leftover %s", stale)
            remove(stale)
        if path.exists():
            log.debug("removing incomplete %s", path)
            remove(path)
        tmp = path.parent / f".tmp-{path.name}-{os.getpid()}"
        try:
            tmp.mkdir(parents=True)
            build(tmp)
            os.rename(tmp, path)
        except BaseException:
            remove(tmp)
            remove(path)
            raise
        write_atomic(path / MARKER, json.dumps(meta or {}, indent=2, sort_keys=True))
        return True


USED_SUFFIX = ".used"  # <entry>.used: when the entry was last used (see harness gc)


def stamp_path(path: Path) -> Path:
    return path.with_name(path.name + USED_SUFFIX)


def touch_used(path: Path) -> None:
    """Record that ``path`` (an env, worktree or mirror) is used now.  Never fails a run."""
    stamp = stamp_path(path)
    try:
        stamp.touch()
        os.utime(stamp)
    except OSError:
        log.debug("cannot stamp %s", stamp, exc_info=True)
