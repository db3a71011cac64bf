"""Which test files a change can affect, and why each one was picked.

The tests the patch adds or changes, the test files that import (transitively) a changed
file, and the recipe's always-run list; a core file, a changed ``conftest.py`` at the top
of the tests or a selection over ``max_files`` runs the whole subset.  Only files in the
subset's scope (its paths) are run; the subset's ``-k`` and markers still apply.
"""
from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from harness.recipes import Recipe, Subset
from harness.verify import imports
from harness.verify.diff import FileDiff, is_under

TEST_PATTERNS = ("test_*.py", "*_test.py")


class Selected(NamedTuple):
    path: str
    reason: str


@dataclass(frozen=True)
class Selection:
    files: tuple[Selected, ...]  # in the subset's scope
    whole: bool  # run the whole subset
    whole_reason: str
    out_of_scope: tuple[Selected, ...]
    notes: tuple[str, ...]
    subset_files: int = 0  # test files in the subset's scope

    def targets(self, subset: Subset) -> tuple[str, ...]:
        """What to hand to pytest: the subset's paths, or the selected files."""
        return subset.paths if self.whole else tuple(s.path for s in self.files)

    @property
    def empty(self) -> bool:
        return not self.whole and not self.files


def is_test_file(path: str, tests_dir: str) -> bool:
    name = PurePosixPath(path).name
    return is_under(path, tests_dir) and any(fnmatch.fnmatch(name, p) for p in TEST_PATTERNS)


def package_dir(recipe: Recipe, worktree: Path) -> str:
    """The target's package: the recipe's ``verify.package``, else guessed (src layout)."""
    if recipe.verify.package:
        return recipe.verify.package.strip("/")
    for parent in ("src", ""):
        base = worktree / parent if parent else worktree
        found = sorted(p.parent for p in base.glob("*/__init__.py")
                       if p.parent.name not in ("tests", "test", "docs", "examples"))
        if found:
            return str(found[0].relative_to(worktree))
    return "src"


def graph_of(recipe: Recipe, worktree: Path) -> imports.Graph:
    package = package_dir(recipe, worktree)
    import_root = str(PurePosixPath(package).parent) if "/" in package else ""
    return imports.build(worktree, [(package, import_root), (recipe.verify.tests_dir, "")])


def in_scope(path: str, subset: Subset) -> bool:
    return any(is_under(path, p.split("::")[0]) for p in subset.paths)


def _impacted(graph: imports.Graph, tests: Iterable[str], changed: set[str]
              ) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for test in tests:
        via = imports.dependencies(graph, test)
        hits = sorted(changed & via.keys())
        if not hits:
            continue
        chain = imports.path_to(via, test, hits[0])
        how = f" (via {chain[1]})" if len(chain) > 2 else ""
        more = f" and {len(hits) - 1} more changed file(s)" if len(hits) > 1 else ""
        reasons[test] = f"imports {hits[0]}{how}{more}"
    return reasons


def select(recipe: Recipe, subset: Subset, after: Path, files: Iterable[FileDiff], *,
           run_all: bool = False, before: Path | None = None) -> Selection:
    v = recipe.verify
    files = list(files)
    changed = {p for f in files for p in f.paths()}
    notes: list[str] = []
    chosen: dict[str, list[str]] = {}

    def add(path: str, why: str) -> None:
        chosen.setdefault(path, []).append(why)

    for f in files:
        if is_test_file(f.path, v.tests_dir):
            if f.status == "deleted":
                notes.append(f"{f.path}: deleted by the patch")
            else:
                add(f.path, f"{f.status} by the patch")
    graph = graph_of(recipe, after)
    tests = sorted(p for p in graph.by_path if is_test_file(p, v.tests_dir))
    for f in files:
        if PurePosixPath(f.path).name == "conftest.py":
            folder = str(PurePosixPath(f.path).parent)
            for t in tests:
                if is_under(t, "" if folder == "." else folder):
                    add(t, f"{f.path} changed")
    for t, why in _impacted(graph, tests, changed).items():
        add(t, why)
    if before is not None and any(f.status in ("deleted", "renamed") for f in files):
        old = graph_of(recipe, before)
        old_tests = [t for t in old.by_path if is_test_file(t, v.tests_dir) and t in graph.by_path]
        for t, why in _impacted(old, old_tests, changed).items():
            if t not in chosen:
                add(t, why + " (before the patch)")
    for path in v.always_run:
        add(path, "always run (recipe)")
    reached = {p for t in chosen for p in imports.dependencies(graph, t)} | set(chosen)
    for path in sorted(changed - reached):
        if not is_test_file(path, v.tests_dir) and PurePosixPath(path).name != "conftest.py":
            notes.append(f"{path}: no selected test imports it")
    picked = [Selected(p, "; ".join(r)) for p, r in sorted(chosen.items())]
    scoped = tuple(s for s in picked if in_scope(s.path, subset))
    outside = tuple(s for s in picked if not in_scope(s.path, subset))
    whole_reason = ""
    core = sorted(changed & set(v.core_files))
    if run_all:
        whole_reason = "--all"
    elif core:
        whole_reason = f"core file changed: {', '.join(core)}"
    elif len(scoped) > v.max_files:
        whole_reason = f"{len(scoped)} test files selected, more than max_files={v.max_files}"
    in_subset = sum(in_scope(t, subset) for t in tests)
    return Selection(scoped, bool(whole_reason), whole_reason, outside, tuple(notes), in_subset)
