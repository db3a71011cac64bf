"""The exact commands that repeat a verification, shown in every report.

Every word is shell-quoted, environment assignments included (``env 'K=V' python ...``):
a recipe's values are pasted into pull requests and must never run as shell.
"""
from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Iterable

from harness import config
from harness.recipes import Recipe, Subset
from harness.runner import selection_args
from harness.verify import select
from harness.verify.document import Commands
from harness.verify.options import DEFAULT_BUDGET, Options


def verify_args(opts: Options, *, run_all: bool | None = None) -> list[str]:
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
    if opts.run_all if run_all is None else run_all:
        args.append("--all")
    elif opts.budget != DEFAULT_BUDGET:
        args += ["--budget", f"{opts.budget:g}"]
    if not opts.run_checks:
        args.append("--no-checks")
    if opts.online:
        args.append("--online")
    if opts.gpu:
        args.append("--gpu")
    if opts.slow:
        args.append("--slow")
    if opts.refactor:
        args.append("--refactor")
    return args


def pytest_command(recipe: Recipe, subset: Subset, targets: Iterable[str]) -> str:
    """What runs in each worktree (the harness adds its plugin, JUnit and timeouts)."""
    home = str(config.home())
    env = {k: v.replace("{home}", home) for k, v in {**recipe.env, **subset.env}.items()}
    argv = ["python", "-m", "pytest", *targets, *selection_args(subset)]
    argv += [*recipe.pytest_args, *subset.args]
    prefix = ["env", *(f"{k}={v}" for k, v in env.items())] if env else []
    return shlex.join([*prefix, *argv])


def pytest_commands(recipe: Recipe, subset: Subset, picks: Iterable[select.Pick]) -> str:
    """One pytest command per batch (a file narrowed by a subset's -k runs on its own)."""
    lines = []
    for b in select.batches(recipe, picks):
        narrowed = dataclasses.replace(subset, k=b.k, markers=b.markers, deselect=b.deselect)
        lines.append(pytest_command(recipe, narrowed, b.targets))
    return "\n".join(lines)


def of(opts: Options, recipe: Recipe, subset: Subset, sel: select.Selection) -> Commands:
    args = verify_args(opts)
    left = pytest_commands(recipe, subset, sel.left_out) if sel.left_out else ""
    # the same selection on the GPU (a recipe's CUDA subset would also narrow it to its paths)
    on_cpu = subset.device == "cpu" and not opts.gpu
    return Commands(
        harness=shlex.join(["harness", "verify", *args]),
        nox=shlex.join(["nox", "-s", "verify", "--", *args]),
        pytest=pytest_commands(recipe, subset, sel.run),
        left_out=left,
        left_out_harness=shlex.join(["harness", "verify", *verify_args(opts, run_all=True)])
        if left else "",
        gpu=shlex.join(["harness", "verify", *verify_args(dataclasses.replace(opts, gpu=True))])
        if on_cpu else "",
        online="" if opts.online else shlex.join(
            ["harness", "verify", *verify_args(dataclasses.replace(opts, online=True))]),
        # slow tests load real checkpoints: with the network too
        slow="" if opts.slow or not recipe.verify.slow_env else shlex.join(
            ["harness", "verify", *verify_args(dataclasses.replace(opts, slow=True,
                                                                   online=True))]),
    )
