"""The tests a patch adds or changes, as pytest node ids: diff hunk -> enclosing def/class.

A test file the patch adds is selected whole.  In a file it changes, each changed line is
mapped to what encloses it in the patched file:

* a test function or a test method: that test (``file::Class::test_x``, which pytest
  expands to all its parametrizations); a method of a base class that is not collected
  itself: the same method of the collected classes in the file that inherit it;
* a helper (a fixture, ``setUp``, a non-test method) or a class body line: the tests in
  the file that name it, or the whole class;
* a module-level assignment (a list of parametrized cases): the tests that name it;
  imports are ignored; any other module-level change selects the whole file.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harness import git
from harness.verify.diff import GIT_DIFF, FileDiff

HUNK_RE = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


@dataclass(frozen=True)
class OwnTest:
    target: str  # a node id, or a file when the whole file is the patch's own
    reason: str


def changed_lines(text: str) -> set[int]:
    """Line numbers in the new file that a diff adds, or next to which it deletes."""
    lines: set[int] = set()
    new = 0
    in_hunk = False
    for line in text.splitlines():
        m = HUNK_RE.match(line)
        if m:
            new, in_hunk = int(m.group(1)), True
            continue
        if not in_hunk or line.startswith("\\"):
            continue
        if line.startswith("+"):
            lines.add(new)
            new += 1
        elif line.startswith("-"):
            lines.update({max(new - 1, 1), new})
        elif line.startswith(" ") or line == "":
            new += 1
        else:
            in_hunk = False
    return lines


def applied(diff: FileDiff, worktree: Path) -> str | None:
    """This file's change as it landed in ``worktree`` (a git worktree at the base with the
    patch applied): a patch made on a later commit applies at an offset (peft's
    ``test_custom_models.py`` moves 41 lines between a release and main), and its hunk
    headers then point at another test.  None where git cannot tell (not a worktree)."""
    if diff.status != "modified":
        return None
    out = git.run([*GIT_DIFF, "HEAD", "--", diff.path], cwd=worktree, check=False)
    return out.stdout if out.returncode == 0 and out.stdout.strip() else None


def _span(node: ast.stmt) -> tuple[int, int]:
    decorators = getattr(node, "decorator_list", [])
    start = min([node.lineno, *(d.lineno for d in decorators)])
    return start, node.end_lineno or node.lineno


def _names(node: ast.AST) -> set[str]:
    found: set[str] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Name):
            found.add(n.id)
        elif isinstance(n, ast.Attribute):
            found.add(n.attr)
        elif isinstance(n, ast.arg):
            found.add(n.arg)
    return found


def _base_names(cls: ast.ClassDef) -> list[str]:
    out = []
    for b in cls.bases:
        if isinstance(b, ast.Name):
            out.append(b.id)
        elif isinstance(b, ast.Attribute):
            out.append(b.attr)
    return out


class _File:
    def __init__(self, path: str, tree: ast.Module) -> None:
        self.path = path
        self.tree = tree
        self.classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}

    def collected(self, cls: ast.ClassDef) -> bool:
        return cls.name.startswith("Test") or self._is_testcase(cls, set())

    def _is_testcase(self, cls: ast.ClassDef, seen: set[str]) -> bool:
        for base in _base_names(cls):
            if base == "TestCase" or base.endswith("TestCase"):
                return True
            parent = self.classes.get(base)
            if parent is not None and base not in seen and self._is_testcase(parent, seen | {base}):
                return True
        return False

    def subclasses(self, name: str) -> list[ast.ClassDef]:
        """Collected classes of the file that inherit ``name`` (itself included)."""
        out: list[ast.ClassDef] = []
        for cls in self.classes.values():
            if self._inherits(cls, name, set()) and self.collected(cls):
                out.append(cls)
        return out

    def _inherits(self, cls: ast.ClassDef, name: str, seen: set[str]) -> bool:
        if cls.name == name:
            return True
        for base in _base_names(cls):
            parent = self.classes.get(base)
            if parent is not None and base not in seen and self._inherits(parent, name,
                                                                          seen | {base}):
                return True
        return False

    def naming(self, names: set[str]) -> list[str]:
        """The tests that name any of ``names``: a function, a method, or a whole class
        when its body outside the methods (a decorator, an attribute) names one."""
        out: list[str] = []
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if node.name.startswith("test") and names & _names(node):
                    out.append(f"{self.path}::{node.name}")
            elif isinstance(node, ast.ClassDef) and self.collected(node):
                methods = [n for n in node.body
                           if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
                rest = [*node.decorator_list, *node.bases,
                        *(n for n in node.body if n not in methods)]
                if any(names & _names(n) for n in rest) or any(
                        names & _names(m) for m in methods if not m.name.startswith("test")):
                    out.append(f"{self.path}::{node.name}")
                    continue
                out += [f"{self.path}::{node.name}::{m.name}" for m in methods
                        if m.name.startswith("test") and names & _names(m)]
        return out


def own_tests(diff: FileDiff, worktree: Path) -> tuple[list[OwnTest], str | None]:
    """(the patch's own tests in this test file, a note when it had to take the whole file)."""
    path = diff.path
    whole = [OwnTest(path, f"{diff.status} by the patch")]
    if diff.status == "added":
        return whole, None
    try:
        tree = ast.parse((worktree / path).read_bytes(), filename=path)
    except (SyntaxError, ValueError, OSError):
        return whole, f"{path}: not parsable; the whole file runs"
    f = _File(path, tree)
    found: dict[str, str] = {}
    lines = changed_lines(applied(diff, worktree) or diff.text)
    for line in sorted(lines):
        for target, why in _at_line(f, line):
            found.setdefault(target, why)
        if any(t == path for t in found):
            return whole, None
    if not found:
        return [], f"{path}: the patch changes no test in it (imports or comments only)"
    return [OwnTest(t, why) for t, why in found.items()], None


def _at_line(f: _File, line: int) -> list[tuple[str, str]]:
    for node in f.tree.body:
        start, end = _span(node)
        if not start <= line <= end:
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("test"):
                return [(f"{f.path}::{node.name}", "changed by the patch")]
            return _helper(f, {node.name})
        if isinstance(node, ast.ClassDef):
            return _in_class(f, node, line)
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            return _helper(f, names) if names else [(f.path, "module-level change")]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return []  # a docstring
        return [(f.path, "module-level change")]
    return []  # a blank line or a comment between definitions


def _helper(f: _File, names: set[str]) -> list[tuple[str, str]]:
    users = f.naming(names)
    shown = ", ".join(sorted(names))
    return [(u, f"uses {shown}, changed by the patch") for u in users]


def _in_class(f: _File, cls: ast.ClassDef, line: int) -> list[tuple[str, str]]:
    classes = f.subclasses(cls.name) if not f.collected(cls) else [cls]
    for node in cls.body:
        start, end = _span(node)
        if not start <= line <= end:
            continue
        if isinstance(node, ast.ClassDef):
            return [(f"{f.path}::{c.name}::{node.name}", "class changed by the patch")
                    for c in classes]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name.startswith("test"):
            return [(f"{f.path}::{c.name}::{node.name}", "changed by the patch")
                    for c in classes]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            users = [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name.startswith("test") and node.name in _names(n)]
            if users:
                return [(f"{f.path}::{c.name}::{u.name}", f"uses {node.name}, changed by the "
                         "patch") for c in classes for u in users]
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return []
        return _whole_class(f, cls, classes)  # a class attribute, a helper used via self
    if line < (cls.body[0].lineno if cls.body else line + 1):
        return _whole_class(f, cls, classes)  # the class line or its decorators
    return []  # a blank line or a comment between members


def _whole_class(f: _File, cls: ast.ClassDef, classes: list[ast.ClassDef]
                 ) -> list[tuple[str, str]]:
    return [(f"{f.path}::{c.name}", "class changed by the patch") for c in classes] or \
        _helper(f, {cls.name})


def targets_of(own: Iterable[OwnTest]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(o.target for o in own))


def is_own(test_id: str, targets: Iterable[str]) -> bool:
    """Whether ``test_id`` is one of ``targets`` (a file, a class, a test, or their params)."""
    for t in targets:
        if test_id == t or test_id.startswith(t + "::") or test_id.startswith(t + "["):
            return True
        if "::" not in test_id and t.split("::")[0] == test_id:  # its file's collection error
            return True
    return False
