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


CLEAN_EXIT = """\
import pathlib, sys, time
try:
    print("started", flush=True)
    time.sleep(60)
except KeyboardInterrupt:
    pathlib.Path(sys.argv[1]).write_text("wrote its report")
"""


@pytest.mark.parametrize("grace", [0.0, 10.0])
def test_a_run_past_its_time_limit_may_end_as_after_a_ctrl_c(tmp_path: Path,
                                                              grace: float) -> None:
    """pytest stopped at once writes no JUnit report, and every result of a long run was
    lost (diffusers 1c98c38c31); given SIGINT first, it ends as after a ^C and writes it."""
    import subprocess

    report = tmp_path / "report.txt"
    script = tmp_path / "child.py"
    script.write_text(CLEAN_EXIT)
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        proc.stream([sys.executable, str(script), str(report)], log_path=tmp_path / "log",
                    timeout=2, grace=grace)
    assert time.monotonic() - started < 9
    assert report.exists() == (grace > 0)
    assert "harness: stopped after 2s" in (tmp_path / "log").read_text()
