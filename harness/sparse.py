"""The sparse-checkout patterns that bring the tests a job asks for.

A recipe may check out part of its target (``[source] sparse``: transformers' ``tests/``
without its model folders but two); the tests named on the command line, and the test
folders those import, are added to it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path


def for_tests(tests: tuple[str, ...]) -> tuple[str, ...]:
    """The sparse-checkout patterns that bring ``tests`` (paths or node ids): each path, and a
    test file's whole folder: its package's ``__init__.py`` and helpers, without which a
    transformers model's tests fail to import ("attempted relative import with no known
    parent package": the command to try for 536 of 1,282 real posts, llama's for 40), as
    verify's checkout does (:func:`harness.verify.worktrees.sparse_of`)."""
    found: list[str] = []
    for path in map(_path_of, tests):
        found.append(f"/{path}")
        if path.endswith(".py") and "/" in path:
            found.append(f"/{path.rpartition('/')[0]}/")
    return tuple(dict.fromkeys(found))


IMPORT_DEPTH = 3
_IMPORT = re.compile(r"^[ \t]*from[ \t]+([.\w]+)[ \t]+import[ \t]+\(?[ \t]*(\w*)", re.M)


def imported_tests(root: Path, files: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The folders of the test modules that ``files`` (paths under ``root``) import and the
    checkout lacks, and those modules' paths: transformers'
    ``tests/models/encoder_decoder/test_modeling_encoder_decoder.py`` imports bart's, bert's,
    gpt2's ... model testers (``from ..bart.test_modeling_bart import BartModelTester``), and
    without their folders it fails to import ("No module named 'tests.models.bart'"), as 14
    of the model test files of transformers' main of 2026-08 would."""
    folders: list[str] = []
    modules: list[str] = []
    for path in files:
        try:
            text = (root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        package = tuple(path.split("/")[:-1])
        for module, name in _IMPORT.findall(text):
            if (found := _test_module(package, module, name)) and not (root / found).exists():
                modules.append(found)
                folders.append(f"/{found.rpartition('/')[0]}/")
    return tuple(dict.fromkeys(folders)), modules


def follow_imports(root: Path, files: list[str],
                   add: Callable[[tuple[str, ...]], None]) -> tuple[str, ...]:
    """Add to the checkout at ``root``, by ``add``, the test folders ``files`` import
    (:func:`imported_tests`), then those their modules import, for :data:`IMPORT_DEPTH`
    rounds at most; the folders added."""
    added: tuple[str, ...] = ()
    for _ in range(IMPORT_DEPTH):
        folders, files = imported_tests(root, files)
        if not folders:
            break
        add(folders)
        added += folders
    return added


def _test_module(package: tuple[str, ...], module: str, name: str) -> str | None:
    """The path of the test module (``test_*.py``) that ``from module import name`` brings
    into ``package``, or None: an import of anything else."""
    bare = module.lstrip(".")
    dots = len(module) - len(bare)
    parts = tuple(bare.split(".")) if bare else ()
    if dots:
        parts = package[:len(package) - dots + 1] + parts
    elif not package or parts[:1] != package[:1]:  # not the tests' own package
        return None
    if parts and parts[-1].startswith("test_"):
        return "/".join(parts) + ".py"
    return "/".join((*parts, name)) + ".py" if name.startswith("test_") else None


def test_files(root: Path, tests: tuple[str, ...]) -> list[str]:
    """The test files ``tests`` (paths or node ids) name, a folder's own ``test_*.py``."""
    found: list[str] = []
    for path in map(_path_of, tests):
        if path.endswith(".py"):
            found.append(path)
        elif (root / path).is_dir():
            found += sorted(f"{path}/{f.name}" for f in (root / path).glob("test_*.py"))
    return found


def _path_of(test: str) -> str:
    """The path of a test path or node id (``tests/x/test_y.py::Test::test_z``)."""
    return test.split("::", maxsplit=1)[0].strip("/")
