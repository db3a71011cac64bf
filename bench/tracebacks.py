"""Benchmark: what reporting failed tests costs, with the runner's pytest output options
against pytest's short tracebacks (what the runner used before), in the same run.

    python bench/tracebacks.py [--tests 60] [--lines 2000] [--repeats 2]

Each generated test fails 15 calls deep inside a module of --lines lines, as a test that
loads a Hub model offline fails deep inside transformers: pytest's own traceback styles
parse the source of every frame of every failure, Python's native one does not.  Prints
the best wall time of each and their ratio; also checks that both runs give the same
outcomes and messages (the harness reads the first cause of a chained error from the
plugin, not from pytest's ``E`` lines).  Goal: native at most half the time of short.
On peft 7a493326a (804 tests failing offline in tests/test_seq_classifier.py) the after
side of `harness verify` took 210 s with short tracebacks and 29 s with native ones.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import results, runner  # noqa: E402

GOAL = 0.5
DEPTH = 15


def big_module(lines: int) -> str:
    """A module of about ``lines`` lines whose ``load`` fails DEPTH calls deep, with a
    chained error, as a library does when it wraps a Hub error in its own."""
    out = ["class NotCached(Exception):", "    pass", ""]
    for k in range(DEPTH):
        nxt = f"step{k + 1}(x)" if k + 1 < DEPTH else "fetch(x)"
        out += [f"def step{k}(x):", f"    y = x + {k}", f"    return {nxt}", ""]
    out += ["def fetch(x):", "    try:", "        raise NotCached('not in the local cache')",
            "    except NotCached as exc:",
            "        raise OSError(\"can't load the files of 'org/tiny'\") from exc", ""]
    k = 0
    while len(out) < lines:
        out += [f"def filler{k}(a, b):", f"    '''filler {k}'''", "    if a > b:",
                "        return a - b", "    return [a, b, {'k': a * b}]", ""]
        k += 1
    return "\n".join(out) + "\n"


def write(root: Path, tests: int, lines: int) -> None:
    (root / "pytest.ini").write_text("[pytest]\n")
    (root / "biglib.py").write_text(big_module(lines))
    body = ["import pytest", "import biglib", "",
            f"@pytest.mark.parametrize('n', range({tests}))",
            "def test_load(n):", "    biglib.step0(n)", ""]
    (root / "test_load.py").write_text("\n".join(body))


def run(root: Path, args: tuple[str, ...], name: str) -> tuple[float, list[results.TestResult]]:
    junit = root / f"{name}.xml"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HARNESS_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(runner.PLUGIN_DIR), str(root)])
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-p", "harness_plugin", "-p",
                    "no:cacheprovider", f"--junitxml={junit}", "-o", "junit_family=xunit1",
                    *args, "test_load.py"], cwd=root, env=env, capture_output=True,
                   check=False)
    return time.perf_counter() - start, results.parse_junit(junit)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tests", type=int, default=60)
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    short = tuple("--tb=short" if x.startswith("--tb=") else x for x in runner.OUTPUT_ARGS)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write(root, a.tests, a.lines)
        best = {"short": float("inf"), "runner": float("inf")}
        seen: dict[str, list[tuple[str, str, str]]] = {}
        for _ in range(a.repeats):  # interleaved: a busy machine slows both alike
            for name, args in (("short", short), ("runner", runner.OUTPUT_ARGS)):
                took, res = run(root, args, name)
                best[name] = min(best[name], took)
                seen[name] = sorted((r.id, r.outcome, r.message) for r in res)
    print(f"{a.tests} tests failing {DEPTH} calls deep in a {a.lines}-line module")
    for name, args in (("short", short), ("runner", runner.OUTPUT_ARGS)):
        print(f"  {' '.join(args):32} best {best[name]:.2f} s of {a.repeats}")
    ratio = best["runner"] / best["short"]
    print(f"runner / short = {ratio:.2f} (goal <= {GOAL})")
    same = seen["short"] == seen["runner"] and len(seen["runner"]) == a.tests
    print("same outcomes and messages: " + ("yes" if same else "NO"))
    if seen["runner"]:
        print(f"  e.g. {seen['runner'][0][2]}")
    return 0 if ratio <= GOAL and same else 1


if __name__ == "__main__":
    sys.exit(main())
