"""Tests that run a changed script rather than import it.

diffusers' example tests start ``examples/dreambooth/train_dreambooth_lora_flux2.py`` by its
path in a subprocess (``accelerate launch``), and transformers'
``examples/pytorch/test_pytorch_examples.py`` imports ``run_glue`` by name from a folder it
puts on ``sys.path``: the import graph (:mod:`.imports`) sees neither, so a fix to a training
script was "nothing to check" (diffusers d44b5f86e6).
"""
from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from harness.verify.diff import is_under

TEST_PATTERNS = ("test_*.py", "*_test.py")
SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist"})
# a module name this common is no sign that a test imports this one script
COMMON_STEMS = frozenset({"utils", "common", "main", "run", "train", "config", "setup"})


def is_test_named(path: str) -> bool:
    """Whether pytest collects a file of this name (its default patterns)."""
    name = PurePosixPath(path).name
    return any(fnmatch.fnmatch(name, p) for p in TEST_PATTERNS)


def is_changed_test(path: str, tests_dir: str, package: str) -> bool:
    """Whether a file the patch changes holds tests of its own: a test file under the
    recipe's tests folder, or one named as pytest collects it anywhere outside the package
    (diffusers 2919c50962 adds two tests to ``examples/dreambooth/test_*.py``: they were
    left to the budget as a file that "the patch changes", and verify said it added none)."""
    if not is_test_named(path):
        return False
    return is_under(path, tests_dir) or (bool(package.strip("/"))
                                         and not is_under(path, package))


def runners(tree: Path, changed: Iterable[str], tests_dir: str) -> dict[str, dict[str, str]]:
    """Script -> {test file: why} for the changed ``.py`` files outside the tests: the test
    files under ``tests_dir`` or under the script's top folder that name its path, or, in
    that top folder, import its module by name."""
    scripts = [p for p in changed if p.endswith(".py") and "/" in p]
    if not scripts:
        return {}
    tops = {PurePosixPath(p).parts[0] for p in scripts} | {tests_dir.strip("/")}
    texts = {path: text for top in sorted(tops) for path, text in _test_files(tree, top)}
    found: dict[str, dict[str, str]] = {}
    for script in scripts:
        stem = PurePosixPath(script).stem
        top = PurePosixPath(script).parts[0]
        by_name = re.compile(rf"^\s*(?:import|from)\s+{re.escape(stem)}\b", re.MULTILINE)
        if is_test_named(script):
            found.setdefault(script, {})[script] = "a test file the patch changes"
        for test, text in texts.items():
            if test == script:
                continue
            if script in text:
                found.setdefault(script, {})[test] = f"runs {script} (names its path)"
            elif (stem not in COMMON_STEMS and is_under(test, top)
                  and by_name.search(text)):
                found.setdefault(script, {})[test] = f"imports {stem} ({script}) by name"
    return found


def _test_files(tree: Path, top: str) -> Iterable[tuple[str, str]]:
    root = tree / top
    if not root.is_dir():
        return
    for pattern in TEST_PATTERNS:
        for path in sorted(root.rglob(pattern)):
            rel = path.relative_to(tree)
            if SKIP_DIRS.isdisjoint(rel.parts) and path.is_file():
                try:
                    yield rel.as_posix(), path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue
