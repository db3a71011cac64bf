"""Per-test durations stored by earlier runs, and estimates of what a target will cost."""
from __future__ import annotations

import ast
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from harness import store
from harness.errors import HarnessError

UNKNOWN_TEST_SECONDS = 0.5  # a test with no stored duration


@dataclass(frozen=True)
class Known:
    by_test: dict[str, float]  # the latest stored duration of each test id

    def of(self, target: str) -> float | None:
        """Stored seconds of a target (a file, a class, a test and its params); None: unknown."""
        if target in self.by_test:
            return self.by_test[target]
        found = [d for t, d in self.by_test.items()
                 if t.startswith(target + "::") or t.startswith(target + "[")]
        return sum(found) if found else None


def load(recipe: str) -> Known:
    """Durations from every stored run of ``recipe`` (reproduce and verify), latest wins."""
    try:
        with store.opened() as conn:
            rows = conn.execute(
                "SELECT t.test_id, t.duration FROM test_results t JOIN runs r ON r.id = t.run_id"
                " WHERE r.recipe = ? AND t.duration > 0 AND t.outcome != 'skipped'"
                " ORDER BY r.id", (recipe,))
            return Known({str(r[0]): float(r[1]) for r in rows})
    except (sqlite3.Error, HarnessError):  # an unreadable store only loses the estimates
        return Known({})


def count_tests(path: Path, cls: str | None = None) -> int:
    """Test functions and methods defined in a file or one of its classes (parametrizations
    and inherited tests not counted)."""
    try:
        tree: ast.AST = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return 1
    if cls is not None:
        found = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls]
        if not found:
            return 1
        tree = found[0]
    return max(1, sum(1 for n in ast.walk(tree)
                      if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                      and n.name.startswith("test")))


def estimate(known: Known, target: str, worktree: Path) -> tuple[float, bool]:
    """(seconds, whether they come from stored durations) for one target."""
    stored = known.of(target)
    if stored is not None:
        return stored, True
    path, _, rest = target.partition("::")
    if rest and "::" not in rest and rest[:1].isupper():  # a class: its test methods
        return count_tests(worktree / path, rest) * UNKNOWN_TEST_SECONDS, False
    if rest:
        return UNKNOWN_TEST_SECONDS, False
    return count_tests(worktree / path) * UNKNOWN_TEST_SECONDS, False
