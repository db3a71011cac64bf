"""``harness gc``: find what the cache holds that nothing uses, and remove it safely.

Unused: envs, worktrees and mirrors not used for ``days`` days (stamp, marker or a run in
the store), run folders older than that, and at any age what a killed command left half
built.  Nothing is removed without the lock its builder takes (see :mod:`harness.cache`),
taken without waiting: an entry being built or used under its lock is left alone.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

import filelock

from harness import cache, config, demo
from harness.debuglog import alive
from harness.maintenance import disk, images, usage

log = logging.getLogger("harness.maintenance")

DAY = 86400.0
TMP_FILE = re.compile(r"^\..+\.(\d+)\.tmp$")  # cache.write_atomic's temp files


@dataclass(frozen=True)
class Item:
    kind: str  # env, worktree, mirror, run, builtin, leftover, image
    path: Path  # for an image: its tag
    reason: str
    size: int
    lock: Path | None = None  # the builder's lock, held while removing
    shared: int = 0  # bytes that stay: hard links into uv's cache


@dataclass(frozen=True)
class History:
    """Newest run per env key and per commit (first 12 hex digits), from the store."""

    envs: dict[str, float]
    commits: dict[str, float]


def history() -> History:
    path = config.home() / "harness.db"
    envs: dict[str, float] = {}
    commits: dict[str, float] = {}
    if not path.is_file():
        return History(envs, commits)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            rows = list(conn.execute("SELECT env_key, commit_sha, started_at FROM runs"))
        finally:
            conn.close()
    except sqlite3.Error:
        log.debug("no run history from %s", path, exc_info=True)
        return History(envs, commits)
    for env_key, commit, started in rows:
        when = _epoch(started)
        if env_key:
            envs[env_key] = max(envs.get(env_key, 0.0), when)
        if commit:
            commits[commit[:12]] = max(commits.get(commit[:12], 0.0), when)
    return History(envs, commits)


def _epoch(text: str) -> float:
    try:
        return dt.datetime.fromisoformat(text).timestamp()
    except (TypeError, ValueError):
        return 0.0


def _lock(path: Path) -> Path:
    return Path(str(path) + ".lock")


def _age(seconds: float) -> str:
    if seconds >= DAY:
        return f"last used {seconds / DAY:.0f} days ago"
    if seconds >= 3600:
        return f"last used {seconds / 3600:.0f} h ago"
    return f"last used {seconds / 60:.0f} min ago"


def _subdirs(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_dir()) if path.is_dir() else []


def plan(days: float, now: float | None = None) -> list[Item]:
    """Everything ``gc`` would remove, with the bytes each frees."""
    now = time.time() if now is None else now
    cutoff = now - days * DAY
    home = config.home()
    hist = history()
    items = _keyed(home / "envs", "env", cutoff, now, hist.envs)
    # the built-in repos of this harness are always kept (those of older versions are not)
    current = {f"{name}-{demo.content_key(src)}" for name, src in demo.SOURCES.items()}
    items += [i for i in _keyed(home / "builtin", "builtin", cutoff, now, {})
              if i.kind != "builtin" or i.path.name not in current]
    wts = _worktrees(home / "worktrees", cutoff, now, hist.commits)
    items += wts + _mirrors(home, {i.path for i in wts}, cutoff, now)
    items += _runs(home / "runs", cutoff, now) + _verify(home / "verify")
    items += [Item("leftover", p, "a discarded verification tree", disk.freed_by([p]))
              for p in _subdirs(home / "trash")]
    items += _shard_durations(home / "shards", cutoff, now)
    items += _kept_patches(home / "patches", cutoff, now)
    items += _litter(home, items)
    items += [Item("image", Path(i.tag), _age(now - (i.used or 0.0)), i.size)
              for i in images.unused(cutoff, hist.envs)]
    return items


def _keyed(base: Path, kind: str, cutoff: float, now: float,
           runs: dict[str, float]) -> list[Item]:
    """Content-keyed entries (envs, built-in repos) and their half-built leftovers."""
    items = []
    for path in _subdirs(base):
        name = path.name
        if name.startswith(".tmp-"):
            key = re.sub(r"-\d+$", "", name.removeprefix(".tmp-"))
            items.append(Item("leftover", path, "a build that did not finish",
                              disk.freed_by([path]), _lock(base / key)))
        elif not cache.is_complete(path):
            items.append(Item("leftover", path, "half-built (no completion marker)",
                              disk.freed_by([path]), _lock(path)))
        else:
            used = max(usage.last_used(path), runs.get(name, 0.0))
            if used < cutoff:
                size = disk.usage_of([path])
                items.append(Item(kind, path, _age(now - used), size.freed, _lock(path),
                                  size.shared))
    return items


def _worktrees(base: Path, cutoff: float, now: float,
               commits: dict[str, float]) -> list[Item]:
    items = []
    for group in _subdirs(base):
        for path in _subdirs(group):
            if not path.with_name(path.name + ".done").is_file():
                items.append(Item("leftover", path, "a checkout that did not finish",
                                  disk.freed_by([path]), _lock(path)))
                continue
            used = max(usage.last_used(path), commits.get(path.name[-12:], 0.0))
            if used < cutoff:
                items.append(Item("worktree", path, _age(now - used), disk.freed_by([path]),
                                  _lock(path)))
    return items


def _mirrors(home: Path, going: set[Path], cutoff: float, now: float) -> list[Item]:
    items = []
    for path in _subdirs(home / "repos"):
        group = home / "worktrees" / path.name.removesuffix(".git")
        if any(p not in going for p in _subdirs(group)):
            continue  # a worktree that stays needs its mirror
        if not (path / "HEAD").is_file() or not _has_refs(path):
            if usage.last_used(path, path / "config") > now - 3600:
                continue  # a first fetch may be starting: it takes the lock only then
            items.append(Item("leftover", path, "an empty mirror (its first fetch failed)",
                              disk.freed_by([path]), _lock(path)))
            continue
        used = usage.last_used(path, path / "FETCH_HEAD", path / "packed-refs")
        if used < cutoff:
            items.append(Item("mirror", path, _age(now - used), disk.freed_by([path]),
                              _lock(path)))
    return items


def _has_refs(mirror: Path) -> bool:
    if (mirror / "packed-refs").is_file():
        return True
    return any(p.is_file() for p in (mirror / "refs").rglob("*"))


def _run_time(path: Path) -> float:
    try:
        stamp = dt.datetime.strptime(path.name[:15], "%Y%m%dT%H%M%S")
        return stamp.replace(tzinfo=dt.timezone.utc).timestamp()
    except ValueError:
        return usage.mtime(path)


def _kept_patches(base: Path, cutoff: float, now: float) -> list[Item]:
    """Patches read from stdin and kept for the reports' rerun commands, unused since."""
    found = [(p, p.stat()) for p in sorted(base.glob("*.diff"))] if base.is_dir() else []
    return [Item("run", p, f"a patch read from stdin, {_age(now - st.st_mtime)}", st.st_size)
            for p, st in found if st.st_mtime < cutoff]


