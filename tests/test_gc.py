"""``harness gc``: lists and removes only what is unused, never what is in use."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import types
from pathlib import Path

import filelock
import pytest

from harness.maintenance import gc, sweep, usage
from tests.testing.repos import TINY_TARGET, make_repo, tiny_recipe

OLD = time.time() - 40 * 86400


def harness(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "COLUMNS": "200"},
                          timeout=300, check=False)


def age(*paths: Path) -> None:
    """Make ``paths`` (and what is inside) look untouched for 40 days."""
    for top in paths:
        for p in [top, *(top.rglob("*") if top.is_dir() else [])]:
            os.utime(p, (OLD, OLD), follow_symlinks=False)


def fake_env(home: Path, name: str, complete: bool = True, size: int = 200_000) -> Path:
    env = home / "envs" / name
    (env / "lib").mkdir(parents=True)
    (env / "lib" / "blob").write_bytes(os.urandom(size))
    if complete:
        (env / ".harness-complete").write_text("{}")
    return env


def test_dry_run_lists_old_and_half_built_then_gc_frees_them(_isolated_home: Path) -> None:
    home = _isolated_home
    old_run = home / "runs" / "20200101T000000-tiny-all-abc123"
    old_run.mkdir(parents=True)
    (old_run / "junit.xml").write_bytes(os.urandom(50_000))
    new_run = home / "runs" / time.strftime("%Y%m%dT%H%M%S-tiny-all-def456", time.gmtime())
    new_run.mkdir()
    half = fake_env(home, "tiny-0123456789abcdef", complete=False)
    aside = home / "envs" / ".tmp-tiny-1111111111111111-4194305"
    aside.mkdir()
    (aside / "partial").write_bytes(os.urandom(30_000))
    old_env = fake_env(home, "tiny-2222222222222222")
    age(old_env)
    fresh_env = fake_env(home, "tiny-3333333333333333")
    stale_lock = home / "envs" / "tiny-4444444444444444.lock"
    stale_lock.touch()

    dry = harness("gc", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    listed = dry.stdout
    for path in (old_run, half, aside, old_env, stale_lock):
        assert str(path.relative_to(home)) in listed, listed
    for path in (new_run, fresh_env):
        assert str(path.relative_to(home)) not in listed
    assert "half-built" in listed and "last used 40 days ago" in listed
    would = int(re.search(r"would free .* \((\d+) bytes\)", listed).group(1))  # type: ignore[union-attr]
    assert would >= 200_000 + 200_000 + 50_000 + 30_000
    assert all(p.exists() for p in (old_run, half, aside, old_env, stale_lock))

    real = harness("gc")
    assert real.returncode == 0 and "kept" not in real.stdout, real.stdout + real.stderr
    freed = int(re.search(r"freed .* \((\d+) bytes\)", real.stdout).group(1))  # type: ignore[union-attr]
    assert freed == would
    assert not any(p.exists() for p in (old_run, half, aside, old_env, stale_lock))
    assert not (home / "envs" / "tiny-2222222222222222.lock").exists()
    assert new_run.is_dir() and (fresh_env / "lib" / "blob").is_file()
    assert "nothing to remove" in harness("gc", "--dry-run").stdout


def test_locked_or_recently_used_entries_stay(_isolated_home: Path) -> None:
    home = _isolated_home
    busy = fake_env(home, "tiny-5555555555555555", complete=False)
    stamped = fake_env(home, "tiny-6666666666666666")
    age(stamped)
    usage.touch_used(stamped)  # the pipeline used it just now
    idle = fake_env(home, "tiny-7777777777777777")
    age(idle)
    with filelock.FileLock(str(busy) + ".lock"):  # a build in progress holds its lock
        items = gc.plan(30)
        assert {i.path for i in items} == {busy, idle}
        outcomes = sweep.collect(items, time.time() - 30 * gc.DAY)
    kept = {o.item.path: o.kept for o in outcomes}
    assert kept == {busy: "in use (locked)", idle: ""}
    assert busy.is_dir() and stamped.is_dir() and not idle.exists()


def test_entry_used_after_the_plan_is_kept(_isolated_home: Path) -> None:
    env = fake_env(_isolated_home, "tiny-8888888888888888")
    age(env)
    items = gc.plan(30)
    assert [i.path for i in items] == [env]
    usage.touch_used(env)  # a run started between the plan and the removal
    [outcome] = sweep.collect(items, time.time() - 30 * gc.DAY)
    assert outcome.kept == "used since the plan" and outcome.freed == 0
    assert (env / ".harness-complete").is_file()


def test_gc_after_a_real_run(tmp_path: Path, _isolated_home: Path) -> None:
    """A real reproduce (mirror, worktree, env, run, store), aged: all of it goes, and the
    next run rebuilds it."""
    home = _isolated_home
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    recipe = tiny_recipe(tmp_path / "tiny.toml", str(repo))
    first = harness("reproduce", str(recipe), "--json", "-q")
    assert first.returncode == 0, first.stderr
    assert "nothing to remove" in harness("gc", "--dry-run").stdout  # all of it is in use
    doc = json.loads(first.stdout)
    worktree = next((home / "worktrees").glob("*/*-" + doc["commit"][:12]))
    mirror = next((home / "repos").glob("*.git"))
    env = Path(doc["env_path"])
    conn = sqlite3.connect(home / "harness.db")
    with conn:
        conn.execute("UPDATE runs SET started_at = '2020-01-01T00:00:00+00:00'")
    conn.close()
    for run in (home / "runs").iterdir():  # a run folder's age is in its name
        run.rename(run.with_name("20200101T000000" + run.name[15:]))
    age(worktree, worktree.with_name(worktree.name + ".done"), mirror, env,
        *(usage.stamp_path(p) for p in (worktree, mirror, env)))  # the pipeline's stamps
    dry = harness("gc", "--dry-run", "--older-than", "30")
    for kind, path in (("env", env), ("worktree", worktree), ("mirror", mirror)):
        assert re.search(rf"^{kind} .* {re.escape(str(path.relative_to(home)))} ", dry.stdout,
                         re.M), dry.stdout
    real = harness("gc", "--older-than", "30")
    assert real.returncode == 0 and "kept" not in real.stdout, real.stdout + real.stderr
    assert not env.exists() and not worktree.exists() and not mirror.exists()
    assert not list((home / "runs").iterdir())
    assert harness("runs").returncode == 0  # the history stays
    again = harness("reproduce", str(recipe), "--json", "-q")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["env_built"] is True


def test_docker_images_through_the_backend_hook(_isolated_home: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    removed: list[str] = []
    image = types.SimpleNamespace(tag="harness-env:tiny-9999999999999999", size=123_000,
                                  last_used=OLD)
    recent = types.SimpleNamespace(tag="harness-env:tiny-aaaaaaaaaaaaaaaa", size=5,
                                   last_used=time.time())
    backend = types.ModuleType("harness.envs.docker")
    backend.list_images = lambda: [image, recent, "harness-env:unknown-age"]  # type: ignore[attr-defined]
    backend.remove_image = removed.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "harness.envs.docker", backend)
    items = gc.plan(30)
    assert [(i.kind, str(i.path), i.size) for i in items] == [
        ("image", image.tag, 123_000)]
    [outcome] = sweep.collect(items, time.time() - 30 * gc.DAY)
    assert removed == [image.tag] and outcome.freed == 123_000


def test_bad_days_is_one_line() -> None:
    proc = harness("gc", "--older-than", "-3")
    assert proc.returncode == 2 and "expected a number of days >= 0" in proc.stderr


def test_leftovers_of_killed_commands(_isolated_home: Path) -> None:
    home = _isolated_home
    old_empty = home / "repos" / "peft-0123456789ab.git"
    new_empty = home / "repos" / "peft-ba9876543210.git"
    for mirror in (old_empty, new_empty):
        subprocess.run(["git", "init", "-q", "--bare", str(mirror)], check=True)
    age(old_empty)  # a first fetch that failed long ago; the new one may be fetching now
    (home / "envs").mkdir()
    dead_tmp = home / "envs" / ".tiny-0123456789abcdef.4194305.tmp"
    live_tmp = home / "envs" / f".tiny-0123456789abcdef.{os.getpid()}.tmp"
    for f in (dead_tmp, live_tmp):
        f.write_text("x")
    idle, running = home / "verify" / "20200101T000000-peft-aaaaaa", home / "verify" / "run"
    for root in (idle, running):
        (root / "after").mkdir(parents=True)
    hub_lock = home / "hf" / "models.lock"  # the Hub cache's, not ours
    hub_lock.parent.mkdir()
    hub_lock.touch()
    trashed = home / "trash" / "20200101T000000-peft-bbbbbb-123456"  # a background delete died
    (trashed / "after").mkdir(parents=True)
    (home / "shards").mkdir()
    old_durations, new_durations = (home / "shards" / f"durations-{n}.json" for n in "ab")
    for f in (old_durations, new_durations):
        f.write_text("{}")
    age(old_durations)
    (home / "patches").mkdir()
    old_patch, new_patch = (home / "patches" / f"{n * 16}.diff" for n in "ab")
    for f in (old_patch, new_patch):
        f.write_text("--- a/x\n+++ b/x\n")
    age(old_patch)
    with filelock.FileLock(str(running) + ".lock"):
        planned = {i.path: i.reason for i in gc.plan(30)}
        assert planned == {old_empty: "an empty mirror (its first fetch failed)",
                           dead_tmp: "a temp file of a killed command",
                           idle: "a verification that did not finish",
                           trashed: "a discarded verification tree",
                           old_durations: "shard durations, last used 40 days ago",
                           old_patch: "a patch read from stdin, last used 40 days ago"}
        sweep.collect(gc.plan(30), time.time() - 30 * gc.DAY)
    assert not old_empty.exists() and not dead_tmp.exists() and not idle.exists()
    assert not trashed.exists() and not old_durations.exists() and not old_patch.exists()
    assert new_empty.is_dir() and live_tmp.is_file() and running.is_dir() and hub_lock.exists()
    assert new_durations.is_file() and new_patch.is_file()
