"""The exact commands that repeat a verification, shown in every report."""
from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from harness.recipes import Recipe, Subset
from harness.runner import selection_args

if TYPE_CHECKING:
    from harness.verify.core import Options


def verify_args(opts: Options) -> list[str]:
    args = [opts.recipe]
    if opts.patch is not None:
        args += ["--patch", opts.patch]
    if opts.commit is not None:
        args += ["--commit", opts.commit, "--repo-path", opts.repo_path]
    if opts.pr is not None:
        args += ["--pr", str(opts.pr)]
    for flag, value in (("--base", opts.base), ("--subset", opts.subset),
                        ("--source", opts.source)):
        if value:
            args += [flag, value]
    if opts.run_all:
        args.append("--all")
    return args


def pytest_command(recipe: Recipe, subset: Subset, targets: tuple[str, ...]) -> str:
    """What runs in each worktree (the harness adds its plugin, JUnit and timeouts)."""
    env = {**recipe.env, **subset.env}
    argv = ["python", "-m", "pytest", *targets, *selection_args(subset)]
    argv += [*recipe.pytest_args, *subset.args]
    assignments = [f"{k}={shlex.quote(v)}" for k, v in env.items() if "{home}" not in v]
    return " ".join([*assignments, shlex.join(argv)])


def of(opts: Options, recipe: Recipe, subset: Subset, targets: tuple[str, ...]
       ) -> dict[str, str]:
    args = verify_args(opts)
    return {
        "harness": shlex.join(["harness", "verify", *args]),
        "nox": shlex.join(["nox", "-s", "verify", "--", *args]),
        "pytest": pytest_command(recipe, subset, targets),
    }
