"""Per-test durations stored by earlier runs, and estimates of what a target will cost."""
from __future__ import annotations

import ast
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness import store
from harness.errors import HarnessError
from harness.verify import compare, imports

FILE_SECONDS = 3.0  # importing and collecting one more test file, tests aside
INHERITED_TESTS = 20  # tests guessed for a base class defined in another file
UNKNOWN_TEST_SECONDS = 2.0  # a test function with no stored duration (with its parametrizations)
# A test function no run has timed costs what the timed ones of its directory cost on
# average (pooled over the nearest directory, walking up, with at least RATE_FILES timed
# files), within [FLOOR_TEST_SECONDS, UNKNOWN_TEST_SECONDS].  Estimating each timed file
# of a store of about 60 verified real commits from the others, the typical error went
# from 6 to 21 times off (the constant) to 2 to 3 times (diffusers' model test files take
# about 0.06 s a function, not 2 s).
RATE_FILES = 2
FLOOR_TEST_SECONDS = 0.1
# names of classes from elsewhere: ones that hold tests (a mixin, a tester, a test class),
# and ones pytest collects (a test class), besides a TestCase
HOLDS_TESTS = re.compile(r"(?:Mixin|Tester|Tests?)$|^Test")
TEST_CLASS = re.compile(r"Tests?$|^Test")


@dataclass(frozen=True)
class Known:
    by_test: dict[str, float]  # the latest stored duration of each test id
    # (subset, file) -> seconds of that file's tests in the subset's latest reproduce run
    by_subset: dict[tuple[str, str], float] = field(default_factory=dict)
    # test id -> message, for the tests whose latest stored outcome is failed or error
    failing: dict[str, str] = field(default_factory=dict)
    # files none of whose tests checked anything in their latest stored outcomes: all
    # skipped, or failed for want of the network, a download, a GPU
    idle: frozenset[str] = frozenset()
    # directory ("" for the top) -> stored seconds per timed test function of the files
    # under it, for directories with at least RATE_FILES timed files
    rates: dict[str, float] = field(default_factory=dict)

    def per_test(self, path: str) -> float:
        """Seconds a test function of ``path`` that no run has timed is likely to cost."""
        for folder in _folders(path):
            rate = self.rates.get(folder)
            if rate is not None:
                return min(UNKNOWN_TEST_SECONDS, max(FLOOR_TEST_SECONDS, rate))
        return UNKNOWN_TEST_SECONDS

    def of_subset(self, subset: str, path: str) -> float | None:
        return self.by_subset.get((subset, path))

    def of(self, target: str) -> float | None:
        """Stored seconds of a target (a file, a class, a test and its params); None: unknown."""
        if target in self.by_test:
            return self.by_test[target]
        found = [d for t, d in self.by_test.items()
                 if t.startswith(target + "::") or t.startswith(target + "[")]
        return sum(found) if found else None


def load(recipe: str, can: frozenset[str] = frozenset()) -> Known:
    """Durations from every stored run of ``recipe`` (reproduce and verify), latest wins.
    ``can``: the reasons a test could not decide anything that this run does away with
    (``--online``: the network's; ``--gpu``: the GPU's): a file idle only for those is not."""
    try:
        with store.opened() as conn:
            rows = conn.execute(
                "SELECT t.test_id, t.duration, t.outcome, t.message FROM test_results t"
                " JOIN runs r ON r.id = t.run_id WHERE r.recipe = ? ORDER BY r.id", (recipe,))
            by_test: dict[str, float] = {}
            failing: dict[str, str] = {}
            last: dict[str, tuple[str, str]] = {}  # test id -> its latest outcome, message
            for test_id, seconds, outcome, message in rows:
                last[str(test_id)] = (str(outcome), str(message or ""))
                if outcome == "skipped":
                    continue
                if seconds and seconds > 0:
                    by_test[str(test_id)] = float(seconds)
                if outcome in ("failed", "error"):
                    failing[str(test_id)] = str(message)
                else:
                    failing.pop(str(test_id), None)
            latest = conn.execute(
                "SELECT r.subset, t.test_id, t.duration FROM test_results t"
                " JOIN runs r ON r.id = t.run_id WHERE r.recipe = ? AND r.kind = 'reproduce'"
                " AND r.id = (SELECT max(x.id) FROM runs x WHERE x.recipe = r.recipe"
                " AND x.subset = r.subset AND x.kind = 'reproduce')", (recipe,))
            by_subset: dict[tuple[str, str], float] = {}
            for subset, test_id, seconds in latest:
                key = (str(subset), str(test_id).split("::")[0])
                by_subset[key] = by_subset.get(key, 0.0) + float(seconds or 0.0)
            files: dict[str, bool] = {}  # file -> whether any latest outcome says aught
            for test_id, (outcome, message) in last.items():
                why = compare.undecidable(outcome, message)
                said = why in can or (outcome != "skipped" and why is None)
                path = compare.file_of(test_id)
                files[path] = files.get(path, False) or said
            return Known(by_test, by_subset, failing,
                         frozenset(path for path, said in files.items() if not said),
                         _rates(by_test))
    except (sqlite3.Error, HarnessError):  # an unreadable store only loses the estimates
        return Known({})


def _rates(by_test: Mapping[str, float]) -> dict[str, float]:
    """Directory -> seconds per timed test function (its parametrizations together) of
    the files under it; only directories with at least RATE_FILES timed files."""
    seconds: dict[str, float] = {}
    functions: dict[str, set[str]] = {}
    for test_id, d in by_test.items():
        path = compare.file_of(test_id)
        seconds[path] = seconds.get(path, 0.0) + d
        functions.setdefault(path, set()).add(test_id.partition("[")[0])
    totals: dict[str, tuple[float, int, int]] = {}  # directory -> seconds, functions, files
    for path, d in seconds.items():
        for key in _folders(path):
            s, n, k = totals.get(key, (0.0, 0, 0))
            totals[key] = (s + d, n + len(functions[path]), k + 1)
    return {key: s / n for key, (s, n, k) in totals.items() if k >= RATE_FILES and n}


def _folders(path: str) -> list[str]:
    """The folders holding ``path``, nearest first, the top ("") last."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(len(parts), -1, -1)]


def count_tests(path: Path, cls: str | None = None) -> int:
    """Test functions and methods a file (or one of its classes) runs, plus a guess of
    ``INHERITED_TESTS`` for each base class from elsewhere (diffusers' model tests inherit
    dozens from ``ModelTesterMixin``); parametrizations are not counted."""
    return counted(_tests_of(path), cls)


def _tests_of(path: Path) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    """:func:`imports.test_functions` of a file; none when it cannot be read or parsed."""
    try:
        return imports.test_functions(ast.parse(path.read_bytes()))
    except (SyntaxError, ValueError, OSError):
        return ()


def unrecorded(known: Known, path: str,
               tests: Sequence[tuple[str, int, tuple[str, ...]]]) -> int:
    """How many of a file's test functions (``tests``: per class, as
    :func:`imports.test_functions` counts them) have no stored duration: a run that took
    a few of its tests (a patch's own, a ``-k``) timed those only.  Classes pytest does not
    collect (a mixin) count in those that inherit them."""
    timed: dict[str, set[str]] = {}
    prefix = path + "::"
    for test_id in known.by_test:
        if test_id.startswith(prefix):
            parts = test_id[len(prefix):].split("::")
            cls, name = (parts[0], parts[1]) if len(parts) > 1 else ("", parts[0])
            timed.setdefault(cls, set()).add(name.partition("[")[0])
    return sum(max(0, n - len(timed.get(cls, ()))) for cls, n in _runs(tests, guess=0))


def counted(found: Sequence[tuple[str, int, tuple[str, ...]]], cls: str | None = None) -> int:
    """:func:`count_tests` from a module's parsed test functions (``Module.tests``): the
    module's test functions and, per class pytest collects (or ``cls``), its own tests, those
    it inherits from classes of the same file, and a guess for each base from elsewhere.  A
    mixin of the file (``class ModelTesterMixin:``) counts in the classes that inherit it
    only: transformers' ``test_modeling_common.py`` holds hundreds of tests no class there
    runs."""
    if cls is not None:
        classes = _classes(found)
        return max(1, _weight(cls, classes, set())) if cls in classes else 1
    return max(1, sum(n for _, n in _runs(found)))


def collects_nothing(found: Sequence[tuple[str, int, tuple[str, ...]]]) -> bool:
    """Whether pytest collects no test from a parsed file (``Module.tests``): no test
    function and no class it collects that has or inherits one.  transformers'
    ``test_modeling_common.py`` holds only ``ModelTesterMixin``, which other files' classes
    run.  A file that could not be parsed (no entries) may well collect something."""
    return bool(found) and not any(n for _, n in _runs(found))


def _runs(found: Sequence[tuple[str, int, tuple[str, ...]]], guess: int = INHERITED_TESTS
          ) -> list[tuple[str, int]]:
    """(class, tests) of what pytest runs in a file: its test functions (class ""), and each
    class it collects with what that inherits (``guess`` per base from elsewhere)."""
    classes = _classes(found)
    return [*((name, n) for name, n, _ in found if not name),
            *((name, _weight(name, classes, set(), guess)) for name in classes
              if _collected(name, classes, set()))]


def _weight(cls: str, classes: Mapping[str, tuple[int, tuple[str, ...]]], seen: set[str],
            guess: int = INHERITED_TESTS) -> int:
    """Tests of a class of the file: its own, its local bases', ``guess`` per foreign base
    that holds tests by its name (``ModelTesterMixin``, ``PeftCommonTester``, another
    file's ``SchedulerCommonTest``; not ``TestCasePlus``, ``nn.Module``, diffusers'
    ``BaseModelTesterConfig``)."""
    seen.add(cls)
    n, bases = classes[cls]
    for b in bases:
        if b in classes:
            n += _weight(b, classes, seen, guess) if b not in seen else 0
        elif "TestCase" not in b and HOLDS_TESTS.search(b):
            n += guess
    return n


def _collected(cls: str, classes: Mapping[str, tuple[int, tuple[str, ...]]],
               seen: set[str]) -> bool:
    """Whether pytest collects a class of the file: a ``Test`` name, or a base that is, or may
    be, a ``TestCase`` (``unittest.TestCase``, ``TestCasePlus``, another file's test class).
    A helper class (``class DummyModel(ModelMixin)``, ``class Block(nn.Module)``) is not."""
    if cls.startswith("Test"):
        return True
    seen.add(cls)
    for b in classes[cls][1]:
        if b in classes:
            if b not in seen and _collected(b, classes, seen):
                return True
        elif "TestCase" in b or TEST_CLASS.search(b):
            return True
    return False


def _classes(found: Sequence[tuple[str, int, tuple[str, ...]]],
             ) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Name -> (tests, bases) of a file's classes; a class defined again on top of itself
    (``class XTests(XTests):``, as diffusers does) holds both definitions' tests and bases."""
    classes: dict[str, tuple[int, tuple[str, ...]]] = {}
    for name, n, bases in found:
        if not name:
            continue
        if name in bases and name in classes:
            before = classes[name]
            classes[name] = (n + before[0], tuple(b for b in bases if b != name) + before[1])
        else:
            classes[name] = (n, bases)
    return classes


def estimate(known: Known, target: str, worktree: Path, narrow: str | None = None,
             graph: imports.Graph | None = None) -> tuple[float, bool]:
    """(seconds, whether they come from stored durations) for one target; a file narrowed
    by a subset counts what that subset's latest run of it took (other runs may have kept
    fewer of its tests).  Test counts come from ``graph``'s parsed modules where it has
    the file (no second parse), else from the file."""
    def tests_of(path: Path) -> Sequence[tuple[str, int, tuple[str, ...]]]:
        mod = graph.by_path.get(path.relative_to(worktree).as_posix()) if graph else None
        return mod.tests if mod is not None else _tests_of(path)

    def tests_in(path: Path, cls: str | None = None) -> int:
        return counted(tests_of(path), cls)

    path, _, rest = target.partition("::")
    each = known.per_test(path)
    if narrow is not None:
        seconds = known.of_subset(narrow, target)
        if seconds is not None:
            return seconds, True
        return tests_in(worktree / target) * each, False
    stored = known.of(target)
    if stored is not None and not rest:  # a file: its tests no stored run has timed cost too
        untimed = unrecorded(known, target, tests_of(worktree / path))
        return stored + untimed * each, True
    if stored is not None:
        return stored, True
    if rest and "::" not in rest and rest[:1].isupper():  # a class: its test methods
        return tests_in(worktree / path, rest) * each, False
    if rest:
        return each, False
    return tests_in(worktree / path) * each, False
