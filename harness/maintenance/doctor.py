"""``harness doctor``: is this machine ready to run a recipe, and what to fix if not.

Each check gives one :class:`Check`: ``ok``, ``warn`` (works, worse) or ``fail`` (blocks),
with the fix.  Disk and GPU come first: students are short of both.
"""
from __future__ import annotations

import os
import re
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from harness import cache, config, network, recipes, store, torch_source
from harness.errors import HarnessError
from harness.maintenance import built, disk, gpu, tools
from harness.maintenance.check import Check, Level, ok

GB = 1_000_000_000
# Measured on built envs (uv, Python 3.11, torch 2.13.0 CPU): demo 0.80 GB, peft 1.4 GB
# (torch alone 0.71 GB).  CUDA builds pull the nvidia-* wheels: several GB (an estimate).
ENV_BYTES = {"none": int(0.3 * GB), "cpu": int(1.5 * GB), "cuda": int(6 * GB)}
WORK_BYTES = int(0.5 * GB)  # checkout, run folders, logs


def run_checks(recipe_name: str | None = None) -> list[Check]:
    """Every check, disk and GPU first (students are short of both), recipes last."""
    recipe, recipe_checks = _recipes(recipe_name)
    steps: list[Callable[[], list[Check]]] = [
        _home, lambda: _disk(recipe), _memory, lambda: gpu.checks(recipe), tools.uv, tools.git,
        tools.docker, _hub, _store,
    ]
    checks = [c for step in steps for c in step()]
    return checks + recipe_checks


def _home() -> list[Check]:
    home = config.home()
    fix = "set HARNESS_HOME to a folder you can write to"
    if home.exists() and not home.is_dir():
        return [Check(Level.FAIL, f"HARNESS_HOME {home} is not a directory", fix)]
    existing = next(p for p in (home, *home.parents) if p.exists())
    probe = existing / f".harness-doctor-{os.getpid()}"
    try:
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        return [Check(Level.FAIL, f"HARNESS_HOME {home} is not writable ({e.strerror})", fix)]
    return ok(f"HARNESS_HOME {home}")


def env_kind(recipe: recipes.Recipe | None) -> str:
    """Which torch a new env of ``recipe`` gets: none, cpu or cuda."""
    if recipe is not None and not recipe.install.torch:
        return "none"
    source = torch_source.resolve(config.load_settings())
    cpu = "cpu" in (source.index_url or "") or not torch_source.has_nvidia_gpu()
    return "cpu" if cpu else "cuda"


def _disk(recipe: recipes.Recipe | None) -> list[Check]:
    home = config.home()
    free = disk.free_space(home)
    kind = env_kind(recipe)
    what = f"{recipe.name}'s env (torch {kind})" if recipe else f"an env with torch {kind}"
    need = ENV_BYTES[kind] + WORK_BYTES
    if recipe and any(cache.is_complete(p) for p in built.of_recipe(recipe.name)):
        need, what = WORK_BYTES, f"{recipe.name} (env already built)"
    text = f"disk: {disk.human(free)} free for HARNESS_HOME, {what} needs ~{disk.human(need)}"
    fix = "run `harness gc`, or set HARNESS_HOME to a disk with more room"
    if free < need:
        return [Check(Level.FAIL, text, fix)]
    if free < 2 * need:
        return [Check(Level.WARN, text, fix)]
    return ok(text)


def _meminfo() -> dict[str, int]:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return {}
    found = re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)
    return {k: int(v) * 1024 for k, v in found}


def _memory() -> list[Check]:
    info = _meminfo()
    if "MemTotal" not in info:
        return ok("memory: unknown on this system")
    total, avail = info["MemTotal"], info.get("MemAvailable", info["MemTotal"])
    text = f"memory: {disk.human(avail)} available of {disk.human(total)}"
    if avail < 2 * GB:
        return [Check(Level.WARN, text, "close programs, or run a smaller subset")]
    return ok(text)


def _hub() -> list[Check]:
    """Offline subsets do without the Hub; ``--online`` asks it first and stops without it."""
    url = network.endpoint({})
    if (reason := network.unreachable(url, network.PROBE_TIMEOUT)) is not None:
        return [Check(Level.WARN, f"Hub: {url} does not answer ({reason})",
                      f"offline subsets run; --online needs it: {network.CHECK}")]
    return ok(f"Hub: {url} answers")


def _store() -> list[Check]:
    path = store.db_path()
    if not path.is_file():
        return ok("store: none yet (created by the first run)")
    fix = f"move {path} aside (history is lost, the cache is kept)"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            health = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as e:
        return [Check(Level.FAIL, f"store {path}: unreadable ({e})", fix)]
    if version > store.SCHEMA_VERSION:
        return [Check(Level.FAIL, f"store: schema {version} is newer than this harness's "
                      f"{store.SCHEMA_VERSION}", "upgrade harness, or " + fix)]
    if health != "ok":
        return [Check(Level.FAIL, f"store {path}: damaged ({health})", fix)]
    return ok(f"store: schema {version}, readable")


def _recipes(name: str | None) -> tuple[recipes.Recipe | None, list[Check]]:
    """Load every recipe; a broken one warns, unless it is the one asked about."""
    checks: list[Check] = []
    chosen = None
    if name:
        try:
            chosen = recipes.load(name)
        except HarnessError as e:
            checks.append(Check(Level.FAIL, f"recipe {name}: {e.message.splitlines()[0]}",
                                e.hint or "fix the recipe file, or see `harness recipes`"))
    found = recipes.available()
    broken = 0
    for stem, path in found.items():
        try:
            recipes.load_file(path)
        except HarnessError as e:
            broken += 1
            if stem != name:
                checks.append(Check(Level.WARN, e.message.splitlines()[0],
                                    f"fix or remove {path}"))
    if not broken:
        checks.append(Check(Level.OK, f"recipes: {len(found)} load ({', '.join(found)})"))
    if chosen and chosen.install.python:
        checks += _python(chosen)
    return chosen, checks


def _python(recipe: recipes.Recipe) -> list[Check]:
    from harness.envs.venv import find_uv, resolve_python

    try:
        exe, version = resolve_python(recipe.install.python, find_uv())
    except HarnessError as e:
        return [Check(Level.FAIL, e.message, e.hint or "")]
    return ok(f"python {version} for {recipe.name} ({exe})")


def python_line() -> str:
    return f"harness on python {sys.version.split()[0]} ({sys.executable})"
