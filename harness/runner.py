"""Run a subset's tests with pytest inside an env and collect per-test results."""
from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from harness import config, results, torch_source
from harness.envs import Backend, Env
from harness.envs.base import RunRequest, host_env
from harness.errors import HarnessError
from harness.recipes import Recipe, Subset
from harness.results import TestResult, Verdict

PLUGIN_DIR = Path(__file__).resolve().parent / "pytest_plugin"


@dataclass(frozen=True)
class Plan:
    """Everything needed to run one subset; also what a report shows to reproduce it."""

    argv: list[str]  # pytest's arguments (after ``python -m pytest``)
    env: dict[str, str]  # variables set on top of the user's environment
    cwd: Path
    workers: int
    threads: int


@dataclass(frozen=True)
class RunOutput:
    results: list[TestResult]
    verdict: Verdict
    exit_code: int | None
    log: Path
    junit: Path
    duration: float


def choose_parallelism(subset: Subset, cpus: int | None = None) -> tuple[int, int]:
    """xdist workers x threads per worker, unless the subset states its own.

    Many small tests: one worker per core and one thread each (torch's own threads
    oversubscribe the cores and make timings swing by +-60%).  A subset that states
    ``workers = 1`` (a few heavy tests) gets the cores as threads instead.
    """
    cpus = cpus or os.cpu_count() or 1
    workers = subset.workers if subset.workers is not None else min(cpus, 4)
    workers = max(workers, 1)
    threads = subset.threads if subset.threads is not None else max(1, cpus // workers)
    return workers, threads


def import_root(worktree: Path) -> Path:
    """Where the target's package lives in the checkout: ``src/`` layout or flat."""
    src = worktree / "src"
    return src if src.is_dir() else worktree


def selection_args(subset: Subset) -> list[str]:
    """pytest's arguments that narrow the subset's paths: ``-k``, ``-m``, ``--deselect``."""
    argv = ["-k", subset.k] if subset.k else []
    if subset.markers:
        argv += ["-m", subset.markers]
    for d in subset.deselect:
        argv += ["--deselect", d]
    return argv


# pytest options that make it do something other than run the tests (list, explain, plan).
NOT_A_RUN = ("--collect-only", "--co", "--help", "-h", "--version", "-V", "--fixtures",
             "--funcargs", "--fixtures-per-test", "--markers", "--setup-plan", "--setup-only")


def check_extra_args(extra_args: tuple[str, ...]) -> None:
    for arg in extra_args:
        name = arg.split("=", 1)[0]
        if name in NOT_A_RUN:
            raise HarnessError(f"--pytest-arg={arg} makes pytest list or explain instead of "
                               "running tests; harness needs the tests run",
                               hint="run pytest yourself in the env for that (see the report's "
                                    "pytest command)")


# Tracebacks as Python prints them: pytest's own styles parse the whole source file of
# every frame of every failure, which made 804 failed peft tests (each erring deep in
# transformers) take 200 s instead of 40 s.  The first cause of a chained error is read by
# the plugin from the exception itself.
OUTPUT_ARGS = ("-q", "-rfE", "--tb=native", "--color=no")


def plan(recipe: Recipe, subset: Subset, worktree: Path, out_dir: Path,
         tests: tuple[str, ...] = (), extra_args: tuple[str, ...] = ()) -> Plan:
    check_extra_args(extra_args)
    workers, threads = choose_parallelism(subset)
    argv = [*(tests or subset.paths), *selection_args(subset)]
    argv += [
        "-p", "harness_plugin", "-p", "no:cacheprovider",
        f"--junitxml={out_dir / 'junit.xml'}", "-o", "junit_family=xunit1",
        f"--timeout={subset.timeout}", *OUTPUT_ARGS,
    ]
    if workers > 1:
        argv += ["-n", str(workers)]
    argv += list(recipe.pytest_args) + list(subset.args) + list(extra_args)
    home = str(config.home())
    env = {k: v.replace("{home}", home) for k, v in {**recipe.env, **subset.env}.items()}
    env.update({
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "PYTHONPATH": os.pathsep.join([str(PLUGIN_DIR), str(import_root(worktree))]),
        "HARNESS_SELECTED": str(out_dir / "selected.txt"),
        "HARNESS_BLOCK_NETWORK": "0" if subset.network else "1",
    })
    if subset.device == "cpu":
        env["CUDA_VISIBLE_DEVICES"] = ""
    return Plan(argv, env, worktree, workers, threads)


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    return host_env(extra)


def mounts(worktree: Path, out_dir: Path, env: Mapping[str, str]) -> tuple[Path, ...]:
    """Host paths a run reads or writes: the checkout, the run dir, the plugin, and the
    cache folders the recipe's variables name (``{home}/hf``)."""
    home = config.home()
    paths = [worktree, out_dir, PLUGIN_DIR]
    for value in env.values():
        path = Path(value)
        if not path.is_absolute() or not path.is_relative_to(home) or path == home:
            continue
        if not any(path.is_relative_to(p) for p in paths):
            path.mkdir(parents=True, exist_ok=True)
            paths.append(path)
    return tuple(dict.fromkeys(paths))


def run(backend: Backend, env: Env, subset: Subset, the_plan: Plan, out_dir: Path,
        on_line: Callable[[str], None] | None = None) -> RunOutput:
    """Run pytest; a selected test missing from the JUnit report counts as failed."""
    if subset.device == "cuda" and not torch_source.has_nvidia_gpu():
        raise HarnessError(f"subset {subset.name!r} needs a CUDA GPU and none was found",
                           hint="pick a cpu subset (see `harness recipes`)")
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "pytest.log"
    junit = out_dir / "junit.xml"
    request = RunRequest(
        ["-m", "pytest", *the_plan.argv], the_plan.cwd, the_plan.env, log,
        mounts=mounts(the_plan.cwd, out_dir, the_plan.env), network=subset.network,
        device=subset.device, cpus=the_plan.workers * the_plan.threads,
        workers=the_plan.workers, timeout=subset.run_timeout)
    start = time.monotonic()
    timed_out = False
    try:
        code: int | None = backend.run(env, request, on_line=on_line)
    except subprocess.TimeoutExpired:
        code, timed_out = None, True
    duration = time.monotonic() - start
    selected_file = out_dir / "selected.txt"
    selected = selected_file.read_text().splitlines() if selected_file.exists() else []
    # stopped by its time limit with no report written: what the plugin printed as tests ended
    ended = (results.streamed(log) if timed_out and not junit.is_file()
             else results.parse_junit(junit))
    found = results.add_missing(ended, selected, results.TIME_LIMIT_MESSAGE if timed_out
                                else results.MISSING_MESSAGE)
    found += results.skipped_args(out_dir / "skipped_args.json")
    verdict = results.verdict(code, found, timed_out=timed_out, usage=usage_error(log))
    return RunOutput(found, verdict, code, log, junit, duration)


CONFTEST_RE = re.compile(r"^ImportError while loading conftest '[^']*conftest\.py'")


def usage_error(log: Path) -> str:
    """pytest's own ``error:`` line (an unknown option, a bad ini value), when it printed one;
    or, when a conftest.py could not be imported, "could not load conftest.py: " and the
    error it raised (transformers 71560f452b: its conftest asks torch 2.13 for a flag that
    raises RuntimeError, and the report said "pytest refused its arguments")."""
    if not log.is_file():
        return ""
    lines = [ln.strip() for ln in log.read_text(errors="replace").splitlines()[:80]]
    for k, line in enumerate(lines):
        if CONFTEST_RE.match(line):
            error = next((ln[1:].strip() for ln in lines[k:] if ln.startswith("E ")), "")
            return f"{results.CONFTEST_FAILED}: {error}" if error else results.CONFTEST_FAILED
    found = [ln for ln in lines if re.match(r"^([\w. -]+: error: |ERROR: (?!usage:))", ln)]
    return found[0] if found else ""
