"""Removing what :func:`harness.maintenance.gc.plan` found, each under its builder's lock.

The lock is taken without waiting (busy: left alone), then the entry is checked again:
a stamp touched or a marker written since the plan means it is in use, and it stays.
The completion marker goes first, so a reader that did not take the lock sees an
incomplete entry and waits for the lock instead of using a half-removed one.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import filelock

from harness import cache, config, git
from harness.maintenance import images, usage
from harness.maintenance.gc import Item

log = logging.getLogger("harness.maintenance")


@dataclass(frozen=True)
class Outcome:
    item: Item
    freed: int  # bytes given back (0 when left alone)
    kept: str = ""  # why it was left alone


def collect(items: list[Item], cutoff: float) -> list[Outcome]:
    """Remove ``items``; entries used since ``cutoff`` (epoch seconds) are kept."""
    outcomes = [_one(item, cutoff) for item in items]
    _prune_worktrees()
    return outcomes


def _one(item: Item, cutoff: float) -> Outcome:
    if item.kind == "image":
        try:
            images.remove(str(item.path))
        except Exception as e:  # the backend's error, whatever it is: report, go on
            return Outcome(item, 0, f"docker said: {e}")
        return Outcome(item, item.size)
    if item.lock is None:
        return _removed(item)
    lock = filelock.FileLock(str(item.lock), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        return Outcome(item, 0, "in use (locked)")
    try:
        why = _in_use(item, cutoff)
        if why:
            return Outcome(item, 0, why)
        outcome = _removed(item)
        if not Path(str(item.lock).removesuffix(".lock")).exists():
            item.lock.unlink(missing_ok=True)  # the entry it guards is gone: so is the lock
        return outcome
    finally:
        lock.release()


def _in_use(item: Item, cutoff: float) -> str:
    path = item.path
    if item.kind in ("env", "builtin", "worktree", "mirror") and usage.last_used(path) >= cutoff:
        return "used since the plan"
    if item.reason.startswith("half-built") and cache.is_complete(path):
        return "completed since the plan"
    if item.kind == "mirror" and _worktrees_of(path):
        return "a verification or checkout uses it"
    return ""


def _removed(item: Item) -> Outcome:
    path = item.path
    try:
        if path.is_dir() and not path.is_symlink():
            (path / cache.MARKER).unlink(missing_ok=True)
            path.with_name(path.name + ".done").unlink(missing_ok=True)
            aside = path.with_name(f".tmp-gc-{path.name}-{os.getpid()}")
            os.rename(path, aside)  # one step: nothing half-removed keeps the entry's name
            cache.remove(aside)
        else:
            path.unlink(missing_ok=True)
        usage.stamp_path(path).unlink(missing_ok=True)
        if item.kind == "env":
            (config.home() / "logs" / f"env-{path.name}.log").unlink(missing_ok=True)
    except OSError as e:
        log.debug("cannot remove %s", path, exc_info=True)
        return Outcome(item, 0, f"cannot remove: {e.strerror or e}")
    return Outcome(item, item.size)


def _worktrees_of(mirror: Path) -> list[str]:
    """Worktrees git still knows in ``mirror`` (after forgetting those whose folder is gone)."""
    git.run(["worktree", "prune"], cwd=mirror, check=False)
    result = git.run(["worktree", "list", "--porcelain"], cwd=mirror, check=False)
    if result.returncode != 0:
        return []
    listing = result.stdout
    paths = [ln.removeprefix("worktree ") for ln in listing.splitlines()
             if ln.startswith("worktree ")]
    return [p for p in paths if Path(p).resolve() != mirror.resolve()]


def _prune_worktrees() -> None:
    """Let each mirror forget the worktrees removed, and drop emptied worktree groups."""
    home = config.home()
    for mirror in sorted((home / "repos").glob("*.git")):
        _worktrees_of(mirror)
    groups = home / "worktrees"
    for group in sorted(groups.iterdir()) if groups.is_dir() else []:
        if group.is_dir() and not any(group.iterdir()):
            group.rmdir()
