"""recipe -> checkout -> env -> run -> results -> report: the main job, step by step.

The steps are separate functions so that verify can reuse them (one checkout, one env,
two runs) and the CLI and nox sessions stay thin doors onto them.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import config, history, results, store, torch_source
from harness.envs import get_backend
from harness.errors import HarnessError
from harness.fanout import shard as sharding
from harness.pipeline import Timings, get_checkout, get_env, run_tests
from harness.progress import Ui


@dataclass(frozen=True)
class Options:
    recipe: str
    subset: str | None = None
    source: str | None = None  # a path or URL to clone from instead of the recipe's
    ref: str | None = None  # instead of the recipe's pinned ref
    tests: tuple[str, ...] = ()  # instead of the subset's paths
    pytest_args: tuple[str, ...] = ()
    torch_index: str | None = None
    torch_find_links: tuple[str, ...] = ()
    backend: str = "auto"
    shard: sharding.Shard | None = None  # run only this shard of the selection
    durations: str | None = None  # a JSON report whose test durations balance the shards


def reproduce_command(opts: Options, subset: str) -> str:
    parts = ["nox", "-s", "reproduce", "--", opts.recipe, "--subset", subset]
    if opts.source:
        parts += ["--source", opts.source]
    if opts.ref:
        parts += ["--ref", opts.ref]
    for t in opts.tests:
        parts += ["--tests", t]
    if opts.shard:
        parts += ["--shard", str(opts.shard)]
    if opts.durations:
        parts += ["--durations", opts.durations]
    return " ".join(parts)


def reproduce(opts: Options, ui: Ui | None = None) -> dict[str, Any]:
    """Run a recipe's subset and return the report document (also saved in the store)."""
    from harness import recipes

    ui = ui or Ui()
    start = time.monotonic()
    started_at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    recipe = recipes.load(opts.recipe)
    subset = recipe.subset(opts.subset)
    backend = get_backend(opts.backend)
    source = torch_source.resolve(config.load_settings(), index=opts.torch_index,
                                  find_links=opts.torch_find_links)
    timings = Timings()
    doc: dict[str, Any] = {
        "recipe": recipe.name, "subset": subset.name, "ref": opts.ref or recipe.source.ref,
        "commit": None, "env_key": None, "backend": backend.name, "started_at": started_at,
        "command": reproduce_command(opts, subset.name),
    }
    pytest_args = opts.pytest_args
    durations = sharding.Durations({}, "")
    if opts.shard:
        if opts.durations:
            durations = sharding.from_report(Path(opts.durations))
        else:
            with store.opened() as conn:
                durations = sharding.from_store(conn, recipe.name, subset.name)
        doc["shard"] = sharding.ShardInfo(opts.shard.index, opts.shard.total,
                                          durations_from=durations.source).to_json()
        path = sharding.durations_file(durations.seconds) if durations.seconds else None
        pytest_args += sharding.pytest_args(opts.shard, path)
    try:
        t = time.monotonic()
        co = get_checkout(recipe, ui, opts.source, opts.ref, opts.tests)
        timings.add("clone", t)
        doc.update(commit=co.commit, source=co.url, worktree=str(co.path))
        t = time.monotonic()
        env = get_env(recipe, co.path, backend, source, ui)
        timings.add("env", t)
        doc.update(env_key=env.key, env_path=str(env.path), env_built=env.built)
        t = time.monotonic()
        the_plan, output = run_tests(recipe, subset, backend, env, co.path, ui,
                                     tests=opts.tests, pytest_args=pytest_args)
        timings.add("tests", t)
    except HarnessError as e:
        timings.add("total", start)
        doc.update(status="infra_error", reason=e.message.splitlines()[0], exit_code=None,
                   counts={}, tests=[], timings=timings.values)
        with store.opened() as conn:
            history.save(conn, doc, [])
        raise
    timings.add("total", start)
    verdict = output.verdict
    if opts.shard:
        info = sharding.read_info(output.junit.parent, opts.shard, durations.source)
        doc["shard"] = info.to_json()
        verdict = sharding.verdict(verdict, output.exit_code, info, output.results)
    doc.update(
        status=verdict.status,
        reason=verdict.reason,
        exit_code=output.exit_code,
        counts=results.counts(output.results),
        tests=[t._asdict() for t in output.results],
        timings=timings.values,
        pytest={"argv": the_plan.argv, "env": the_plan.env, "workers": the_plan.workers,
                "threads": the_plan.threads},
        log=str(output.log),
        junit=str(output.junit),
    )
    with store.opened() as conn:
        doc["run_id"] = history.save(conn, doc, output.results)
    return doc
