"""Benchmark: the docker backend beside the uv backend, cold and warm, in the same run.

    python bench/docker_backend.py --base-image harness-base:bookworm
    python bench/docker_backend.py --base-image harness-base:bookworm --overhead-only
    python bench/docker_backend.py --base-image harness-base:bookworm \\
        --peft-source /work/.mirror/huggingface+peft/repo

Targets: the demo (subset all) and, with --peft-source, peft custom-small from that mirror.
Cold: an empty harness cache and no env image for the recipe on that base (the uv package
cache is shared and warm for both, so this measures env building, not downloads).  Warm: a
second run.  Pytest alone: the same pytest command in the uv env, run by hand.
Overhead: demo schedulers (pure Python), best of 5 warm docker runs against best of 5 pytest
alone, interleaved, so that a busy machine does not hide the constant part.
Goals: docker warm adds <= 1 s over pytest alone; cold docker/uv is reported as is (the
image layer is a copy of the env plus a commit, where uv hardlinks from its cache).
Removes this recipe's harness-env images built on --base-image before the cold run.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reproduce import harness_run  # noqa: E402  (bench/reproduce.py)

from harness import runner  # noqa: E402
from harness.envs import docker_engine  # noqa: E402


def pytest_alone(doc: dict[str, Any]) -> float:
    """The harness' own pytest command, typed by hand in the uv env it built."""
    python = Path(doc["env_path"]) / "bin" / "python"
    start = time.monotonic()
    subprocess.run([str(python), "-m", "pytest", *doc["pytest"]["argv"]], check=False,
                   cwd=doc["worktree"], env=runner.child_env(doc["pytest"]["env"]),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start


def drop_images(recipe: str, base: str) -> None:
    client = docker_engine.connect()
    for image in client.images.list(filters={"label": [f"{docker_engine.KIND}=env",
                                                       f"harness.recipe={recipe}",
                                                       f"harness.base={base}"]}):
        client.images.remove(image.id, force=True)


def bench(recipe: str, subset: str, source: str | None, base: str, work: Path) -> None:
    docker = ("--backend", "docker", "--base-image", base)
    harness_run(recipe, subset, source, work / "warmup", "--backend", "uv")  # uv's cache
    uv_cold = harness_run(recipe, subset, source, work / "uv", "--backend", "uv")
    uv_warm = harness_run(recipe, subset, source, work / "uv", "--backend", "uv")
    drop_images(recipe, base)
    dk_cold = harness_run(recipe, subset, source, work / "docker", *docker)
    dk_warm = harness_run(recipe, subset, source, work / "docker", *docker)
    alone = pytest_alone(uv_warm)
    for doc in (uv_cold, uv_warm, dk_cold, dk_warm):
        if doc["status"] != "passed":
            print(f"  note: {doc['backend']} run {doc['status']}: {doc.get('reason')}")
    print(f"{recipe}:{subset} ({dk_warm['counts']})")
    print(f"  cold: uv {uv_cold['wall']:.1f}s (env {uv_cold['timings']['env']:.1f}s), docker "
          f"{dk_cold['wall']:.1f}s (env {dk_cold['timings']['env']:.1f}s): docker/uv = "
          f"{dk_cold['wall'] / uv_cold['wall']:.2f}x")
    print(f"  warm: uv {uv_warm['wall']:.1f}s, docker {dk_warm['wall']:.1f}s: docker/uv = "
          f"{dk_warm['wall'] / uv_warm['wall']:.2f}x; pytest alone {alone:.1f}s")
    print(f"  docker warm overhead over pytest alone = {dk_warm['wall'] - alone:+.2f}s "
          f"(goal <= 1.00s), env step {dk_warm['timings']['env']:.2f}s, built "
          f"{dk_warm['env_built']}")


def overhead(base: str, work: Path, rounds: int = 5) -> None:
    """What a warm docker run adds over pytest alone: demo schedulers (no torch import, so
    the constant part shows), best of ``rounds`` runs each, interleaved against noise."""
    docker = ("--backend", "docker", "--base-image", base)
    uv_doc = harness_run("demo", "schedulers", None, work, "--backend", "uv")
    harness_run("demo", "schedulers", None, work, *docker)  # build (or find) the image
    walls, tests, alone, uv_walls, uv_tests = [], [], [], [], []
    for _ in range(rounds):
        doc = harness_run("demo", "schedulers", None, work, *docker)
        walls.append(doc["wall"])
        tests.append(doc["timings"]["tests"])
        alone.append(pytest_alone(uv_doc))
        doc = harness_run("demo", "schedulers", None, work, "--backend", "uv")
        uv_walls.append(doc["wall"])
        uv_tests.append(doc["timings"]["tests"])
    print(f"demo:schedulers warm, best of {rounds}: pytest alone {min(alone):.2f}s; harness uv "
          f"{min(uv_walls):.2f}s (tests step {min(uv_tests):.2f}s); harness docker "
          f"{min(walls):.2f}s (tests step {min(tests):.2f}s)")
    print(f"  docker adds {min(walls) - min(alone):+.2f}s over pytest alone, "
          f"{min(walls) - min(uv_walls):+.2f}s over harness uv (the container: "
          f"{min(tests) - min(uv_tests):+.2f}s in the tests step); goal <= 1.00s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-image", required=True, help="a local image (no registry)")
    parser.add_argument("--peft-source", help="a local peft mirror: also bench custom-small")
    parser.add_argument("--overhead-only", action="store_true",
                        help="only the warm overhead on demo schedulers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harness-bench-docker-") as tmp:
        overhead(args.base_image, Path(tmp) / "overhead")
        if args.overhead_only:
            return 0
        bench("demo", "all", None, args.base_image, Path(tmp) / "demo")
        if args.peft_source:
            bench("peft", "custom-small", args.peft_source, args.base_image, Path(tmp) / "peft")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
