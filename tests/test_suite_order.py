"""The suite's fixtures reach every test, whatever order its files are named in.

pytest 9.1 lost a package's conftest fixtures when the files named on the command line
interleave that package and its parent (pytest-dev/pytest#14971): running a failing test
again beside a few others gave "fixture 'github' not found"; an autouse fixture, such as
the guard that keeps tests out of the user's cache, was skipped the same way.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_files_named_in_any_order_find_their_fixtures() -> None:
    named = ["tests/triage/test_title.py", "tests/test_layout.py",
             "tests/triage/test_github_sync.py::test_broken_json_is_one_clear_line"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         *named],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "not found" not in run.stdout
