"""The patch's own tests when it changes a test mixin: the classes in other test files that
inherit it.

transformers keeps most of its tests in mixins (``ModelTesterMixin``,
``GenerationTesterMixin``, ``TensorParallelTesterMixin``) that each model's test class
inherits, in another file.  A patch that changes ``GenerationTesterMixin.test_x`` is tested
by ``GPT2ModelTest::test_x``: those run as the patch's own tests, narrowed to the changed
methods, the nearest first and at most :data:`MAX_CLASSES` of them (the rest stay impacted
files, under the budget).  peft's ``PeftCommonTester`` holds helpers only
(``_test_merge_layers``): its inheritors' own tests call them, so a changed helper that no
test of the mixin uses runs the inheritors' tests that call it.
"""
from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.verify.bases import base_names as _base_names
from harness.verify.diff import FileDiff
from harness.verify.imports import Graph
from harness.verify.own import (
    OwnTest,
    _expanded,
    _File,
    _names,
    _span,
    applied,
    changed_lines,
)

MAX_CLASSES = 20  # inheriting classes run narrowed to the changed methods
MAX_WHOLE = 4  # inheriting classes run whole (a helper or attribute of the mixin changed)


@dataclass(frozen=True)
class Changed:
    """What the patch changes in one mixin: its test methods (name, under
    ``@parameterized.expand``), its helpers that only the inheritors' tests call
    (``helpers``), or every test of it (``whole``)."""

    mixin: str
    methods: tuple[tuple[str, bool], ...] = ()
    whole: bool = False
    helpers: tuple[str, ...] = ()


def changed(diff: FileDiff, worktree: Path) -> tuple[Changed, ...]:
    """The mixins (classes pytest does not collect) of this test file the patch changes."""
    try:
        tree = ast.parse((worktree / diff.path).read_bytes(), filename=diff.path)
    except (SyntaxError, ValueError, OSError):
        return ()
    f = _File(diff.path, tree, worktree)
    mixins = [c for c in f.classes.values() if not f.collected(c)]
    aliases = f.aliases
    methods: dict[str, dict[str, bool]] = {}
    whole: set[str] = set()
    helpers: dict[str, set[str]] = {}
    for line in changed_lines(applied(diff, worktree) or diff.text):
        for node in tree.body:
            start, end = _span(node)
            if not start <= line <= end:
                continue
            if isinstance(node, ast.ClassDef) and node in mixins:
                _in_mixin(node, line, methods.setdefault(node.name, {}), whole, aliases,
                          helpers.setdefault(node.name, set()))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign,
                                   ast.AnnAssign)):
                names = {node.name} if isinstance(node, (ast.FunctionDef,
                                                         ast.AsyncFunctionDef)) else \
                    {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                     and isinstance(n.ctx, ast.Store)}
                for c in mixins:  # a table or a helper of the module that a mixin uses
                    tests, unused = _tests_using(c, names)
                    helpers.setdefault(c.name, set()).update(unused)
                    methods.setdefault(c.name, {}).update(
                        (m.name, _expanded(m, aliases)) for m in tests)
    found = [Changed(name, tuple(sorted(methods.get(name, {}).items())), name in whole,
                     tuple(sorted(helpers.get(name, ()))))
             for name in sorted(set(methods) | whole | set(helpers))]
    return tuple(c for c in found if c.whole or c.methods or c.helpers)


def _methods(cls: ast.ClassDef) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _tests_using(cls: ast.ClassDef, names: set[str]
                 ) -> tuple[list[ast.FunctionDef | ast.AsyncFunctionDef], set[str]]:
    """The test methods of ``cls`` that name one of ``names``, directly or through one of
    its helper methods; and the helpers that name one but no test of ``cls`` calls (the
    tests of classes that inherit it may)."""
    methods = _methods(cls)
    tests = [m for m in methods if m.name.startswith("test")]
    found = [m for m in tests if names & _names(m)]
    unused: set[str] = set()
    for helper in (m for m in methods if not m.name.startswith("test") and names & _names(m)):
        users = [t for t in tests if helper.name in _names(t)]
        if not users:
            unused.add(helper.name)
        found += [t for t in users if t not in found]
    return found, unused


