"""What decides an environment's content, and its cache key."""
from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import cache
from harness.recipes import Install
from harness.torch_source import TorchSource

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Bump when the way envs are built changes, so old entries are not reused.
FORMAT = 2
# What the harness itself needs inside every env: pytest, workers, per-test timeouts.
RUNNER_PACKAGES = ("pytest", "pytest-xdist", "pytest-timeout")
DEPENDENCY_FILES = ("setup.py", "setup.cfg", "pyproject.toml")
# pytest 9 reads a native [tool.pytest] table and refuses a pyproject that also has
# [tool.pytest.ini_options]; pytest 8 reads only the latter.  peft's pyproject had both from
# 2023 to November 2025 (doctest flags in one, addopts and markers in the other): every
# verify of a peft commit of that time stopped at "pytest refused its arguments" (f8aca0a0c).
PYTEST_BEFORE_NATIVE_TOML = "pytest<9"


def runner_packages(project: Path) -> tuple[str, ...]:
    """:data:`RUNNER_PACKAGES`, with the pytest the tree's configuration is written for."""
    if _both_pytest_tables(project / "pyproject.toml"):
        return (PYTEST_BEFORE_NATIVE_TOML, *RUNNER_PACKAGES[1:])
    return RUNNER_PACKAGES


def _both_pytest_tables(pyproject: Path) -> bool:
    try:
        table = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False  # no pyproject, or one pip will report on
    pytest = table.get("tool", {}).get("pytest", {})
    return isinstance(pytest, dict) and "ini_options" in pytest and len(pytest) > 1


@dataclass(frozen=True)
class EnvSpec:
    recipe: str
    install: Install
    project: Path  # the checkout whose dependencies are installed
    python: str  # an interpreter path or a version such as "3.11"
    python_version: str  # the full version it resolved to, e.g. "3.11.7"
    torch_source: TorchSource

    def dependency_digest(self) -> str:
        digest = hashlib.sha256()
        files = [self.project / f for f in DEPENDENCY_FILES]
        files += sorted(self.project.glob("requirements*.txt"))
        for f in files:
            if f.is_file():
                digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
        return digest.hexdigest()

    def requirements(self) -> list[str]:
        extras = f"[{','.join(self.install.extras)}]" if self.install.extras else ""
        target = f"{self.project}{extras}"
        reqs = [f"-e {target}"] if self.install.editable else [target]  # one line each
        reqs += list(self.install.packages) + list(runner_packages(self.project))
        if self.install.torch:
            reqs.append(f"torch=={self.install.torch}")
        return reqs

    def key_parts(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "recipe": self.recipe,
            "python": self.python_version,
            "extras": sorted(self.install.extras),
            "packages": list(self.install.packages),
            "pins": list(self.install.pins),
            "exclude": sorted(self.install.exclude),
            "torch": self.install.torch,
            "torch_source": self.torch_source.uv_args(),
            "editable": self.install.editable,
            "dependencies": self.dependency_digest(),
            "runner": list(runner_packages(self.project)),
        }

    def key(self) -> str:
        return f"{self.recipe}-{cache.key_of(self.key_parts())}"
