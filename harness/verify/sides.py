"""The before and after runs of a verification: one pytest call per batch and side.

A small selection runs both sides at once (each is mostly importing the target): the
before side in a thread without a display (one live display at a time), stopped at its
next output line when the main thread is interrupted.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from harness import results
from harness.envs import Backend, Env
from harness.pipeline import run_tests
from harness.progress import Step, Ui
from harness.recipes import Recipe, Subset
from harness.results import TestResult
from harness.runner import RunOutput
from harness.verify import select

PYTEST_ARGS = ("--continue-on-collection-errors",)
STOP_WAIT = 30.0  # seconds to wait for the before side after an interrupt


def _stop_children_in(tree: Path) -> None:
    """Stop this process's children running in ``tree`` (the before side's pytest and its
    workers: each is a process group).  Linux /proc; elsewhere the side stops at its next
    output line."""
    tasks = Path("/proc/self/task")
    if not tasks.is_dir():
        return
    for task in tasks.iterdir():
        try:
            pids = (task / "children").read_text().split()
        except OSError:
            continue
        for pid in pids:
            try:
                if Path(f"/proc/{pid}/cwd").resolve() == tree.resolve():
                    os.killpg(int(pid), signal.SIGTERM)
            except OSError:
                continue


def run_problem(out: RunOutput) -> str | None:
    """Why a run cannot be compared (None: it can; failing tests and import errors are fine)."""
    if out.verdict.status != "infra_error":
        return None
    if out.verdict.cause in (results.Cause.NO_TESTS, results.Cause.COLLECTION,
                             results.Cause.ALL_SKIPPED):
        # nothing of the selection on this side yet, an import the fix adds, or tests that
        # skip here (each one's outcome is compared: skipped on both sides is not checked)
        return None
    if out.verdict.cause == results.Cause.TIMEOUT and any(
            r.message != results.TIME_LIMIT_MESSAGE for r in out.results):
        return None  # what ended in time is compared; the rest is not checked
    return out.verdict.reason


def without_unimportable(batch: select.Batch, out: RunOutput) -> select.Batch | None:
    """The batch without its targets in test files that could not be imported, when one of
    those names a class or a test there; None when nothing needs running again.  pytest
    runs nothing at all when a node id points into such a file ("found no collectors"),
    even with ``--continue-on-collection-errors`` (diffusers 4c52cb267a: one file needs
    torchvision, and the 62 other own targets ran nothing)."""
    broken = {r.id for r in results.collection_errors(out.results)}
    if not any("::" in t and t.split("::")[0] in broken for t in batch.targets):
        return None
    rest = tuple(t for t in batch.targets if t.split("::")[0] not in broken)
    return dataclasses.replace(batch, targets=rest) if rest else None


def batch_subset(subset: Subset, batch: select.Batch) -> Subset:
    """The subset's run settings (workers, timeouts, env, network) with the batch's narrowing."""
    return dataclasses.replace(subset, paths=batch.targets, k=batch.k, markers=batch.markers,
                               deselect=batch.deselect)


def what_runs(recipe: Recipe, tests: tuple[str, ...]) -> str:
    """``peft, 3 targets``: what a progress line says runs (the subset whose settings a
    verification borrows is not what it runs)."""
    return f"{recipe.name}, {len(tests)} target{'' if len(tests) == 1 else 's'}"


def side(recipe: Recipe, subset: Subset, batches: tuple[select.Batch, ...], backend: Backend,
          env: Env, tree: Path, ui: Ui, label: str, serial: bool
          ) -> tuple[list[TestResult], RunOutput | None, str | None]:
    """Run every batch on one side: (results, the last run, why it cannot be compared)."""
    found: dict[str, TestResult] = {}
    last: RunOutput | None = None
    args = PYTEST_ARGS + (("-n", "0") if serial else ())
    for batch in batches:
        _, out = run_tests(recipe, batch_subset(subset, batch), backend, env, tree, ui,
                           tests=batch.targets, pytest_args=args, label=label,
                           what=what_runs(recipe, batch.targets))
        rest = without_unimportable(batch, out)
        if rest is not None:
            _, again = run_tests(recipe, batch_subset(subset, rest), backend, env, tree, ui,
                                 tests=rest.targets, pytest_args=args, label=label,
                                 what=what_runs(recipe, rest.targets))
            out = dataclasses.replace(again, results=results.collection_errors(out.results)
                                      + again.results)
        last = out
        problem = run_problem(out)
        found.update({r.id: r for r in out.results})
        if problem:
            return list(found.values()), out, problem
    return list(found.values()), last, None


SideArgs = tuple[Recipe, Subset, tuple[select.Batch, ...], Backend, Env, Path]
SideResult = tuple[list[TestResult], RunOutput | None, str | None]


class _Stopped(Exception):
    pass


class _StoppableStep(Step):
    def __init__(self, title: str, stop: threading.Event) -> None:
        super().__init__(None, None, title)
        self.stop = stop

    def pytest_line(self, line: str) -> None:
        if self.stop.is_set():
            raise _Stopped(self.title)


class _Background(Ui):
    """No display (one live display at a time); stops its run when ``stop`` is set."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__(quiet=True)
        self.stop = stop

    @contextlib.contextmanager
    def step(self, title: str) -> Iterator[Step]:
        yield _StoppableStep(title, self.stop)


def two_sides(before: SideArgs, after: SideArgs, ui: Ui, serial: tuple[bool, bool], *,
              parallel: bool) -> tuple[SideResult, SideResult]:
    """Run the before and the after side, at once when ``parallel`` (the before side in a
    thread, without a display; a ^C in the main thread stops it at its next line).
    ``serial``: (before, after), each whether it runs without xdist workers."""
    serial_before, serial_after = serial
    if not parallel:
        return (side(*before, ui, "before", serial_before),
                side(*after, ui, "after", serial_after))
    stop = threading.Event()
    box: dict[str, SideResult | BaseException] = {}

    def work() -> None:
        try:
            box["before"] = side(*before, _Background(stop), "before", serial_before)
        except BaseException as e:  # handed to the main thread
            box["error"] = e

    thread = threading.Thread(target=work, name="verify-before", daemon=True)
    thread.start()
    try:
        after_result = side(*after, ui, "before and after", serial_after)
    except BaseException:
        stop.set()  # the before side stops at its next line, or now:
        _stop_children_in(before[5])
        thread.join(STOP_WAIT)
        raise
    thread.join()
    error = box.get("error")
    if isinstance(error, BaseException):
        raise error
    result = box["before"]
    assert not isinstance(result, BaseException)
    return result, after_result
