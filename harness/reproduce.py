"""recipe -> checkout -> env -> run -> results -> report: the main job, step by step.

The steps are separate functions so that verify can reuse them (one checkout, one env,
two runs) and the CLI and nox sessions stay thin doors onto them.
"""
from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import checkout, config, history, results, runner, store, torch_source
from harness.envs import Backend, Env, EnvSpec, get_backend
from harness.envs.venv import resolve_python
from harness.errors import HarnessError
from harness.progress import Ui
from harness.recipes import Recipe, Subset
from harness.runner import RunOutput


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


@dataclass
class Timings:
    values: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, start: float) -> None:
        self.values[name] = round(self.values.get(name, 0.0) + time.monotonic() - start, 3)


def get_checkout(recipe: Recipe, ui: Ui, source: str | None = None, ref: str | None = None,
                 tests: tuple[str, ...] = ()) -> checkout.Checkout:
    """The worktree; a sparse one also gets the test paths asked for with ``--tests``."""
    url = checkout.resolve_url(recipe.name, recipe.source.url, source)
    ref = ref or recipe.source.ref
    sparse = recipe.source.sparse
    if sparse:
        sparse += tuple(f"/{t.split('::')[0].strip('/')}" for t in tests)
    with ui.step(f"checkout {recipe.name} {ref}"):
        return checkout.ensure(recipe.name, url, ref, sparse)


def env_spec(recipe: Recipe, project: Path, backend: Backend,
             source: torch_source.TorchSource) -> EnvSpec:
    uv = getattr(backend, "uv", None)
    python, version = resolve_python(recipe.install.python, uv)
    return EnvSpec(recipe.name, recipe.install, project, python, version, source)


def get_env(recipe: Recipe, project: Path, backend: Backend, source: torch_source.TorchSource,
            ui: Ui) -> Env:
    spec = env_spec(recipe, project, backend, source)
    with ui.step(f"env {recipe.name} ({backend.name})") as step:
        env = backend.ensure(spec, on_line=step.note)
    if env.built:
        ui.info(f"built env {env.key} (torch from {source.describe()})")
    return env


def run_tests(recipe: Recipe, subset: Subset, backend: Backend, env: Env, worktree: Path,
              ui: Ui, *, tests: tuple[str, ...] = (), pytest_args: tuple[str, ...] = (),
              label: str = "tests") -> tuple[runner.Plan, RunOutput]:
    out_dir = new_run_dir(recipe.name, subset.name)
    the_plan = runner.plan(recipe, subset, worktree, out_dir, tests, pytest_args)
    title = f"{label} {recipe.name}:{subset.name} ({the_plan.workers}x{the_plan.threads})"
    with ui.step(title) as step:
        output = runner.run(backend, env, subset, the_plan, out_dir, on_line=step.pytest_line)
    return the_plan, output


def new_run_dir(recipe: str, subset: str) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return config.home() / "runs" / f"{stamp}-{recipe}-{subset}-{secrets.token_hex(3)}"


def reproduce_command(opts: Options, subset: str) -> str:
    parts = ["nox", "-s", "reproduce", "--", opts.recipe, "--subset", subset]
    if opts.source:
        parts += ["--source", opts.source]
    if opts.ref:
        parts += ["--ref", opts.ref]
    for t in opts.tests:
        parts += ["--tests", t]
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
                                     tests=opts.tests, pytest_args=opts.pytest_args)
        timings.add("tests", t)
    except HarnessError as e:
        timings.add("total", start)
        doc.update(status="infra_error", reason=e.message.splitlines()[0], exit_code=None,
                   counts={}, tests=[], timings=timings.values)
        with store.opened() as conn:
            history.save(conn, doc, [])
        raise
    timings.add("total", start)
    doc.update(
        status=output.verdict.status,
        reason=output.verdict.reason,
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
