"""How one check runs in one tree: its program, arguments and environment, or why it cannot."""
from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from harness import proc
from harness.errors import HarnessError
from harness.recipes import Check, Checks
from harness.verify import checks_git
from harness.verify.checks_env import ToolEnv
from harness.verify.diff import is_under


@dataclass(frozen=True)
class Plan:
    """How one check runs in one tree: the argv, its environment, or why it cannot."""

    argv: tuple[str, ...]
    env: dict[str, str]
    problem: str = ""
    files: tuple[str, ...] | None = None  # a per-file check: the changed files it runs on


# a change to one of these may change what a linter says of every file: run it whole then
CONFIG_FILES = frozenset({"pyproject.toml", "setup.cfg", "ruff.toml", ".ruff.toml", "tox.ini"})


def touches_config(changed: tuple[str, ...]) -> bool:
    return any(PurePosixPath(f).name in CONFIG_FILES for f in changed)


def covered(check: Check, changed: tuple[str, ...], tree: Path) -> tuple[str, ...]:
    """The changed files a per-file check reads in ``tree``: under its paths, with one of
    its suffixes, present there."""
    return tuple(f for f in changed
                 if f.endswith(check.per_file) and (tree / f).is_file()
                 and any(is_under(f, p) for p in check.paths))


def cannot_run(check: Check, tree: Path, sparse: bool = False) -> str:
    """Why ``check`` cannot run in ``tree`` (``sparse``: a sparse checkout) whatever is
    installed ("" when it can)."""
    if check.network:
        return "needs network"
    if check.whole_tree and sparse:
        return "reads the whole repository; the recipe checks out part of it ([source] sparse)"
    if check.paths and not any((tree / p).exists() for p in check.paths):
        return f"none of its paths ({', '.join(check.paths)}) are in the tree"
    program, *args = check.run
    if program == "python" and args and args[0].endswith(".py") and not (tree / args[0]).is_file():
        return f"{args[0]} is not in the tree at this ref"
    return ""


def plan(checks: Checks, check: Check, env: ToolEnv | None, tree: Path,
         target_python: Path | None, changed: tuple[str, ...] | None = None) -> Plan:
    """How ``check`` runs in ``tree``; with ``changed`` (the patch's files), a per-file
    check runs on those it covers only (``files``; none of them: argv empty)."""
    problem = cannot_run(check, tree)
    if problem:
        return Plan((), {}, problem)
    paths: tuple[str, ...] = tuple(p for p in check.paths if (tree / p).exists())
    files = None
    if check.per_file and changed is not None and not touches_config(changed):
        paths = files = covered(check, changed, tree)
        if not files:
            return Plan((), {}, files=files)
    program, *args = check.run
    bins: list[str] = [str(env.bin)] if env else []
    if check.target:
        if target_python is None:
            return Plan((), {}, "imports the target: needs its test env")
        bins.append(str(target_python.parent))
        exe = str(target_python) if program == "python" else shutil.which(program, path=bins[-1])
        if exe is None:
            return Plan((), {}, f"{program} not found in the target's test env")
    elif program == "python":
        exe = str(env.python) if env else sys.executable
    elif env:
        found = env.bin / program
        if not found.is_file():
            return Plan((), {}, f"{program} not found in its tool env "
                                 f"({', '.join(check.tools)})")
        exe = str(found)
    else:
        which = shutil.which(program)
        if which is None:
            return Plan((), {}, f"{program} not found on PATH")
        exe = which
    return Plan((exe, *args, *paths), environ(checks, tree, bins), files=files)


def environ(checks: Checks, tree: Path, bins: list[str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "FORCE_COLOR"}}
    env["PATH"] = os.pathsep.join([*bins, env.get("PATH", os.defpath)])
    env["PYTHONPATH"] = os.pathsep.join(str(tree / p) for p in checks.pythonpath)
    # nothing written into the trees: they are compared and diffed afterwards
    env.update(RUFF_NO_CACHE="true", PYTHONDONTWRITEBYTECODE="1", NO_COLOR="1")
    env["HF_HUB_OFFLINE"] = "1"  # a check that needs the Hub says network = true
    return env


NICE = 10  # the checks run beside the tests: they take the CPU time the tests leave


def execute(check: Check, plan: Plan, tree: Path) -> tuple[int | None, str, float]:
    """Exit code (None: it could not run), output and seconds of one run in ``tree``."""
    start = time.monotonic()
    try:
        with contextlib.ExitStack() as stack:
            env = plan.env
            if check.base_branch:
                env = {**env, **stack.enter_context(
                    checks_git.branch_at_base(tree, check.base_branch))}
            result = proc.run(plan.argv, cwd=tree, env=env, check=False,
                              timeout=check.timeout, what=check.name, nice=NICE)
    except HarnessError as e:
        return None, e.message.splitlines()[0], time.monotonic() - start
    out = (result.stdout + ("\n" if result.stdout and result.stderr else "")
           + result.stderr)
    return result.returncode, out, time.monotonic() - start
