"""The checks a change's pull request faces: lint, format and consistency, as the target runs them.

Each check of the recipe's ``[checks]`` table runs on the patched tree; one that fails there
also runs on the base, and only what the patch adds counts (``introduced``).  What this
machine cannot decide (a check that needs the network, a tool that cannot be installed, a
script the tree does not have at this ref) is ``not_checked`` with its reason, never a pass.
"""
from __future__ import annotations

import dataclasses
import enum
import os
import re
import shlex
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from harness import proc, results
from harness.errors import HarnessError
from harness.progress import Ui
from harness.recipes import Check, Checks, Recipe
from harness.verify import checks_env, checks_exec, compare
from harness.verify.checks_env import ToolEnv

TAIL_LINES = 30
# a check that failed on the patched tree alone, once
FLAKY = "failed once on the patched tree and passed when run again there, as on the base"


class CheckStatus(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_CHECKED = "not_checked"
    UNAFFECTED = "unaffected"  # a per-file check, and the patch changes none of its files

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class CheckOutcome:
    name: str  # e.g. "ruff check"
    command: str  # the command as the target writes it, shell-quoted
    status: CheckStatus  # a str: "passed" | "failed" | "not_checked"
    introduced: bool  # fails on the patched tree and not on the base: only these count
    output: str = ""  # the output's tail (for introduced failures on a failing base: new lines)
    fix: str | None = None  # the command that fixes it, where one exists
    reason: str = ""  # why not_checked (or why a pass is worth a word: FLAKY)
    seconds: float = 0.0  # wall time of its runs (patched tree, and base when it failed)
    files: int | None = None  # a per-file check: the changed files it ran on (None: all)

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "command": self.command, "status": str(self.status),
                "introduced": self.introduced, "output": self.output, "fix": self.fix,
                "reason": self.reason, "seconds": round(self.seconds, 3),
                "files": self.files}


