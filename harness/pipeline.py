"""The steps every job stands on: checkout -> env -> run.

``reproduce`` runs them once; ``verify`` runs the checkout and env steps, then two runs.
Each step shows progress on a :class:`~harness.progress.Ui` and raises
:class:`~harness.errors.HarnessError` for anything a user can act on.
"""
from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import cache, checkout, config, network, recipes, runner, sparse, torch_source
from harness.envs import Backend, Env, EnvSpec
from harness.envs.venv import resolve_python
from harness.progress import Ui
from harness.recipes import Recipe, Subset
from harness.runner import RunOutput


@dataclass(frozen=True)
class Setup:
    """What a job resolves once from the recipe, the user's settings and the command line."""

    recipe: Recipe
    backend: Backend
    torch: torch_source.TorchSource
    settings: config.Settings


def setup(recipe_name: str, backend: str = "auto", *, torch_index: str | None = None,
          torch_find_links: tuple[str, ...] = (), base_image: str | None = None) -> Setup:
    from harness import recipes
    from harness.envs import get_backend

    recipe = recipes.load(recipe_name)
    settings = config.load_settings()
    torch = torch_source.resolve(settings, index=torch_index, find_links=torch_find_links)
    return Setup(recipe, get_backend(backend, base_image, settings), torch, settings)


@dataclass
class Timings:
    values: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, start: float) -> None:
        self.values[name] = round(self.values.get(name, 0.0) + time.monotonic() - start, 3)


def online(subset: Subset) -> Subset:
    """``subset`` let out to the network (``--online``), once the Hub its tests will talk to
    answers: without it, each test would wait on a download's timeouts before it fails."""
    subset = recipes.online(subset)
    network.check_hub(subset.env)
    return subset


def get_checkout(recipe: Recipe, ui: Ui, source: str | None = None, ref: str | None = None,
                 tests: tuple[str, ...] = (), settings: config.Settings | None = None
                 ) -> checkout.Checkout:
    """The worktree; a sparse one also gets the test paths asked for with ``--tests``, each
    test file with its whole folder (:func:`.sparse.for_tests`) and the test folders it
    imports (:func:`.sparse.imported_tests`)."""
    url = checkout.resolve_url(recipe.name, recipe.source.url, source, settings)
    ref = ref if ref is not None else recipe.source.ref
    patterns = recipe.source.sparse
    if patterns:
        patterns += sparse.for_tests(tests)
    with ui.step(f"checkout {recipe.name} {ref}"):
        co = checkout.ensure(recipe.name, url, ref, patterns)
        if patterns:  # the test folders they import, and theirs
            sparse.follow_imports(co.path, sparse.test_files(co.path, tests),
                                  lambda folders: checkout.widen(co, folders))
    cache.touch_used(co.path)  # gc keeps what a running job uses
    cache.touch_used(co.mirror)
    return co


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
    cache.touch_used(env.path)
    if env.built:
        ui.info(f"built env {env.key} (torch from {source.describe()})")
    return env


def run_tests(recipe: Recipe, subset: Subset, backend: Backend, env: Env, worktree: Path,
              ui: Ui, *, tests: tuple[str, ...] = (), pytest_args: tuple[str, ...] = (),
              label: str = "tests", what: str = "") -> tuple[runner.Plan, RunOutput]:
    """Run ``subset`` (or ``tests`` with its settings) in ``worktree``; the progress line says
    ``label`` and ``what`` runs (default: the recipe and subset)."""
    out_dir = new_run_dir(recipe.name, subset.name)
    the_plan = runner.plan(recipe, subset, worktree, out_dir, tests, pytest_args)
    workers = "1 process" if the_plan.workers == 1 else f"{the_plan.workers} processes"
    threads = "1 thread" if the_plan.threads == 1 else f"{the_plan.threads} threads"
    title = f"{label} {what or f'{recipe.name}:{subset.name}'} ({workers} x {threads})"
    with ui.step(title) as step:
        output = runner.run(backend, env, subset, the_plan, out_dir, on_line=step.pytest_line)
    return the_plan, output


def new_run_dir(recipe: str, subset: str) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    return config.home() / "runs" / f"{stamp}-{recipe}-{subset}-{secrets.token_hex(3)}"