def _in_mixin(cls: ast.ClassDef, line: int, methods: dict[str, bool], whole: set[str],
              aliases: frozenset[str], helpers: set[str]) -> None:
    for node in cls.body:
        start, end = _span(node)
        if not start <= line <= end:
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith("test"):
                methods[node.name] = _expanded(node, aliases)
                return
            users, unused = _tests_using(cls, {node.name})
            methods.update((m.name, _expanded(m, aliases)) for m in users)
            # the inheritors' own tests may call it too (peft's PeftCommonTester)
            helpers.update(unused | {node.name})
            return
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring
        whole.add(cls.name)  # an attribute, a helper used through self.<name> elsewhere
        return
    if cls.body and line < _span(cls.body[0])[0]:
        whole.add(cls.name)  # the class line, its bases or decorators


def inheritors(graph: Graph, path: str, changes: Sequence[Changed],
               importers: Mapping[str, Sequence[str]], is_test: set[str], worktree: Path
               ) -> tuple[list[tuple[int, OwnTest]], int]:
    """(hops, own test) for each collected class of a test file that imports ``path`` and
    inherits a changed mixin, nearest first, within the caps; and how many classes the
    caps left out.  A class none of whose tests reaches the change runs nothing."""
    bases: dict[str, tuple[str, ...]] = {}
    for module in graph.by_path.values():
        for cls, _, its_bases in module.tests:
            if cls:
                bases.setdefault(cls, its_bases)
    by_mixin = {c.mixin: c for c in changes}
    found: list[tuple[int, str, str, Changed, int]] = []
    for test_file, chain in importers.items():
        importer = graph.by_path.get(test_file)
        if importer is None or test_file not in is_test or test_file == path:
            continue
        for cls, count, _ in importer.tests:
            if not cls or not _collected(cls, bases):
                continue
            mixin = next((m for m in _ancestors(cls, bases) if m in by_mixin), None)
            if mixin is not None:
                found.append((len(chain) - 1, test_file, cls, by_mixin[mixin], count))
    found.sort(key=lambda x: (x[0], x[1], x[2]))
    out: list[tuple[int, OwnTest]] = []
    left = narrowed = whole = 0
    files: dict[str, _File | None] = {}
    for hops, test_file, cls, change, count in found:
        methods = dict(change.methods)
        if change.helpers and not change.whole:
            methods.update(_callers(files, worktree, test_file, cls, set(change.helpers)))
        if not change.whole and not methods:
            continue
        if whole >= MAX_WHOLE if change.whole else narrowed >= MAX_CLASSES:
            left += 1
            continue
        parent = f"{test_file}::{cls}"
        reason = f"inherits {change.mixin}, changed by the patch in {path}"
        if change.whole:
            whole += 1
            out.append((hops, OwnTest(parent, reason)))
            continue
        narrowed += 1
        for name, expanded in sorted(methods.items()):
            out.append((hops, OwnTest(parent, f"{reason} (its @parameterized.expand copies)",
                                      cases=(name,), share=1 / max(1, count))
                        if expanded else OwnTest(f"{parent}::{name}", reason)))
    return out, left


def _callers(files: dict[str, _File | None], worktree: Path, test_file: str, cls: str,
             helpers: set[str]) -> dict[str, bool]:
    """The tests of ``cls`` (in ``test_file``, or a base class of it there) that call one
    of the mixin's changed ``helpers``: name → under ``@parameterized.expand``."""
    if test_file not in files:
        try:
            tree = ast.parse((worktree / test_file).read_bytes(), filename=test_file)
            files[test_file] = _File(test_file, tree, worktree)
        except (SyntaxError, ValueError, OSError):
            files[test_file] = None
    f = files[test_file]
    if f is None or cls not in f.classes:
        return {}
    found: dict[str, bool] = {}
    for name in [cls, *_ancestors(cls, {c.name: tuple(_base_names(c))
                                        for c in f.classes.values()})]:
        node = f.classes.get(name)
        if node is not None:
            tests, _ = _tests_using(node, helpers)
            for m in tests:
                found.setdefault(m.name, _expanded(m, f.aliases))
    return found


def _ancestors(cls: str, bases: Mapping[str, tuple[str, ...]]) -> list[str]:
    seen: list[str] = []
    todo = list(bases.get(cls, ()))
    while todo:
        b = todo.pop()
        if b not in seen:
            seen.append(b)
            todo.extend(bases.get(b, ()))
    return seen


def _collected(cls: str, bases: Mapping[str, tuple[str, ...]]) -> bool:
    """As pytest collects: a ``Test*`` class, or a unittest TestCase (by its bases' names)."""
    return cls.startswith("Test") or any("TestCase" in b for b in _ancestors(cls, bases))
