"""recipe -> checkout -> env -> run -> results -> report: the main job, step by step.

The steps are separate functions so that verify can reuse them (one checkout, one env,
two runs) and the CLI and nox sessions stay thin doors onto them.
"""
from __future__ import annotations

import datetime as dt
import json
import shlex
import time
from dataclasses import dataclass
from pathlib import Path

from harness import history, pipeline, recipes, run_report, store
from harness import shard as sharding
from harness.errors import HarnessError
from harness.pipeline import Timings, get_checkout, get_env, run_tests
from harness.progress import Ui
from harness.run_report import PytestCall, RunReport
from harness.status import Status


@dataclass(frozen=True)
class Options:
    recipe: str
    subset: str | None = None
    source: str | None = None  # a path or URL to clone from instead of the recipe's
    ref: str | None = None  # instead of the recipe's pinned ref
    tests: tuple[str, ...] = ()  # instead of the subset's paths
    k: str | None = None  # a pytest -k expression instead of the subset's
    pytest_args: tuple[str, ...] = ()
    torch_index: str | None = None
    torch_find_links: tuple[str, ...] = ()
    backend: str = "auto"
    base_image: str | None = None  # docker backend: the image envs are built on
    shard: sharding.Shard | None = None  # run only this shard of the selection
    durations: str | None = None  # a JSON report whose test durations balance the shards
    online: bool = False  # the tests may reach the network (the Hub)


def reproduce_command(opts: Options, subset: str) -> str:
    """The command that runs the same again, quoted for a POSIX shell."""
    parts = ["harness", "reproduce", opts.recipe, "--subset", subset]
    pairs = [("--source", opts.source), ("--ref", opts.ref), ("--torch-index", opts.torch_index),
             ("--backend", None if opts.backend == "auto" else opts.backend),
             ("--base-image", opts.base_image)]
    pairs += [("--tests", t) for t in opts.tests]
    pairs += [("--torch-find-links", p) for p in opts.torch_find_links]
    for flag, value in pairs:
        if value:
            parts += [flag, value]
    if opts.k is not None:
        parts += ["-k", opts.k]
    parts += [f"--pytest-arg={a}" for a in opts.pytest_args]
    if opts.shard:
        parts += ["--shard", str(opts.shard)]
    if opts.durations:
        parts += ["--durations", opts.durations]
    if opts.online:
        parts.append("--online")
    return shlex.join(parts)


def reproduce(opts: Options, ui: Ui | None = None) -> RunReport:
    """Run a recipe's subset and return its report (also saved in the store)."""
    ui = ui or Ui()
    start = time.monotonic()
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    setup = pipeline.setup(opts.recipe, opts.backend, torch_index=opts.torch_index,
                           torch_find_links=opts.torch_find_links, base_image=opts.base_image)
    recipe = setup.recipe
    subset = recipe.subset(opts.subset)
    if (narrowed := recipes.for_tests(subset, opts.tests)) is not subset:
        ui.info(f"the tests asked for lie outside subset {subset.name!r}'s paths: its -k and "
                f"deselects, which name tests of its own files, are not applied")
        subset = narrowed
    if opts.k is not None:
        subset = recipes.with_k(subset, opts.k)
    if opts.online:
        subset = pipeline.online(subset)
    timings = Timings()
    ref = opts.ref if opts.ref is not None else recipe.source.ref
    report = RunReport(recipe=recipe.name, subset=subset.name, ref=ref,
                       backend=setup.backend.name, started_at=started_at,
                       command=reproduce_command(opts, subset.name))
    pytest_args = opts.pytest_args
    durations = sharding.Durations({}, "")
    if opts.shard:
        if opts.durations:
            durations = run_report.durations_in(Path(opts.durations))
        else:
            with store.opened() as conn:
                durations = sharding.from_store(conn, recipe.name, subset.name)
        report = report.replace(shard=sharding.ShardInfo(opts.shard.index, opts.shard.total,
                                                         durations_from=durations.source))
        path = sharding.durations_file(durations.seconds) if durations.seconds else None
        pytest_args += sharding.pytest_args(opts.shard, path)
    try:
        t = time.monotonic()
        co = get_checkout(recipe, ui, opts.source, opts.ref, opts.tests, setup.settings)
        timings.add("clone", t)
        report = report.replace(commit=co.commit, source=co.url, worktree=str(co.path))
        _check_tests_exist(opts.tests, co.path, f"{recipe.name} at {ref} ({co.commit[:12]})")
        t = time.monotonic()
        env = get_env(recipe, co.path, setup.backend, setup.torch, ui)
        timings.add("env", t)
        report = report.replace(env_key=env.key, env_path=str(env.path), env_built=env.built)
        t = time.monotonic()
        the_plan, output = run_tests(recipe, subset, setup.backend, env, co.path, ui,
                                     tests=opts.tests, pytest_args=pytest_args)
        timings.add("tests", t)
    except HarnessError as e:
        timings.add("total", start)
        failed = report.replace(status=Status.INFRA_ERROR, reason=e.message.splitlines()[0],
                                timings=timings.values)
        _save(failed, None, ui)
        raise
    timings.add("total", start)
    verdict = output.verdict
    if opts.shard:
        info = sharding.read_info(output.junit.parent, opts.shard, durations.source)
        verdict = sharding.verdict(verdict, info, output.results)
        report = report.replace(shard=info)
    report = report.replace(
        status=Status(verdict.status), reason=verdict.reason,
        exit_code=output.exit_code, tests=tuple(output.results), timings=timings.values,
        pytest=PytestCall(tuple(the_plan.argv), the_plan.env, the_plan.workers,
                          the_plan.threads),
        log=str(output.log), junit=str(output.junit))
    return _save(report, output.log.parent / "report.json", ui)


def _check_tests_exist(tests: tuple[str, ...], tree: Path, where: str) -> None:
    """One clear line for a ``--tests`` path the checkout lacks: pytest (under xdist, with
    transformers' conftest turning "no tests" into success) says only that nothing ran."""
    for test in tests:
        path = test.split("::", maxsplit=1)[0]
        if not (tree / path).exists():
            what = f"{test}: {path}" if path != test else test
            raise HarnessError(f"--tests {what} is not in {where}",
                               hint="the checkout's test files: git ls-files tests/ in "
                                    f"{tree}")


def _save(report: RunReport, path: Path | None, ui: Ui) -> RunReport:
    """Store the report; a store that fails must not lose the results of a finished run."""
    if path is not None:
        path.write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
    try:
        with store.opened() as conn:
            return report.replace(run_id=history.save_run(conn, report))
    except HarnessError as e:
        if path is None:
            raise
        ui.info(f"warning: the run could not be stored ({e.message}); its report is in {path}")
        return report
