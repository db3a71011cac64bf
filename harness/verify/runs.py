"""The test runs of a verification, and what each test did before and after the patch.

With tests of its own in the patch (they decide), the base runs those, plus the selected
tests whose latest stored outcome was a failure; the other selected tests run after the
patch, and on the base only where they fail after it: a test that passes after the patch is
not broken.  A patch without tests of its own runs everything on both trees.  Both sides
run at once when the base's share is small; tests whose outcome changed run once more on
each side (flaky or not).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from harness import pipeline, results
from harness.envs import Env
from harness.pipeline import Timings, run_tests
from harness.progress import Ui
from harness.recipes import Recipe, Subset
from harness.results import TestResult
from harness.runner import RunOutput
from harness.status import Status
from harness.verify import basecache, change, compare, guards, own, select, sides, worktrees
from harness.verify.document import RunInfo, VerifyReport

# a name defined on a line a patch adds, and the name an ImportError could not import
DEFINED_RE = re.compile(r"^\+[ \t]*(?:(?:async[ \t]+)?def|class)[ \t]+(\w+)|^\+(\w+)[ \t]*[:=]",
                        re.MULTILINE)
CANNOT_IMPORT_RE = re.compile(r"cannot import name '(\w+)'")
SERIAL_RERUN = 20  # rerun this many tests or fewer without xdist workers
SERIAL_SECONDS = 30.0  # an estimated run shorter than this goes without xdist workers


def run_doc(recipe: Recipe, subset: Subset, ref: str, sha: str, env: Env, out: RunOutput,
            targets: tuple[str, ...]) -> dict[str, object]:
    return {"recipe": recipe.name, "subset": subset.name, "ref": ref, "commit": sha,
            "env_key": env.key, "status": out.verdict.status, "reason": out.verdict.reason,
            "exit_code": out.exit_code, "counts": results.counts(out.results),
            "log": str(out.log), "started_at": now(),
            "timings": {"total": round(out.duration, 3)}, "targets": list(targets)}


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def info(out: RunOutput | None, run_id: int | None = None) -> RunInfo | None:
    if out is None:
        return None
    return RunInfo(False, run_id, out.verdict.status, out.exit_code, str(out.log), out.duration)


def compare_sides(setup: pipeline.Setup, subset: Subset, the_change: change.Change,
                  base_sha: str, trees: worktrees.Trees, sel: select.Selection,
                  rep: VerifyReport, timings: Timings, ui: Ui, env: Env, env_after: Env,
                  *, use_cache: bool = True, code_free: bool = False, refactor: bool = False
                  ) -> tuple[VerifyReport, list[TestResult]]:
    """Run the selection on both trees (see the module) and classify each test."""
    recipe, backend = setup.recipe, setup.backend
    target = PurePosixPath(select.package_dir(recipe, trees.after)).name
    # With tests of its own (they decide), the base runs those only; the others run after
    # the patch, and on the base only where they fail after it (a test passing after the
    # patch is not broken).  Without, the others are all there is: both trees run them all.
    after_first = bool(sel.own)
    batches = select.batches(recipe, sel.run)
    base_picks = sel.run
    if after_first:
        base_picks = sel.own + tuple(
            select.Pick(t, "failed in its latest stored run", False, 1) for t in sel.suspects)
    base_batches = select.batches(recipe, base_picks)
    serial = sum(p.estimate for p in sel.run) < SERIAL_SECONDS
    targets = tuple(f"{b.targets}{b.k}{b.markers}{b.deselect}" for b in base_batches)
    key = basecache.key(recipe, subset, base_sha, targets, env.key, trees.tests_text,
                        trees.sparse)
    cached = basecache.lookup(key) if use_cache and base_batches else None
    t = time.monotonic()
    after_side = (recipe, subset, batches, backend, env_after, trees.after)
    if cached is not None:
        before_id, before = cached
        rep = rep.replace(before=RunInfo(True, before_id, "", None, "", 0.0))
        ui.info(f"before: reusing the cached base run #{before_id}")
        after, out, problem = sides.side(*after_side, ui, "after", serial)
        timings.add("after", t)
    else:
        # both at once when the base's run is small (the own tests) or both are
        base_serial = sum(p.estimate for p in base_picks) < SERIAL_SECONDS
        (before, b_out, b_problem), (after, out, problem) = sides.two_sides(
            (recipe, subset, base_batches, backend, env, trees.before), after_side, ui,
            (base_serial, serial), parallel=after_first or serial)
        timings.add("before+after" if after_first or serial else "runs", t)
        assert b_out is not None
        # a base run its time limit cut short is kept, not reused: the next may finish
        cut = b_out.verdict.cause == results.Cause.TIMEOUT
        before_id = basecache.save(None if b_problem or cut else key,
                                   run_doc(recipe, subset, rep.ref, base_sha, env, b_out,
                                           tuple(p.target for p in base_picks)), before)
        rep = rep.replace(before=info(b_out, before_id))
        if b_problem:
            return infra(rep, f"the before run failed: {b_problem}", before, [], sel), []
    rep = rep.replace(after=info(out))
    if problem:
        return infra(rep, f"the after run failed: {problem}", before, after, sel), after
    if after_first:  # a stored failure the after side did not run (narrowed): not a row
        ran = {r.id for r in after} | {compare.file_of(r.id) for r in after}
        before = [r for r in before
                  if own.is_own(r.id, sel.own_targets, sel.own_cases) or r.id in ran]
    added = added_names(the_change)
    rows = _classified(before, after, sel, after_first, target, trees.after, added)
    wanted = compare.base_wanted(rows)
    if wanted:
        t = time.monotonic()
        before = [*before, *_on_base(setup, subset, env, trees, ui, wanted)]
        rows = _classified(before, after, sel, after_first, target, trees.after, added)
        timings.add("before (failing after)", t)
    again = compare.to_rerun(rows)
    if again:
        t = time.monotonic()
        rows = _rerun(setup, subset, env, env_after, trees, ui, rows, again)
        timings.add("rerun", t)
    rep = rep.replace(rerun=len(again), tests=tuple(rows))
    verdict = compare.verdict(rows, code_free, sel.shared, refactor=refactor)
    return rep.replace(verdict=verdict.status, reason=verdict.reason), after


def added_names(the_change: change.Change) -> dict[str, frozenset[str]]:
    """Each changed file -> the names defined on the lines the patch adds to it."""
    return {f.path: frozenset(a or b for a, b in DEFINED_RE.findall(f.text))
            for f in the_change.files}


def _made_importable(r: compare.Row, added: Mapping[str, frozenset[str]]) -> bool:
    """Whether a test "fixed" elsewhere only failed on the base because its file, as the
    patch changes it, imports a name the patch adds to another file: the base ran the
    patched test file, which could not be collected there."""
    path = compare.file_of(r.id)
    if r.change != "fixed" or r.own or path not in added:
        return False
    found = CANNOT_IMPORT_RE.search(r.note)
    return found is not None and any(found.group(1) in names
                                     for p, names in added.items() if p != path)


def _classified(before: list[TestResult], after: list[TestResult], sel: select.Selection,
                after_first: bool, target: str, tree: Path,
                added: Mapping[str, frozenset[str]] | None = None) -> list[compare.Row]:
    """:func:`compare.classify`, with a test that fails after the patch on a name its file,
    or the target's module it imports from, binds only when a backend is there not checked
    (:mod:`.guards`), and one whose patched file the base could not import for a name the
    patch adds (``added``: :func:`added_names`) passing after the patch only."""
    rows = compare.classify(before, after, sel.own_targets, after_first=after_first,
                            own_cases=sel.own_cases, target=target)
    needs: dict[tuple[str, str], str | None] = {}  # a file's collection error is on each test
    out = []
    for r in rows:
        if added and _made_importable(r, added):  # passes after; the base could not tell
            out.append(r._replace(change="passing", before=None, note=""))
            continue
        why = None
        if compare.failing(r.after) and ("NameError" in r.note
                                         or "cannot import name" in r.note):
            at = (compare.file_of(r.id), r.note)
            if at not in needs:
                needs[at] = guards.needs(tree, *at)
            why = needs[at]
        out.append(r._replace(change="not_checked", note=why) if why else r)
    return out


def _plain(subset: Subset, tests: tuple[str, ...]) -> tuple[Subset, tuple[str, ...]]:
    """The subset's run settings without its narrowing, and pytest's arguments: a few tests
    run in one process (xdist workers would each import the target again)."""
    args = sides.PYTEST_ARGS + (("-n", "0") if len(tests) <= SERIAL_RERUN else ())
    return dataclasses.replace(subset, k=None, markers=None, deselect=()), args


def _on_base(setup: pipeline.Setup, subset: Subset, env: Env, trees: worktrees.Trees, ui: Ui,
             wanted: list[str]) -> list[TestResult]:
    """Run on the base the other tests that fail after the patch; without their parameters
    (a case made from the library's code may not exist there)."""
    tests = compare.rerun_targets(list(dict.fromkeys(w.split("[", 1)[0] for w in wanted)))
    plain, args = _plain(subset, tests)
    _, out = run_tests(setup.recipe, plain, setup.backend, env, trees.before, ui, tests=tests,
                       pytest_args=args, label="before: the tests failing after",
                       what=sides.what_runs(setup.recipe, tests))
    return out.results


def _rerun(setup: pipeline.Setup, subset: Subset, env: Env, env_after: Env,
           trees: worktrees.Trees, ui: Ui, rows: list[compare.Row], again: list[str]
           ) -> list[compare.Row]:
    """Run the tests whose outcome changed once more on each side: flaky or not."""
    tests = compare.rerun_targets(again)
    plain, args = _plain(subset, tests)
    recipe, backend = setup.recipe, setup.backend
    what = sides.what_runs(recipe, tests)
    _, b = run_tests(recipe, plain, backend, env, trees.before, ui, tests=tests,
                     pytest_args=args, label="rerun before", what=what)
    _, a = run_tests(recipe, plain, backend, env_after, trees.after, ui, tests=tests,
                     pytest_args=args, label="rerun after", what=what)
    return compare.mark_flaky(rows, b.results, a.results)


def infra(rep: VerifyReport, reason: str, before: list[TestResult], after: list[TestResult],
          sel: select.Selection) -> VerifyReport:
    rows = (compare.classify(before, after, sel.own_targets, after_first=bool(sel.own),
                             own_cases=sel.own_cases)
            if after else [])
    return rep.replace(verdict=Status.INFRA_ERROR, reason=reason, tests=tuple(rows))
