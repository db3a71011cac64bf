"""A change that alters no code: comments, docstrings and documents only."""
from __future__ import annotations

from pathlib import Path

from harness.verify import diff, nocode
from tests.testing.repos import commit, git, make_repo

CODE = '''"""The module."""


def mul(a, b):
    """Multiply."""
    return a * b  # the product
'''


def _change(tmp_path: Path, files: dict[str, str], code: str = CODE
            ) -> tuple[tuple[diff.FileDiff, ...], str, Path]:
    repo = make_repo(tmp_path / "repo", {"src/m.py": code, "README.md": "# m\n"})
    base = git(repo, "rev-parse", "HEAD")
    commit(repo, files, "the change")
    text = git(repo, "diff", *diff.GIT_DIFF[1:], base, "HEAD")
    return tuple(diff.parse(text + "\n")), base, repo


def _alters_code(tmp_path: Path, old: str, new: str) -> bool:
    """Whether changing src/m.py from ``old`` to ``new`` alters code."""
    files, base, tree = _change(tmp_path / str(abs(hash(new))), {"src/m.py": new}, old)
    return not nocode.alters_no_code(files, base, tree)


def test_comments_docstrings_and_documents_alter_no_code(tmp_path: Path) -> None:
    typos = CODE.replace("Multiply.", "Multiply two numbers.").replace("the product", "product")
    files, base, tree = _change(tmp_path, {"src/m.py": typos, "README.md": "# m, fixed\n"})
    assert nocode.alters_no_code(files, base, tree)
    # the docs site's own files (peft daf335f50: _toctree.yml and _redirects.yml)
    site, base, tree = _change(tmp_path / "site", {"docs/source/_toctree.yml": "- local: a\n",
                                                   "docs/source/_redirects.yml": "a: b\n"})
    assert nocode.alters_no_code(site, base, tree)


DECORATED = '''from lib import add_start_docstrings, log

DOCS_DOCSTRING = "Args: x (int): the x."


@add_start_docstrings("Constructs a spacial thing.", DOCS_DOCSTRING)
class Thing:
    def f(self):
        log("an eror")
'''


def test_strings_given_to_a_docstring_decorator_are_docstrings(tmp_path: Path) -> None:
    """transformers 3717b9cda2 fixes "spacial" inside ``@add_start_docstrings(...)``."""
    def changed(new: str) -> bool:
        return _alters_code(tmp_path, DECORATED, new)

    assert not changed(DECORATED.replace("spacial", "spatial"))
    assert not changed(DECORATED.replace("the x.", "the x coordinate."))
    assert changed(DECORATED.replace("an eror", "an error"))  # a message the code logs


MESSAGES = '''import logging
import warnings

logger = logging.getLogger(__name__)


def check(a, b):
    if len(a) != len(b):
        raise ValueError(f"a and b must have the same length whe they are lists, got {len(a)}")
    if not a:
        warnings.warn("an emtpy list", UserWarning)
        logger.warning("an emtpy list")
    return a
'''


def test_the_text_of_a_message_is_no_code(tmp_path: Path) -> None:
    """diffusers 2f7e0154a9 fixes 14 typos: 13 in comments and docstrings, one in a
    ValueError's message ("whe they are lists").  verify said "add a test that fails
    without it"."""
    def changed(new: str) -> bool:
        return _alters_code(tmp_path, MESSAGES, new)

    assert not changed(MESSAGES.replace("whe they", "when they"))
    assert not changed(MESSAGES.replace("an emtpy", "an empty"))
    assert changed(MESSAGES.replace("ValueError(f", "TypeError(f"))  # another exception
    assert changed(MESSAGES.replace("got {len(a)}", "got {len(b)}"))  # what it formats
    assert changed(MESSAGES.replace("UserWarning", "FutureWarning"))
    assert changed(MESSAGES.replace("logger.warning", "logger.info"))
    assert changed(MESSAGES.replace("if not a:", "if a:"))


HINTED = '''from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Config:
    r: int = field(default=8, metadata={"help": "The rank of LoRA."})
    alpha = 16

    def scale(self, x, by=None):
        return x * (by or self.alpha / self.r)
'''


def test_a_fields_help_and_type_hints_are_no_code(tmp_path: Path) -> None:
    """peft 86664fed1 fixes a config's docstring and the same words in its fields'
    ``metadata={"help": ...}``; a429b5949 adds type hints."""
    def changed(new: str) -> bool:
        return _alters_code(tmp_path, HINTED, new)

    assert not changed(HINTED.replace("The rank of LoRA.", "The rank."))
    assert not changed(HINTED.replace("def scale(self, x, by=None):",
                                      "def scale(self, x: float, by: Optional[float] = None"
                                      ") -> float:"))
    assert changed(HINTED.replace("default=8", "default=4"))
    assert changed(HINTED.replace("alpha = 16", "alpha: int = 16"))  # a dataclass field now
    assert changed(HINTED.replace("by=None", "by=1"))


def test_code_an_import_or_a_new_file_is_code(tmp_path: Path) -> None:
    for i, files in enumerate([
            {"src/m.py": CODE.replace("a * b", "b * a")},
            {"src/m.py": "import os\n" + CODE},
            {"src/m.py": CODE.replace('"""Multiply."""', "x = 1")},  # a docstring became code
            {"src/new.py": "# only a comment\n"},
            {"examples/_tests_requirements.txt": "pytest\n"},  # transformers 579f7a9b9e
            {"setup.cfg": "[metadata]\n"},
            {"docs/source/conf.py": "project = 'm'\n"},  # the docs build's code
            {"docsite.yml": "a: b\n"}]):
        changed, base, tree = _change(tmp_path / str(i), files)
        assert not nocode.alters_no_code(changed, base, tree), files
