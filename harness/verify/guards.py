"""A name a test file imports only when a backend is there.

transformers' test files import a processor under ``if is_vision_available():`` and then
name it at module level (``processor_class = GlmImageProcessor``): without Pillow the file
fails to collect with ``NameError: name 'GlmImageProcessor' is not defined``, the same before
and after a patch, and verify said "failing" (136c621c00, 5068901e8d).  That NameError says
"needs the vision backend", not that the code is wrong.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from harness.verify import compare

NAME_ERROR_RE = re.compile(r"NameError: name '(\w+)' is not defined")
_GUARD_RE = re.compile(r"^is_(\w+)_available$")


def needs(tree: Path, test_file: str, message: str) -> str | None:
    """"needs the vision backend (not installed)" when ``message`` is a NameError for a name that
    ``test_file`` imports only under ``if is_vision_available():``; None otherwise."""
    found = NAME_ERROR_RE.search(message)
    if found is None:
        return None
    try:
        module = ast.parse((tree / test_file).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return None
    name = found.group(1)
    for node in module.body:
        if not isinstance(node, ast.If):
            continue
        backend = _backend(node.test)
        if backend and name in _imported(node.body):
            return compare.NOT_INSTALLED.format(f"the {backend} backend")
    return None


def _backend(test: ast.expr) -> str | None:
    """``vision`` of ``is_vision_available()``."""
    if isinstance(test, ast.Call) and not test.args:
        func = test.func
        called = func.id if isinstance(func, ast.Name) else \
            func.attr if isinstance(func, ast.Attribute) else ""
        if m := _GUARD_RE.match(called):
            return m.group(1)
    return None


def _imported(body: list[ast.stmt]) -> set[str]:
    return {alias.asname or alias.name.split(".")[0] for node in body
            if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
