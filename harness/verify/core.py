"""verify: change -> worktrees -> selection -> env -> before -> after -> reruns -> verdict."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import checkout, config, history, recipes, results, store, torch_source
from harness.envs import Backend, Env, get_backend
from harness.errors import HarnessError
from harness.pipeline import Timings, get_env, run_tests
from harness.progress import Ui
from harness.recipes import Recipe, Subset
from harness.results import TestResult
from harness.runner import RunOutput
from harness.verify import basecache, change, commands, compare, diff, mirror, select, worktrees

EXIT = {"ok": 0, "regressions": 1, "infra_error": 2}
PYTEST_ARGS = ("--continue-on-collection-errors",)
SERIAL_RERUN = 20  # rerun this many tests or fewer without xdist workers


@dataclass(frozen=True)
class Options:
    recipe: str
    patch: str | None = None
    commit: str | None = None
    repo_path: str = "."
    pr: int | None = None
    base: str | None = None
    subset: str | None = None
    source: str | None = None
    run_all: bool = False
    use_cache: bool = True
    backend: str = "auto"
    base_image: str | None = None  # docker backend: the image envs are built on


def load_change(opts: Options, recipe: Recipe, url: str) -> change.Change:
    given = [x for x in (opts.patch, opts.commit, opts.pr) if x is not None]
    if len(given) != 1:
        raise HarnessError("give exactly one of --patch FILE, --commit REV or --pr N")
    base = opts.base or recipe.source.ref
    if opts.patch is not None:
        return change.from_patch(Path(opts.patch), opts.base)
    if opts.commit is not None:
        return change.from_commit(Path(opts.repo_path), opts.commit, base)
    assert opts.pr is not None
    return change.from_pr(url, opts.pr, base)


def run_problem(out: RunOutput) -> str | None:
    """Why a run cannot be compared (None: it can; failing tests and import errors are fine)."""
    if out.verdict.status != "infra_error" or out.exit_code == 5:
        return None
    if out.exit_code in (1, 2) and out.verdict.reason.startswith("collection error"):
        return None
    return out.verdict.reason


def run_doc(recipe: Recipe, subset: Subset, ref: str, sha: str, env: Env, out: RunOutput,
            extra: dict[str, Any]) -> dict[str, Any]:
    return {"recipe": recipe.name, "subset": subset.name, "ref": ref, "commit": sha,
            "env_key": env.key, "status": out.verdict.status, "reason": out.verdict.reason,
            "exit_code": out.exit_code, "log": str(out.log),
            "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "timings": {"total": round(out.duration, 3)}, **extra}


def verify(opts: Options, ui: Ui | None = None) -> dict[str, Any]:
    """Verify a change; return the report document (also saved in the store)."""
    ui = ui or Ui()
    start = time.monotonic()
    timings = Timings()
    recipe = recipes.load(opts.recipe)
    subset = recipe.subset(opts.subset)
    url = checkout.resolve_url(recipe.name, recipe.source.url, opts.source)
    t = time.monotonic()
    with ui.step(f"fetch the change and the base of {recipe.name}"):
        the_change = load_change(opts, recipe, url)
        base_ref = the_change.base or opts.base or recipe.source.ref
        base_sha = mirror.fetch_base(url, base_ref, the_change.fetch_from)
    timings.add("fetch", t)
    doc: dict[str, Any] = {
        "recipe": recipe.name, "subset": subset.name, "ref": opts.base or recipe.source.ref,
        "commit": base_sha, "source": url,
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "change": {"kind": the_change.kind, "description": the_change.description,
                   "files": [{"path": f.path, "status": f.status} for f in the_change.files]},
    }
    t = time.monotonic()
    with worktrees.prepared(recipe, the_change, url, base_sha, ui) as trees:
        timings.add("apply", t)
        doc.update(applied_with=trees.applied_with, tests_applied_with=trees.tests_applied_with)
        t = time.monotonic()
        with ui.step("select tests"):
            sel = select.select(recipe, subset, trees.after, the_change.files,
                                run_all=opts.run_all, before=trees.before)
        timings.add("select", t)
        doc.update(selection_doc(sel, subset))
        doc["commands"] = commands.of(opts, recipe, subset, sel.targets(subset))
        if sel.empty:
            doc.update(verdict="ok", exit_code=0, tests=[], counts=compare.counts([]),
                       reason=f"no selected test file is in subset {subset.name!r}'s scope "
                              f"({' '.join(subset.paths)}); --all runs the whole subset")
        else:
            _compare(opts, recipe, subset, the_change, base_sha, trees, sel, doc, timings, ui)
    timings.add("total", start)
    doc["timings"] = timings.values
    tests = [TestResult(r["id"], r["after"], 0.0, r["note"])
             for r in doc.get("tests", []) if r["after"]]
    saved = {**doc, "status": doc["verdict"], "counts": results.counts(tests),
             "changes": doc["counts"]}  # `harness runs` shows passed/failed counts
    with store.opened() as conn:
        doc["run_id"] = history.save(conn, saved, tests, kind="verify-after")
    return doc


def selection_doc(sel: select.Selection, subset: Subset) -> dict[str, Any]:
    return {
        "selection": [{"path": s.path, "reason": s.reason} for s in sel.files],
        "whole_subset": sel.whole, "whole_reason": sel.whole_reason,
        "out_of_scope": [{"path": s.path, "reason": s.reason} for s in sel.out_of_scope],
        "notes": list(sel.notes), "targets": list(sel.targets(subset)),
        "subset_files": sel.subset_files,
    }


def _envs(recipe: Recipe, the_change: change.Change, trees: worktrees.Trees, backend: Backend,
          ui: Ui) -> tuple[Env, Env, str | None]:
    source = torch_source.resolve(config.load_settings())
    env = get_env(recipe, trees.before, backend, source, ui)
    changed = diff.dependency_files(the_change.files)
    if not changed:
        return env, env, None
    after = get_env(recipe, trees.after, backend, source, ui)
    return env, after, f"env rebuilt: {', '.join(changed)} changed"


def _compare(opts: Options, recipe: Recipe, subset: Subset, the_change: change.Change,
             base_sha: str, trees: worktrees.Trees, sel: select.Selection,
             doc: dict[str, Any], timings: Timings, ui: Ui) -> None:
    backend = get_backend(opts.backend, opts.base_image)
    t = time.monotonic()
    env, env_after, env_note = _envs(recipe, the_change, trees, backend, ui)
    timings.add("env", t)
    doc.update(env_key=env.key, env_after_key=env_after.key, env_note=env_note,
               backend=backend.name)
    targets = sel.targets(subset)
    tests_text = diff.join(worktrees.test_part(recipe, the_change))
    key = basecache.key(recipe, subset, base_sha, targets, env.key, tests_text)
    cached = basecache.lookup(key) if opts.use_cache else None
    t = time.monotonic()
    if cached is not None:
        before_id, before = cached
        doc["before"] = {"cached": True, "run_id": before_id}
        ui.info(f"before: reusing the cached base run #{before_id}")
    else:
        _, out = run_tests(recipe, subset, backend, env, trees.before, ui, tests=targets,
                           pytest_args=PYTEST_ARGS, label="before")
        problem = run_problem(out)
        before = out.results
        before_id = basecache.save(None if problem else key,
                                   run_doc(recipe, subset, doc["ref"], base_sha, env, out,
                                           {"targets": list(targets)}), before)
        doc["before"] = {"cached": False, "run_id": before_id, "status": out.verdict.status,
                         "exit_code": out.exit_code, "log": str(out.log)}
        if problem:
            return _infra(doc, f"the before run failed: {problem}", before, [])
    timings.add("before", t)
    t = time.monotonic()
    _, out = run_tests(recipe, subset, backend, env_after, trees.after, ui, tests=targets,
                       pytest_args=PYTEST_ARGS, label="after")
    timings.add("after", t)
    doc["after"] = {"status": out.verdict.status, "exit_code": out.exit_code,
                    "log": str(out.log)}
    problem = run_problem(out)
    if problem:
        return _infra(doc, f"the after run failed: {problem}", before, out.results)
    rows = compare.classify(before, out.results)
    again = compare.to_rerun(rows)
    if again:
        t = time.monotonic()
        rerun = compare.rerun_targets(again)
        # a few tests: one process (xdist workers would each import the target again)
        args = PYTEST_ARGS + (("-n", "0") if len(rerun) <= SERIAL_RERUN else ())
        _, b = run_tests(recipe, subset, backend, env, trees.before, ui, tests=rerun,
                         pytest_args=args, label="rerun before")
        _, a = run_tests(recipe, subset, backend, env_after, trees.after, ui, tests=rerun,
                         pytest_args=args, label="rerun after")
        rows = compare.mark_flaky(rows, b.results, a.results)
        timings.add("rerun", t)
    doc["rerun"] = len(again)
    verdict = compare.verdict(rows)
    doc.update(verdict=verdict.status, reason=verdict.reason, exit_code=EXIT[verdict.status],
               tests=[r._asdict() for r in rows], counts=compare.counts(rows))


def _infra(doc: dict[str, Any], reason: str, before: list[TestResult],
           after: list[TestResult]) -> None:
    rows = compare.classify(before, after) if after else []
    doc.update(verdict="infra_error", reason=reason, exit_code=2,
               tests=[r._asdict() for r in rows], counts=compare.counts(rows))
