"""The one subprocess helper: lower priority on request, detached work that outlives us."""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest

from harness import proc

NICENESS = [sys.executable, "-c", "import os; print(os.nice(0))"]


@pytest.mark.skipif(shutil.which("nice") is None, reason="no POSIX nice here")
def test_nice_runs_the_command_at_a_lower_priority() -> None:
    base = int(proc.run(NICENESS).stdout)
    assert int(proc.run(NICENESS, nice=7).stdout) == min(base + 7, 19)
    assert int(proc.run(NICENESS).stdout) == base  # only that command


def test_detach_starts_work_nobody_waits_for(tmp_path: Path) -> None:
    target = tmp_path / "tree"
    (target / "a" / "b").mkdir(parents=True)
    proc.detach([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1])",
                 str(target)])
    deadline = time.monotonic() + 20
    while target.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not target.exists()
    proc.detach(["/nonexistent/program"])  # a program that is not there: logged, no error
