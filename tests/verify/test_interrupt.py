"""^C while the tests run: the harness-owned worktrees are removed all the same."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.verify.helpers import (
    BUGGY,
    FIXED_MUL,
    VERIFY,
    leftover_worktrees,
    make_patch,
    make_target,
)


def slow_target(tmp_path: Path, extra: str = VERIFY) -> tuple[Path, Path, Path]:
    """(recipe, repo, marker): a target whose test_slow touches ``marker`` and sleeps."""
    started = tmp_path / "started"
    files = dict(BUGGY)
    files["tests/test_mathops.py"] += (
        "\n\ndef test_slow():\n    import pathlib, time\n"
        f"    pathlib.Path({str(started)!r}).touch()\n    time.sleep(60)\n")
    recipe, repo = make_target(tmp_path, files, extra=extra)
    return recipe, repo, started


def verify_until(started: Path, recipe: Path, patch: Path, home: Path
                 ) -> subprocess.Popen[str]:
    """``harness verify`` in a process of its own, once its slow test has begun."""
    child = subprocess.Popen(
        [sys.executable, "-m", "harness", "verify", str(recipe), "--patch", str(patch), "-q"],
        env={**os.environ, "HARNESS_HOME": str(home)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.1)
    assert started.exists(), child.communicate()
    return child


def test_interrupt_during_the_before_run_leaves_no_worktree(tmp_path: Path) -> None:
    home = Path(os.environ["HARNESS_HOME"])
    recipe, repo, started = slow_target(tmp_path)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    child = verify_until(started, recipe, patch, home)
    assert leftover_worktrees(str(repo), home)  # the worktrees are there while it runs
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130, err
    assert leftover_worktrees(str(repo), home) == []


def test_interrupt_stops_the_checks_beside_the_tests(tmp_path: Path) -> None:
    """A slow check runs beside the tests: after a ^C (SIGINT to the harness alone, not to
    its process group), the harness kills it and exits at once, leaving nothing behind."""
    home = Path(os.environ["HARNESS_HOME"])
    slow_check = ('\n[checks]\n[checks.slow]\nrun = ["python", "-c", "import time; '
                  'time.sleep(120)"]\n')
    recipe, repo, started = slow_target(tmp_path, VERIFY + slow_check)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL,
                                       "tests/test_new.py": "def test_new():\n    pass\n"},
                                tmp_path / "w"))
    child = verify_until(started, recipe, patch, home)
    time.sleep(1)  # the check is running by now
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert time.monotonic() - sent < 20, "waited for the slow check"
    assert leftover_worktrees(str(repo), home) == []