def run_checks(recipe: Recipe, before: Path, after: Path, ui: Ui,
               *, target_python: Path | None = None, changed: tuple[str, ...] | None = None,
               workers: int | None = None) -> tuple[CheckOutcome, ...]:
    """Run ``recipe``'s checks on ``after`` (the patched tree) and, where they fail, on
    ``before`` (the base).  ``target_python`` is the target's test env interpreter, for the
    checks that import the target (without it they are not_checked).  With ``changed`` (the
    paths the patch touches), a per-file check reads only those: the other files read the
    same on both trees, so they cannot fail because of the patch.  The checks run side
    by side, ``workers`` at a time (default: half the CPUs, at least 2)."""
    items = recipe.checks.items
    if not items:
        return ()
    sparse = bool(recipe.source.sparse)
    problems = [checks_exec.cannot_run(check, after, sparse) for check in items]
    wants = [checks_env.at_tree_pin(c.tools, recipe.checks.exclude_newer, after)
             for c in items]
    envs = _tool_envs({w for w, c, p in zip(wants, items, problems, strict=True)
                       if c.tools and not p}, ui)
    n = workers or min(len(items), max(2, (os.cpu_count() or 2) // 2))
    with ui.step(f"run {len(items)} checks of {recipe.name}") as step:
        pool = ThreadPoolExecutor(n, thread_name_prefix="check")
        try:
            futures = [pool.submit(_run_one, recipe.checks, check, problem or envs.get(want),
                                   before, after, target_python, changed)
                       for check, problem, want in zip(items, problems, wants, strict=True)]
            for done, future in enumerate(as_completed(futures), 1):
                step.note(f"{done}/{len(items)}: {future.result().name}")
            return tuple(f.result() for f in futures)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def introduced_failures(outcomes: tuple[CheckOutcome, ...]) -> tuple[CheckOutcome, ...]:
    """The failures the change brings: any makes the verdict not ok (checks_failed)."""
    return tuple(o for o in outcomes if o.status == CheckStatus.FAILED and o.introduced)


def _tool_envs(needed: set[checks_env.Want], ui: Ui) -> dict[checks_env.Want, ToolEnv | str]:
    """The env of each tool set in ``needed``, or why it could not be installed."""
    envs: dict[checks_env.Want, ToolEnv | str] = {}
    for want in sorted(needed, key=str):
        tools, exclude_newer = want
        with ui.step(f"tools for the checks: {', '.join(tools)}") as step:
            try:
                envs[want] = checks_env.ensure(tools, exclude_newer, step.note)
            except HarnessError as e:
                envs[want] = f"could not install {' '.join(tools)}: {e.message.splitlines()[0]}"
    return envs


def shown(check: Check, tree: Path) -> str:
    """The command as the target's Makefile or CI writes it (paths: those in ``tree``)."""
    return shlex.join([*check.run, *(p for p in check.paths if (tree / p).exists())])


def _run_one(checks: Checks, check: Check, env: ToolEnv | str | None, before: Path,
             after: Path, target_python: Path | None,
             changed: tuple[str, ...] | None = None) -> CheckOutcome:
    command = shown(check, after)

    def not_checked(reason: str) -> CheckOutcome:
        return CheckOutcome(check.name, command, CheckStatus.NOT_CHECKED, False,
                            fix=check.fix, reason=reason)

    if isinstance(env, str):
        return not_checked(env)
    plan = checks_exec.plan(checks, check, env, after, target_python, changed)
    if plan.problem:
        return not_checked(plan.problem)
    files = None if plan.files is None else len(plan.files)
    if files == 0:
        return CheckOutcome(check.name, command, CheckStatus.UNAFFECTED, False, fix=check.fix,
                            files=0)
    if plan.files is not None:
        command = shlex.join([*check.run, *plan.files])
    code, out, secs = checks_exec.execute(check, plan, after)
    if code is None:
        return not_checked(out)
    passed = CheckOutcome(check.name, command, CheckStatus.PASSED, False, fix=check.fix,
                          seconds=secs, files=files)
    if code == 0:
        return passed
    failed = CheckOutcome(check.name, command, CheckStatus.FAILED, True,
                          output=proc.tail(out, TAIL_LINES), fix=check.fix, seconds=secs,
                          files=files)
    base_plan = checks_exec.plan(checks, check, env, before, target_python, changed)
    if base_plan.problem or base_plan.files == ():
        # e.g. the script or the files are new in the patch: all their failures are new
        return failed
    base_code, base_out, base_secs = checks_exec.execute(check, base_plan, before)
    secs += base_secs
    if base_code is None:
        return not_checked(f"fails on the patched tree; on the base: {base_out}")
    if base_code == 0:
        # once more on the patched tree: the tests run there meanwhile, and a check that
        # walks the package failed once beside them and passed run again (transformers
        # d1123114da, check_config_docstrings.py)
        again_code, _, again_secs = checks_exec.execute(check, plan, after)
        secs += again_secs
        if again_code == 0:
            return dataclasses.replace(passed, reason=FLAKY, seconds=secs)
        return dataclasses.replace(failed, seconds=secs)
    missing = _missing_module(out)
    if missing and missing == _missing_module(base_out):
        return not_checked(compare.NOT_INSTALLED.format(missing))
    new = new_lines(base_out, before, out, after)
    return CheckOutcome(check.name, command, CheckStatus.FAILED, bool(new),
                        output=proc.tail(_joined(new) if new else out, TAIL_LINES),
                        fix=check.fix, seconds=secs, files=files)


def _missing_module(out: str) -> str | None:
    """The package whose absence ended a run (the last "No module named 'x'", a top-level
    name as for the tests: a missing submodule of an installed package is a real failure)."""
    found = results.MISSING_RE.findall(out)
    return found[-1] if found else None


_NUMBERS = re.compile(r"\d+")
# totals (ruff's "Found 3 errors."): they change whenever anything changes, so say nothing new
_SUMMARY = re.compile(r"^(Found N errors?|\[\*\] N fix|N files? |No fixes available)")


def _normal(line: str, tree: Path) -> str:
    """A line of output with the tree's path and all numbers taken out (line, column,
    counts), so the same problem reads the same on the base and on the patched tree."""
    text = _NUMBERS.sub("N", line.replace(f"{tree}{os.sep}", "").replace(str(tree), "")).strip()
    return "" if _SUMMARY.match(text) else text


def _joined(pieces: list[str]) -> str:
    return ("\n\n" if any("\n" in p for p in pieces) else "\n").join(pieces)


def _blocks(text: str) -> list[str]:
    """Paragraphs of ``text``: one problem each in ruff's output (its code shown around it)."""
    return [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]


def new_lines(base_out: str, base: Path, out: str, tree: Path) -> list[str]:
    """What ``out`` (patched tree) reports that the base's output does not: whole
    paragraphs (told apart by their first two lines) where both outputs come in
    paragraphs, else lines."""
    def unit(text: str) -> list[str]:
        blocks = _blocks(text)
        return blocks if len(blocks) > 1 else text.splitlines()

    def key(piece: str, root: Path) -> str:
        # a paragraph by its first two lines (ruff: the problem and its file), not the code
        # shown around it, which a change nearby may alter
        lines = [n for n in (_normal(line, root) for line in piece.splitlines()) if n]
        return "\n".join(lines[:2])

    base_units, units = unit(base_out), unit(out)
    if (len(_blocks(base_out)) > 1) != (len(_blocks(out)) > 1):
        base_units, units = base_out.splitlines(), out.splitlines()
    seen = Counter(key(u, base) for u in base_units)
    new: list[str] = []
    for piece in units:
        k = key(piece, tree)
        if not k:
            continue
        if seen[k] > 0:
            seen[k] -= 1
        else:
            new.append(piece)
    return new
