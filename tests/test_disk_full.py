"""A full disk, for real: HARNESS_HOME on a small tmpfs, so that each step in turn (the
demo's copy, git, the store, the env build) is the one to run out of space.  Whichever it
is, the user gets one error line that says so and a hint, no traceback, and nothing
half-built is left to be reused."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def small_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    where = tmp_path / "disk"
    where.mkdir()
    size = request.param
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(where)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.parametrize("small_disk", ["64k", "256k", "512k", "2m"], indirect=True)
def test_a_full_disk_is_one_line_and_leaves_nothing_half_built(small_disk: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "harness", "reproduce", "demo"],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "HARNESS_HOME": str(small_disk),
                               "COLUMNS": "200"})
    err = proc.stderr
    assert proc.returncode == 2, err
    assert "Traceback" not in err and "Logging error" not in err and "internal error" not in err
    errors = [line for line in err.splitlines() if line.startswith("harness: error:")]
    assert len(errors) == 1, err
    assert "No space left on device" in errors[0] or "the disk is full" in errors[0], err
    assert "hint: " in err and ("harness gc" in err or "HARNESS_HOME" in err), err
    leftovers = [p for p in small_disk.rglob(".tmp-*")]
    assert leftovers == [], leftovers
