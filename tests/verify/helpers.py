"""A small pure-Python target with a real bug, and patches made with real git."""
from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from harness import checkout
from tests.testing.repos import git, make_repo, tiny_recipe, write_files

_FILES = {
    "pyproject.toml": """\
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "buggy"
        version = "1.0"

        [tool.setuptools.packages.find]
        where = ["src"]
        """,
    "setup.py": "from setuptools import setup\n\nsetup()\n",
    "src/buggy/__init__.py": """\
        from buggy.mathops import add, mul

        __version__ = "1.0"
        """,
    "src/buggy/mathops.py": """\
        def add(a, b):
            return a + b


        def mul(a, b):
            return a + b  # the bug
        """,
    "src/buggy/util.py": """\
        def bang():
            return "!"
        """,
    "src/buggy/text.py": """\
        from .util import bang


        def shout(s):
            return s.upper() + bang()
        """,
    "tests/__init__.py": "",
    "tests/test_mathops.py": """\
        import pytest

        from buggy import add, mul


        def test_add():
            assert add(2, 3) == 5


        @pytest.mark.parametrize("a,b,c", [(2, 2, 4), (2, 3, 6), (0, 5, 0)])
        def test_mul(a, b, c):
            assert mul(a, b) == c
        """,
    "tests/test_text.py": """\
        from buggy.text import shout


        def test_shout():
            assert shout("hi") == "HI!"
        """,
}

BUGGY = {name: textwrap.dedent(text) for name, text in _FILES.items()}
FIXED_MUL = BUGGY["src/buggy/mathops.py"].replace("a + b  # the bug", "a * b")

VERIFY = """
[verify]
package = "src/buggy"
"""


def make_target(tmp: Path, files: dict[str, str] | None = None, extra: str = VERIFY,
                subsets: str | None = None) -> tuple[Path, Path]:
    """(recipe file, source repo) for the buggy target."""
    repo = make_repo(tmp / "src-repo", files or BUGGY)
    return tiny_recipe(tmp / "recipes" / "buggy.toml", str(repo), extra=extra,
                       subsets=subsets), repo


def make_patch(repo: Path, files: dict[str, str | None], work: Path,
               binary: bool = False) -> str:
    """The diff that writes ``files`` (None: deletes) on top of ``repo``'s HEAD."""
    subprocess.run(["git", "clone", "-q", str(repo), str(work)], check=True)
    for name, text in files.items():
        if text is None:
            (work / name).unlink()
    write_files(work, {k: v for k, v in files.items() if v is not None})
    git(work, "add", "-A")
    args = ["diff", "--cached"] + (["--binary"] if binary else [])
    return git(work, *args) + "\n"


def write_patch(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text))
    return path


def leftover_worktrees(url: str, home: Path) -> list[str]:
    """Verify worktrees left in the cache or registered in the mirror."""
    left = [str(p) for p in (home / "verify").glob("*")] if (home / "verify").exists() else []
    mirror = checkout.mirror_path(url)
    if mirror.exists():
        listing = git(mirror, "worktree", "list", "--porcelain")
        left += [ln for ln in listing.splitlines()
                 if ln.startswith("worktree ") and "/verify/" in ln]
    return left
