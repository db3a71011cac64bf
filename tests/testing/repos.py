"""Real git repositories and tiny Python targets built in tmp dirs, for the tests."""
from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@localhost",
    "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@localhost",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV},
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def write_files(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def make_repo(path: Path, files: dict[str, str], tag: str | None = "v1.0") -> Path:
    """A git repository at ``path`` with ``files`` in one commit, tagged ``tag``."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    write_files(path, files)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    if tag:
        git(path, "tag", tag)
    return path


def commit(path: Path, files: dict[str, str], message: str = "change",
           tag: str | None = None) -> str:
    write_files(path, files)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    if tag:
        git(path, "tag", tag)
    return git(path, "rev-parse", "HEAD")


# A pure-Python target: installs in a second with uv, no torch.
TINY_TARGET = {
    "pyproject.toml": """\
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "tinytarget"
        version = "1.0"

        [tool.setuptools.packages.find]
        where = ["src"]
        """,
    "src/tinytarget/__init__.py": "",
    "src/tinytarget/mathops.py": """\
        def add(a, b):
            return a + b


        def mul(a, b):
            return a * b
        """,
    "src/tinytarget/text.py": """\
        def shout(s):
            return s.upper() + "!"
        """,
    "tests/__init__.py": "",
    "tests/test_mathops.py": """\
        import pytest

        from tinytarget.mathops import add, mul


        def test_add():
            assert add(2, 3) == 5


        @pytest.mark.parametrize("a,b,c", [(1, 1, 1), (2, 3, 6), (0, 5, 0)])
        def test_mul(a, b, c):
            assert mul(a, b) == c
        """,
    "tests/test_text.py": """\
        from tinytarget.text import shout


        def test_shout():
            assert shout("hi") == "HI!"
        """,
}


def tiny_recipe(path: Path, url: str, *, ref: str = "v1.0", extra: str = "",
                subsets: str | None = None) -> Path:
    """A recipe for a tiny target (no torch), written to ``path``."""
    subsets = subsets if subsets is not None else """\
        [subsets.all]
        paths = ["tests"]
        workers = 1
        threads = 1
        timeout = 60
        """
    text = f"""\
        name = "{path.stem}"
        [source]
        url = "{url}"
        ref = "{ref}"
        [env]
        HF_HUB_OFFLINE = "1"
        {textwrap.dedent(extra)}
        """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text) + "\n" + textwrap.dedent(subsets))
    return path


# a test of a target that needs the network: the guard refuses it offline; online it makes
# a real (failed) attempt and passes
REACHES_OUT = """\
import os
import socket


def test_reaches_out():
    try:  # TEST-NET-1: never answers; blocked offline, a real (failed) attempt online
        socket.create_connection(("192.0.2.1", 9), timeout=0.3).close()
    except socket.gaierror:  # what the harness raises for a blocked connection
        raise
    except OSError:
        pass
    assert os.environ.get("HF_HUB_OFFLINE") != "1"
"""
