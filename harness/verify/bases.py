"""Whether a test class is a ``unittest.TestCase`` through a base imported from another file.

pytest collects a class not named ``Test*`` only when it is a ``TestCase``.  Most test files
say so in the class line (``class BertModelTest(..., unittest.TestCase)``), but diffusers'
example tests inherit ``ExamplesTestsAccelerate``, which they import from
``examples/test_examples_utils.py`` after putting that folder on ``sys.path``: verify took
``DreamBoothLoRAFlux2Klein`` for a mixin and the two tests diffusers 2919c50962 adds to it for
no test at all.  The module is looked for beside the test file and in each folder above it,
as a folder put on ``sys.path`` (or the repository root) would find it.
"""
from __future__ import annotations

import ast
import functools
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

MAX_DEPTH = 4  # bases of bases, re-exports: a chain longer than this is not followed


def base_names(cls: ast.ClassDef) -> list[str]:
    out = []
    for b in cls.bases:
        if isinstance(b, ast.Name):
            out.append(b.id)
        elif isinstance(b, ast.Attribute):
            out.append(b.attr)
    return out


def imported_class(worktree: Path, path: str, tree: ast.Module, name: str, depth: int = 0
                   ) -> tuple[str, ast.Module, ast.ClassDef] | None:
    """(its file, that file's tree, the class) of the class ``name`` that the module
    ``tree`` at ``path`` (relative to ``worktree``) imports; None where it cannot be found."""
    origin = _imports(tree).get(name)
    if origin is None or depth > MAX_DEPTH:
        return None
    module, level, original = origin
    found = _module_file(worktree, path, module, level)
    if found is None:
        return None
    other = _parsed(worktree / found)
    if other is None:
        return None
    cls = next((n for n in other.body if isinstance(n, ast.ClassDef) and n.name == original),
               None)
    if cls is None:  # re-exported from somewhere else
        return imported_class(worktree, found, other, original, depth + 1)
    return found, other, cls


def imported_testcase(worktree: Path, path: str, tree: ast.Module, name: str,
                      depth: int = 0) -> bool:
    """Whether ``name``, imported by the module ``tree`` at ``path`` (relative to
    ``worktree``), is a class built on ``TestCase``."""
    found = imported_class(worktree, path, tree, name, depth)
    return found is not None and is_testcase(worktree, *found, depth=depth + 1)


def defines(worktree: Path | None, path: str, tree: ast.Module, cls: ast.ClassDef, method: str,
            *, classes: Mapping[str, ast.ClassDef] | None = None, depth: int = 0,
            seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``cls`` defines ``method`` or inherits it, from a class of its module or one
    imported from ``worktree`` (None: not looked up)."""
    if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == method
           for n in cls.body):
        return True
    if classes is None:
        classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    for base in base_names(cls):
        parent = classes.get(base)
        if parent is not None:
            if base not in seen and defines(worktree, path, tree, parent, method,
                                            classes=classes, depth=depth, seen=seen | {base}):
                return True
        elif worktree is not None and depth <= MAX_DEPTH:
            found = imported_class(worktree, path, tree, base, depth)
            if found is not None and defines(worktree, *found, method, depth=depth + 1):
                return True
    return False


def is_testcase(worktree: Path | None, path: str, tree: ast.Module, cls: ast.ClassDef, *,
                classes: Mapping[str, ast.ClassDef] | None = None, depth: int = 0,
                seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``cls`` of the module ``tree`` at ``path`` is built on ``TestCase``: named in
    its class line (unittest's, or one built on it elsewhere: transformers' TestCasePlus),
    through a class of the module (``classes``: its top-level classes, when known), or, last
    as it reads other files, through one imported from ``worktree`` (None: not looked up)."""
    bases = base_names(cls)
    if any("TestCase" in base for base in bases):
        return True
    if classes is None:
        classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    for base in bases:
        parent = classes.get(base)
        if parent is not None and base not in seen and is_testcase(
                worktree, path, tree, parent, classes=classes, depth=depth,
                seen=seen | {base}):
            return True
    return worktree is not None and depth <= MAX_DEPTH and any(
        imported_testcase(worktree, path, tree, base, depth)
        for base in bases if base not in classes)


def _imports(tree: ast.Module) -> dict[str, tuple[str, int, str]]:
    """Name -> (module, relative level, its name there) of the module's ``from X import``s,
    also those under a module-level ``if`` or ``try``."""
    found: dict[str, tuple[str, int, str]] = {}
    stack: list[ast.stmt] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found.setdefault(alias.asname or alias.name,
                                 (node.module or "", node.level, alias.name))
        elif isinstance(node, (ast.If, ast.Try)):
            stack += [*node.body, *node.orelse, *getattr(node, "finalbody", []),
                      *(s for h in getattr(node, "handlers", []) for s in h.body)]
    return found


def _module_file(worktree: Path, path: str, module: str, level: int) -> str | None:
    """The file (relative to ``worktree``) that ``from <level dots><module> import`` in
    ``path`` reads: relative to the file's package, else from the file's folder or one
    above it."""
    folder = PurePosixPath(path).parent
    parts = [p for p in module.split(".") if p]
    if level:
        for _ in range(level - 1):
            folder = folder.parent
        folders = [folder]
    else:
        folders = [folder, *folder.parents]
    for base in folders:
        stem = base.joinpath(*parts) if parts else base
        for candidate in (stem.with_suffix(".py") if parts else None, stem / "__init__.py"):
            if candidate is not None and (worktree / candidate).is_file():
                return candidate.as_posix()
    return None


def _parsed(path: Path) -> ast.Module | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return _parse(str(path), st.st_mtime_ns, st.st_size)  # keyed by content's stamp


@functools.lru_cache(maxsize=256)
def _parse(path: str, mtime_ns: int, size: int) -> ast.Module | None:
    try:
        return ast.parse(Path(path).read_bytes(), filename=path)
    except (SyntaxError, ValueError, OSError):
        return None
