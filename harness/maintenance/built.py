"""The envs built under HARNESS_HOME, for the checks that look at them (disk, GPU)."""
from __future__ import annotations

import re
from pathlib import Path

from harness import cache, config


def of_recipe(name: str) -> list[Path]:
    """The env folders of recipe ``name`` (``<name>-<key>``, ``-pip`` for venv's), complete
    or not."""
    pattern = re.compile(rf"^{re.escape(name)}-[0-9a-f]{{16}}(-pip)?$")
    return [p for p in _folders() if pattern.match(p.name)]


def complete() -> list[Path]:
    """Every env folder whose build finished (its completion marker written)."""
    return [p for p in _folders() if cache.is_complete(p)]


def _folders() -> list[Path]:
    base = config.home() / "envs"
    return sorted(base.iterdir()) if base.is_dir() else []
