"""A name a test file imports only when a backend is there.

transformers' test files import a processor under ``if is_vision_available():`` and then
name it at module level (``processor_class = GlmImageProcessor``): without Pillow the file
fails to collect with ``NameError: name 'GlmImageProcessor' is not defined``, the same before
and after a patch, and verify said "failing" (136c621c00, 5068901e8d).  That NameError says
"needs the vision backend", not that the code is wrong.

The same holds for a name the target's own module defines only under such a guard:
transformers' ``image_utils.py`` binds ``PILImageResampling`` under ``if
is_vision_available():``, and without Pillow a test file importing it fails to collect with
``ImportError: cannot import name 'PILImageResampling' from 'transformers.image_utils'`` on
both sides (d8904a23da, a fix of Aria's patch count: verify said "failing", exit 1).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from harness.verify import compare

NAME_ERROR_RE = re.compile(r"NameError: name '(\w+)' is not defined")
IMPORT_ERROR_RE = re.compile(r"cannot import name '(\w+)' from '[\w.]+' \(([^)]+\.py)\)")
_GUARD_RE = re.compile(r"^is_(\w+)_available$")


def needs(tree: Path, test_file: str, message: str) -> str | None:
    """"needs the vision backend (not installed)" when ``message`` is a NameError for a name that
    ``test_file`` imports only under ``if is_vision_available():``, or an ImportError of a
    name that a module of ``tree`` binds only under such a guard; None otherwise."""
    if imported := IMPORT_ERROR_RE.search(message):
        return _guarded(tree, Path(imported.group(2)), imported.group(1))
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


def _guarded(tree: Path, path: Path, name: str) -> str | None:
    """The backend when ``path`` (a module of ``tree``, not an installed package) binds
    ``name`` at its top level only under ``if is_X_available():``."""
    try:
        if not path.resolve().is_relative_to(tree.resolve()):
            return None
        module = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return None
    guard = None
    for node in module.body:
        if isinstance(node, ast.If) and (backend := _backend(node.test)):
            if name in _bound(node.body):
                guard = guard or backend
            if name in _bound(node.orelse):
                return None
        elif name in _bound([node]):
            return None
    return compare.NOT_INSTALLED.format(f"the {guard} backend") if guard else None


def _bound(body: list[ast.stmt]) -> set[str]:
    """Names the statements bind at their own level (an if's or a try's branches too)."""
    names: set[str] = set()
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= _imported([node])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, ast.If):
            names |= _bound(node.body) | _bound(node.orelse)
        elif isinstance(node, ast.Try):
            names |= _bound(node.body) | _bound(node.orelse) | _bound(node.finalbody)
            for handler in node.handlers:
                names |= _bound(handler.body)
    return names
