"""Benchmark: harness reproduce vs the same steps typed by hand, measured in the same run.

    python bench/reproduce.py                                   # the demo recipe
    python bench/reproduce.py --recipe peft --source /path/to/peft.git

Cold: an empty harness cache (the uv package cache is shared and warm for both, so the
comparison is about the harness' own work). Hand-typed: `git clone --branch`, `uv venv`,
`uv pip install -e .[extras] ...`, `pytest` with the same selection and parallelism.
Warm: a second `harness reproduce` against pytest's own time in the built env.
Also: bytes a first checkout downloads (partial + shallow mirror) vs a full clone, on a
local repo with history.

Goals: cold <= 1.1x the hand-typed uv steps; warm adds <= 1 s to pytest's own time.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import checkout, config, recipes, runner, torch_source  # noqa: E402
from harness.envs.spec import RUNNER_PACKAGES  # noqa: E402
from harness.envs.venv import find_uv  # noqa: E402


def timed(cmd: list[str], **kwargs: object) -> float:
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   **kwargs)  # type: ignore[call-overload]
    return time.monotonic() - start


def harness_run(recipe: str, subset: str, source: str | None, home: Path,
                *extra: str) -> dict[str, Any]:
    """`harness reproduce RECIPE --subset SUBSET --json [extra...]` in ``home``; its report
    with the command's wall time added as ``wall``."""
    cmd = [sys.executable, "-m", "harness", "reproduce", recipe, "--subset", subset,
           "--json", "-q", *extra]
    if source:
        cmd += ["--source", source]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT,
                          env={**os.environ, "HARNESS_HOME": str(home)})
    wall = time.monotonic() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"harness failed ({' '.join(cmd)}):\n{proc.stderr[-2000:]}")
    doc: dict[str, Any] = json.loads(proc.stdout)
    doc["wall"] = wall
    return doc


def by_hand(recipe: recipes.Recipe, subset: recipes.Subset, url: str, work: Path
            ) -> tuple[dict[str, float], list[str], Path, dict[str, str]]:
    """The steps a student would type, timed one by one."""
    uv = find_uv() or "uv"
    src = work / "repo"
    t: dict[str, float] = {}
    t["clone"] = timed(["git", "clone", "--quiet", "--branch", recipe.source.ref, url, str(src)])
    t["venv"] = timed([uv, "venv", "--quiet", "--python", sys.executable, str(src / ".venv")])
    extras = f"[{','.join(recipe.install.extras)}]" if recipe.install.extras else ""
    reqs = ["-e", f"{src}{extras}", *recipe.install.packages, *RUNNER_PACKAGES]
    if recipe.install.torch:
        reqs.append(f"torch=={recipe.install.torch}")
    pins = work / "pins.txt"
    pins.write_text("\n".join(recipe.install.pins) + "\n")
    excludes = work / "excludes.txt"
    excludes.write_text("\n".join(recipe.install.exclude) + "\n")
    source = torch_source.resolve(config.load_settings())
    t["install"] = timed([uv, "pip", "install", "--quiet", "--python",
                          str(src / ".venv" / "bin" / "python"), *reqs, "-c", str(pins),
                          "--excludes", str(excludes), *source.uv_args()])
    the_plan = runner.plan(recipe, subset, src, work / "out")
    i = the_plan.argv.index("harness_plugin")
    argv = the_plan.argv[: i - 1] + the_plan.argv[i + 1:]  # the plain pytest command
    env = {**runner.child_env(the_plan.env),
           "PYTHONPATH": str(runner.import_root(src))}
    python = src / ".venv" / "bin" / "python"
    t["pytest"] = timed([str(python), "-m", "pytest", *argv], cwd=src, env=env)
    return t, argv, python, env


def history_repo(work: Path) -> Path:
    """A repo with 30 commits of history (each adds 256 KiB of incompressible data) and a
    small tip tagged v1."""
    src = work / "history"
    src.mkdir()
    git = ["git", "-C", str(src), "-c", "user.name=b", "-c", "user.email=b@b"]
    subprocess.run([*git, "init", "-q"], check=True)
    for i in range(30):
        (src / f"blob{i % 5}.bin").write_bytes(os.urandom(256 * 1024))
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", f"c{i}"], check=True)
    for f in src.glob("blob*.bin"):
        f.unlink()
    (src / "README").write_text("tip\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "tip"], check=True)
    subprocess.run([*git, "tag", "v1"], check=True)
    return src


def checkout_bytes(url: str, ref: str, sparse: tuple[str, ...], work: Path) -> tuple[int, int]:
    """Bytes a plain `git clone` stores vs the harness mirror after its first checkout."""
    full = work / "full.git"
    subprocess.run(["git", "clone", "-q", "--bare", "--no-local", url, str(full)], check=True)
    os.environ["HARNESS_HOME"] = str(work / "home")
    checkout.ensure("bench", url, ref, sparse)
    return du(full), du(checkout.mirror_path(url))


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", default="demo")
    parser.add_argument("--subset")
    parser.add_argument("--source", help="clone from here (a local mirror)")
    args = parser.parse_args()
    recipe = recipes.load(args.recipe)
    subset = recipe.subset(args.subset)
    with tempfile.TemporaryDirectory(prefix="harness-bench-") as tmp:
        work = Path(tmp)
        os.environ["HARNESS_HOME"] = str(work / "warmup")
        url = checkout.resolve_url(recipe.name, recipe.source.url, args.source)
        # warm uv's package cache for both sides, outside the measurements
        harness_run(args.recipe, subset.name, args.source, work / "warmup")
        hand, argv, python, env = by_hand(recipe, subset, url, work / "hand")
        cold = harness_run(args.recipe, subset.name, args.source, work / "home")
        warm = harness_run(args.recipe, subset.name, args.source, work / "home")
        pytest_alone = timed([str(python), "-m", "pytest", *argv], cwd=work / "hand" / "repo",
                             env=env)
        sizes = {"local repo with history": checkout_bytes(
            str(history_repo(work)), "v1", (), work / "synthetic")}
        if args.source and checkout.is_local(url):
            sizes[recipe.name] = checkout_bytes(url, recipe.source.ref, recipe.source.sparse,
                                                work / "real")
        shutil.rmtree(work, ignore_errors=True)
    hand_total = sum(hand.values())
    cold_wall = float(cold["wall"])  # type: ignore[arg-type]
    warm_wall = float(warm["wall"])  # type: ignore[arg-type]
    print(f"recipe {recipe.name}:{subset.name} ({cold['counts']})")
    print("hand-typed: " + ", ".join(f"{k} {v:.1f}s" for k, v in hand.items())
          + f" = {hand_total:.1f}s")
    print(f"harness cold: {cold_wall:.1f}s {cold['timings']}")
    print(f"  cold ratio harness/hand = {cold_wall / hand_total:.2f}x (goal <= 1.10x)")
    print(f"harness warm: {warm_wall:.1f}s, pytest alone: {pytest_alone:.1f}s")
    print(f"  warm overhead = {warm_wall - pytest_alone:+.2f}s (goal <= 1.00s), "
          f"ratio {warm_wall / pytest_alone:.2f}x")
    for name, (full, partial) in sizes.items():
        print(f"checkout download ({name}): full clone {full / 1e6:.1f} MB, harness mirror "
              f"{partial / 1e6:.2f} MB, ratio {partial / full:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