def _runs(base: Path, cutoff: float, now: float) -> list[Item]:
    return [Item("run", p, f"run {_age(now - _run_time(p)).removeprefix('last used ')}",
                 disk.freed_by([p])) for p in _subdirs(base) if _run_time(p) < cutoff]


def _shard_durations(base: Path, cutoff: float, now: float) -> list[Item]:
    """The durations files shards were split by (``reproduce --shard``), unused since."""
    found = [(p, p.stat()) for p in sorted(base.glob("durations-*.json"))] if base.is_dir() else []
    return [Item("run", p, f"shard durations, {_age(now - st.st_mtime)}", st.st_size)
            for p, st in found if st.st_mtime < cutoff]


def _verify(base: Path) -> list[Item]:
    """Folders of verifications that are not running (their lock is free)."""
    return [Item("leftover", p, "a verification that did not finish", disk.freed_by([p]),
                 _lock(p)) for p in _subdirs(base) if not is_locked(_lock(p))]


def _litter(home: Path, items: list[Item]) -> list[Item]:
    """Stale locks and stamps of entries that are gone; temp files of dead processes."""
    going = {i.path for i in items}
    # only the harness's own folders: hf/ (the Hub cache) has locks of its own
    dirs = [home, *(home / d for d in ("envs", "builtin", "repos", "verify", "logs")),
            *_subdirs(home / "worktrees")]
    found = []
    for d in dirs:
        for p in sorted(d.iterdir()) if d.is_dir() else []:
            if not p.is_file() or p.is_symlink():
                continue
            tmp = TMP_FILE.match(p.name)
            if tmp and not alive(int(tmp.group(1))):
                found.append(Item("leftover", p, "a temp file of a killed command",
                                  disk.freed_by([p])))
                continue
            for suffix, what in ((".lock", "stale lock"), (usage.SUFFIX, "stale stamp"),
                                 (".done", "stale marker")):
                entry = p.with_name(p.name.removesuffix(suffix))
                if (p.name.endswith(suffix) and entry not in going and not entry.exists()
                        and d.name != "logs" and not (suffix == ".lock" and is_locked(p))):
                    lock = p if suffix == ".lock" else None
                    found.append(Item("leftover", p, f"{what} of a removed entry",
                                      disk.freed_by([p]), lock))
    return found


def is_locked(lock: Path) -> bool:
    if not lock.exists():
        return False
    try:
        with filelock.FileLock(str(lock), timeout=0):
            return False
    except filelock.Timeout:
        return True
