"""The envs built under HARNESS_HOME, for the checks that look at them (disk, GPU)."""
from __future__ import annotations

import re
from pathlib import Path

from harness import cache, config


def of_recipe(name: str) -> list[Path]:
    """The env folders of recipe ``name`` (``<name>-<key>``, ``-pip`` for venv's), complete
    or not."""
    base = config.home() / "envs"
    pattern = re.compile(rf"^{re.escape(name)}-[0-9a-f]{{16}}(-pip)?$")
    return sorted(p for p in base.iterdir() if pattern.match(p.name)) if base.is_dir() else []


def complete() -> list[Path]:
    """Every env folder whose build finished (its completion marker written)."""
    base = config.home() / "envs"
    return sorted(p for p in base.iterdir() if cache.is_complete(p)) if base.is_dir() else []
