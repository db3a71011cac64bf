"""Tool envs for the checks: each tool at the version the target pins, cached by content.

An env is keyed by its requirements, the ``--exclude-newer`` date and the Python that runs
it; it is built aside with uv, renamed into place and marked complete last, under a lock
per key (:func:`harness.cache.build_once`), so a ^C never leaves a half-built env behind.
"""
from __future__ import annotations

import datetime as dt
import platform
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness import cache, config, git, proc
from harness.envs.venv import find_uv
from harness.errors import HarnessError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FORMAT = 1  # bump when the way tool envs are built changes
Want = tuple[tuple[str, ...], str | None]  # requirements and --exclude-newer: one env each


@dataclass(frozen=True)
class ToolEnv:
    key: str
    path: Path
    built: bool  # True when this call built it (False: reused from the cache)

    @property
    def bin(self) -> Path:
        return self.path / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"


def key_of(tools: tuple[str, ...], exclude_newer: str | None) -> str:
    parts = {"format": FORMAT, "tools": sorted(tools), "exclude_newer": exclude_newer,
             "python": platform.python_version(), "implementation": sys.implementation.name}
    return f"tools-{cache.key_of(parts)}"


def _healthy(path: Path) -> bool:
    python = path / "bin" / "python"
    return python.exists() and proc.run([python, "-c", "pass"], check=False).returncode == 0


def ensure(tools: tuple[str, ...], exclude_newer: str | None = None,
           on_line: Callable[[str], None] | None = None) -> ToolEnv:
    """A complete env holding ``tools`` (requirement strings), built if needed."""
    uv = find_uv()
    if uv is None:
        raise HarnessError("uv is not installed: it installs the checks' tools",
                           hint="pip install uv")
    key = key_of(tools, exclude_newer)
    path = config.home() / "tools" / key
    log_path = config.home() / "logs" / f"{key}.log"

    def build(tmp: Path) -> None:
        python = tmp / "bin" / "python"
        newer = ["--exclude-newer", exclude_newer] if exclude_newer else []
        steps = [
            # --relocatable: entry-point scripts (doc-builder) survive the rename into place
            [uv, "venv", "--quiet", "--relocatable", "--python", sys.executable, str(tmp),
             "--allow-existing"],
            [uv, "pip", "install", "--python", str(python), *newer, *tools],
        ]
        proc.stream_steps(steps, log_path=log_path, on_line=on_line, tail_lines=10,
                          what=f"installing {' '.join(tools)}")

    built = cache.build_once(path, build, healthy=_healthy,
                             meta={"key": key, "tools": list(tools),
                                   "exclude_newer": exclude_newer})
    return ToolEnv(key, path, built)


# a ruff requirement written in a tree's setup.py or pyproject.toml ("ruff~=0.12.8" in
# peft's quality extra, "ruff==0.14.10" in transformers' _deps)
RUFF_PIN_RE = re.compile(r"""["']ruff\s*((?:[~=!<>]=|[<>])\s*[\w.*]+(?:\s*,\s*(?:[~=!<>]=|[<>])"""
                         r"""\s*[\w.*]+)*)\s*["']""")


def ruff_required(tree: Path) -> str | None:
    """The ruff version ``tree`` asks for, as a specifier: its pyproject.toml's ``[tool.ruff]
    required-version`` (ruff refuses to run at any other), else the ruff requirement its
    setup.py or pyproject.toml writes (its quality extra: what its own CI installs; peft
    a691a14a3 pins ruff~=0.12.8, and the recipe's 0.15 flags a getattr it never did)."""
    texts = {}
    for name in ("pyproject.toml", "setup.py"):
        try:
            texts[name] = (tree / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    try:
        data = tomllib.loads(texts.get("pyproject.toml", ""))
    except tomllib.TOMLDecodeError:
        data = {}
    spec = data.get("tool", {}).get("ruff", {}).get("required-version")
    if isinstance(spec, str) and spec.strip():
        spec = spec.strip()
        return f"=={spec}" if spec[0].isdigit() else spec
    for name in ("setup.py", "pyproject.toml"):
        if found := RUFF_PIN_RE.search(texts.get(name, "")):
            return re.sub(r"\s+", "", found.group(1))
    return None


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9_.-]+", requirement)
    return re.sub(r"[-_.]+", "-", match.group(0)).lower() if match else requirement


def at_tree_pin(tools: tuple[str, ...], exclude_newer: str | None, tree: Path) -> Want:
    """``tools`` with ruff at the version ``tree`` asks for, where that is not the recipe's
    (a change based on a later commit than the recipe's pin).  The recipe's date no longer
    applies then: the tools resolve as of the day of the tree's commit (newest, where the
    tree is not a git checkout)."""
    spec = ruff_required(tree)
    if spec is None or not any(_name(t) == "ruff" for t in tools):
        return tools, exclude_newer
    pinned = tuple(f"ruff{spec}" if _name(t) == "ruff" else t for t in tools)
    if [t.replace(" ", "") for t in pinned] == [t.replace(" ", "") for t in tools]:
        return tools, exclude_newer
    return pinned, commit_day(tree)


def commit_day(tree: Path) -> str | None:
    """The day after the tree's HEAD commit (UTC), as --exclude-newer takes it: what was
    released by the end of that day.  None when ``tree`` is not a git checkout."""
    out = git.run(["log", "-1", "--format=%ct"], cwd=tree, check=False)
    if out.returncode != 0 or not out.stdout.strip().isdigit():
        return None
    day = dt.datetime.fromtimestamp(int(out.stdout.strip()), dt.timezone.utc).date()
    return (day + dt.timedelta(days=1)).isoformat()
