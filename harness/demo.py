"""The embedded demo target: a tiny HF-style library shipped inside the package.

On first use its source is turned into a git repository in the cache (one commit with a
fixed author and date, tagged ``v1.0.0``), so the demo recipe is cloned, installed and
tested exactly like a real target, with no GitHub and no Hub.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from harness import cache, config, git
from harness.errors import HarnessError

SOURCES = {"demo": Path(__file__).resolve().parent / "demo_src"}
TAG = "v1.0.0"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")

# Fixed identity and dates: the same source always gives the same commit id.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "harness",
    "GIT_AUTHOR_EMAIL": "harness@localhost",
    "GIT_COMMITTER_NAME": "harness",
    "GIT_COMMITTER_EMAIL": "harness@localhost",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+00:00",
}


def _files(src: Path) -> list[Path]:
    return sorted(
        p for p in src.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".pyc")
        and not any(part.endswith(".egg-info") for part in p.parts)
    )


def content_key(src: Path) -> str:
    return cache.key_of({str(p.relative_to(src)): p.read_text() for p in _files(src)})


def git_env() -> dict[str, str]:
    return {**os.environ, **GIT_ENV, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def repo_path(name: str = "demo") -> Path:
    """Path of the git repository holding the embedded source ``name`` (built if needed)."""
    src = SOURCES.get(name)
    if src is None or not src.is_dir():
        raise HarnessError(f"no embedded source named {name!r} (known: {', '.join(SOURCES)})")
    path = config.home() / "builtin" / f"{name}-{content_key(src)}"

    def build(tmp: Path) -> None:
        work = tmp / "repo"
        shutil.copytree(src, work, ignore=_IGNORE)
        env = git_env()
        git.run(["init", "-q", "-b", "main", str(work)], env=env, what="git init")
        git.run(["add", "-A"], cwd=work, env=env, what="git add")
        git.run(["commit", "-q", "-m", f"{name} {TAG}"], cwd=work, env=env, what="git commit")
        git.run(["tag", TAG], cwd=work, env=env, what="git tag")

    cache.build_once(path, build, meta={"source": name})
    return path / "repo"
