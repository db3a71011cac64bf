"""verify: change -> worktrees -> selection -> env -> before/after -> checks -> verdict."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from harness import (
    checkout,
    history,
    pipeline,
    proc,
    recipes,
    results,
    store,
    torch_source,
)
from harness.envs import Env
from harness.errors import HarnessError
from harness.pipeline import Timings, get_env
from harness.progress import Ui
from harness.recipes import Recipe, Subset
from harness.results import TestResult
from harness.status import Status
from harness.verify import (
    change,
    checks,
    commands,
    compare,
    diff,
    durations,
    fit,
    mirror,
    nocode,
    runs,
    select,
    worktrees,
)
from harness.verify.document import ChangedFile, ChangeInfo, VerifyReport
from harness.verify.options import Options


def load_change(opts: Options, recipe: Recipe, url: str) -> change.Change:
    given = [x for x in (opts.patch, opts.commit, opts.pr) if x is not None]
    if len(given) != 1:
        raise HarnessError("give exactly one of --patch FILE, --commit REV or --pr N")
    if opts.patch is not None:
        patch = change.from_patch(Path(opts.patch), opts.base)
        if opts.base is not None:
            return patch
        return fit.place(url, patch, recipe.source.ref,  # made on main?
                         mirror.fetch_base(url, recipe.source.ref))
    if opts.commit is not None:
        return change.from_commit(Path(opts.repo_path), opts.commit, recipe.source.ref,
                                  opts.base)
    assert opts.pr is not None
    return change.from_pr(url, opts.pr, recipe.source.ref, opts.base)


def _notes(opts: Options, recipe: Recipe) -> tuple[str, ...]:
    online = ("--online: the tests could reach the network (the Hub models they load were "
              "downloaded)",) if opts.online else ()
    slow = (f"--slow: the tests the target marks slow could run "
            f"({' '.join(f'{k}={v}' for k, v in recipe.verify.slow_env.items())})",
            ) if opts.slow else ()
    return online + slow


NOTHING_TO_TEST = ("nothing to check: the patch adds or changes no test and no test imports "
                   "what it changes")


def _nothing_run(sel: select.Selection) -> str:
    if not sel.left_out:
        return NOTHING_TO_TEST
    seconds = sum(p.estimate for p in sel.left_out)
    return (f"nothing ran: the budget left out the {len(sel.left_out)} test file(s) that "
            f"could check it (about {seconds:.0f}s; --all runs them)")


def verify(opts: Options, ui: Ui | None = None) -> VerifyReport:
    """Verify a change; return the report (also saved in the store)."""
    ui = ui or Ui()
    if opts.budget <= 0:
        raise HarnessError(f"--budget must be a positive number of seconds, not {opts.budget:g}")
    if opts.gpu and not torch_source.has_nvidia_gpu():
        raise HarnessError("--gpu: this machine has no CUDA GPU (no NVIDIA driver found)",
                           hint="run it without --gpu: the tests that need one are reported "
                                "as not checked, with the command for a GPU machine")
    start = time.monotonic()
    timings = Timings()
    setup = pipeline.setup(opts.recipe, opts.backend, base_image=opts.base_image)
    recipe = setup.recipe
    subset = recipe.subset(opts.subset)
    if opts.online:
        subset = pipeline.online(subset)
    if opts.gpu:
        subset = recipes.on_gpu(subset)
    if opts.slow:
        if not recipe.verify.slow_env:
            raise HarnessError(f"--slow: recipe {recipe.name!r} names no switch for slow tests",
                               hint="its tests run as they are; a recipe turns them on with "
                                    "[verify] slow_env (e.g. RUN_SLOW = \"1\")")
        subset = recipes.slow(subset, recipe.verify)
    url = checkout.resolve_url(recipe.name, recipe.source.url, opts.source, setup.settings)
    t = time.monotonic()
    with ui.step(f"fetch the change and the base of {recipe.name}"):
        the_change = load_change(opts, recipe, url)
        if the_change.kept:  # the commands to run it again read the kept copy, not stdin
            opts = replace(opts, patch=the_change.kept)
        for note in the_change.notes:
            ui.info(f"note: {note}")
        base_ref = the_change.base or opts.base or recipe.source.ref
        base_sha = mirror.fetch_base(url, base_ref, the_change.fetch_from)
    timings.add("fetch", t)
    rep = VerifyReport(
        recipe=recipe.name, subset=subset.name, scoped=opts.subset is not None,
        ref=opts.base or the_change.base_label or recipe.source.ref, commit=base_sha,
        excluded=recipe.install.exclude,
        source=url, started_at=runs.now(),
        change=ChangeInfo(the_change.kind, the_change.description,
                          tuple(ChangedFile(f.path, f.status) for f in the_change.files)))
    after_results: list[TestResult] = []
    t = time.monotonic()
    with worktrees.prepared(recipe, the_change, url, base_sha, ui) as trees:
        timings.add("apply", t)
        rep = rep.replace(applied_with=trees.applied_with,
                          tests_applied_with=trees.tests_applied_with)
        t = time.monotonic()
        with ui.step("select tests"):
            sel = select.select(recipe, trees.after, the_change.files,
                                scope=subset if opts.subset else None,
                                budget=None if opts.run_all else opts.budget,
                                known=durations.load(recipe.name, _can(opts)),
                                before=trees.before)
        timings.add("select", t)
        rep = rep.replace(selection=sel.run, left_out=sel.left_out, budget=sel.budget,
                          notes=(*the_change.notes, *sel.notes, *_notes(opts, recipe)),
                          test_files=sel.test_files,
                          commands=commands.of(opts, recipe, subset, sel))
        if sel.empty and opts.run_checks and nocode.alters_no_code(the_change.files, base_sha,
                                                                   trees.after):
            rep = _checks_alone(setup, the_change, trees, rep.replace(
                verdict=Status.OK, reason=f"{compare.CODE_FREE}: the checks decide; "
                                          + ("no test imports what it changes" if not
                                             sel.left_out else "the budget left out "
                                             f"{len(sel.left_out)} test file(s)")),
                timings, ui)
        elif sel.empty:
            rep = rep.replace(verdict=Status.UNCHECKED, reason=_nothing_run(sel))
            if opts.run_checks:
                rep = _checks_alone(setup, the_change, trees, rep, timings, ui)
        else:
            rep, after_results = _compare(opts, setup, subset, the_change, base_sha, trees,
                                          sel, rep, timings, ui)
        t = time.monotonic()
    timings.add("cleanup", t)
    timings.add("total", start)
    rep = _slow_hint(rep.replace(timings=dict(timings.values)), recipe)
    saved = {**rep.to_json(), "status": str(rep.verdict), "counts": results.counts(after_results),
             "changes": rep.counts()}  # `harness runs` shows passed/failed counts
    with store.opened() as conn:
        run_id = history.save(conn, saved, after_results, kind="verify-after")
    return rep.replace(run_id=run_id)


def _can(opts: Options) -> frozenset[str]:
    """The reasons a stored test decided nothing that this run does away with."""
    return frozenset((*(compare.NEEDS_NETWORK if opts.online else ()),
                      *((compare.NEEDS_GPU,) if opts.gpu else ())))


def _slow_hint(rep: VerifyReport, recipe: Recipe) -> VerifyReport:
    """The command with --slow is offered only where a test skipped as slow (transformers
    60eefbc814: its 4 own tests are @slow integration tests, "skipped: test is slow")."""
    slow = {f"skipped: {reason}" for reason in recipe.verify.slow_skip}
    if rep.commands is None or not rep.commands.slow or any(
            why in slow for why in rep.not_checked()):
        return rep
    return rep.replace(commands=replace(rep.commands, slow=""))


def _envs(setup: pipeline.Setup, the_change: change.Change, trees: worktrees.Trees,
          ui: Ui) -> tuple[Env, Env, str | None]:
    recipe, backend, source = setup.recipe, setup.backend, setup.torch
    env = get_env(recipe, trees.before, backend, source, ui)
    note = _env_note(the_change)
    if note is None:
        return env, env, None
    return env, get_env(recipe, trees.after, backend, source, ui), note


def _env_note(the_change: change.Change) -> str | None:
    """Why the patched tree needs an env of its own (None: the base's serves it)."""
    changed = diff.dependency_files(the_change.files)
    return f"env rebuilt: {', '.join(changed)} changed" if changed else None


def _compare(opts: Options, setup: pipeline.Setup, subset: Subset, the_change: change.Change,
             base_sha: str, trees: worktrees.Trees, sel: select.Selection,
             rep: VerifyReport, timings: Timings, ui: Ui) -> tuple[VerifyReport, list[TestResult]]:
    t = time.monotonic()
    env, env_after, env_note = _envs(setup, the_change, trees, ui)
    timings.add("env", t)
    rep = rep.replace(env_key=env.key, env_after_key=env_after.key, env_note=env_note,
                      backend=setup.backend.name)
    if not opts.run_checks:
        return runs.compare_sides(setup, subset, the_change, base_sha, trees, sel, rep,
                                  timings, ui, env, env_after, use_cache=opts.use_cache,
                                  refactor=opts.refactor)
    # the checks run beside the tests (they are mostly one process each, the tests' base
    # side is short): their results join the report once the tests are done
    changed = _changed_paths(the_change)
    pool = ThreadPoolExecutor(1, thread_name_prefix="verify-checks")

    def run() -> tuple[checks.CheckOutcome, ...]:
        t = time.monotonic()
        try:
            return checks.run_checks(setup.recipe, trees.before, trees.after, Ui(quiet=True),
                                     target_python=env_after.python, changed=changed)
        finally:
            timings.add("checks", t)  # beside the tests: not part of the total's sum

    pending = pool.submit(run)
    try:
        code_free = nocode.alters_no_code(the_change.files, base_sha, trees.after)
        rep, after = runs.compare_sides(setup, subset, the_change, base_sha, trees, sel, rep,
                                        timings, ui, env, env_after, use_cache=opts.use_cache,
                                        code_free=code_free, refactor=opts.refactor)
        t = time.monotonic()
        with ui.step(f"the checks of {setup.recipe.name}"):
            found = pending.result()
        timings.add("waiting for the checks", t)
    except BaseException:
        with proc.stopping():  # a ^C or an error: the checks do not keep us waiting
            pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return with_checks(rep.replace(checks=found, checks_ran=True)), after


def _changed_paths(the_change: change.Change) -> tuple[str, ...]:
    """The paths a per-file check may read: those of the files the change does not delete."""
    return tuple(p for f in the_change.files if f.status != "deleted" for p in f.paths())


def _checks_alone(setup: pipeline.Setup, the_change: change.Change, trees: worktrees.Trees,
                  rep: VerifyReport, timings: Timings, ui: Ui) -> VerifyReport:
    """No test imports what the change touches: the checks its pull request faces decide
    (a change that alters no code: documents, comments), or run all the same (code: a
    transformers ``modular_*.py`` file, 283179857c).  Those that import the target run in
    its test env (transformers 64f30450db changes 25 READMEs: check_copies.py, which reads
    them, did not run, and the typo fix stayed "unchecked")."""
    t = time.monotonic()  # only the patched tree's env: no test runs on either side
    env_after = get_env(setup.recipe, trees.after, setup.backend, setup.torch, ui)
    env_note = _env_note(the_change)
    timings.add("env", t)
    t = time.monotonic()
    with ui.step(f"the checks of {setup.recipe.name}"):
        found = checks.run_checks(setup.recipe, trees.before, trees.after, Ui(quiet=True),
                                  target_python=env_after.python,
                                  changed=_changed_paths(the_change))
    timings.add("checks", t)
    return with_checks(rep.replace(checks=found, checks_ran=True, env_after_key=env_after.key,
                                   env_note=env_note, backend=setup.backend.name))


def with_checks(rep: VerifyReport) -> VerifyReport:
    """An introduced check failure makes an otherwise passing verdict ``checks_failed``; a
    change that alters no code is ``ok`` only when a check passed on it."""
    if rep.verdict == Status.OK and rep.reason.startswith(compare.CODE_FREE) and not any(
            c.status == checks.CheckStatus.PASSED for c in rep.checks):
        return rep.replace(verdict=Status.UNCHECKED, reason=f"{compare.CODE_FREE}, and no "
                           "check of the recipe passed on it here: nothing shows it is right")
    failed = rep.failed_checks()
    if not failed or rep.verdict in (Status.FAILING, Status.REGRESSIONS, Status.INFRA_ERROR):
        return rep
    names = ", ".join(c.name for c in failed)
    reason = f"{len(failed)} check(s) the pull request faces fail: {names}"
    if rep.verdict in (Status.OK, Status.UNCHECKED):
        reason += f" (tests: {rep.reason})"
    return rep.replace(verdict=Status.CHECKS_FAILED, reason=reason)
