"""The embedded demo recipe end to end: real torch env, real tests, no GitHub, no Hub."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def reproduce_demo(*args: str) -> dict[str, object]:
    proc = subprocess.run([sys.executable, "-m", "harness", "reproduce", "demo", "--json", "-q",
                           *args], capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc: dict[str, object] = json.loads(proc.stdout)
    return doc


def test_demo_passes_offline_and_rerun_reuses_everything() -> None:
    first = reproduce_demo()
    assert first["status"] == "passed"
    counts = first["counts"]
    assert isinstance(counts, dict)
    assert counts["passed"] >= 100 and counts["failed"] == 0 and counts["error"] == 0
    assert counts["xfail"] == 1 and counts["skipped"] == 2  # @slow and CUDA-only tests
    assert first["ref"] == "v1.0.0" and first["env_built"] is True

    second = reproduce_demo("--subset", "schedulers")
    assert second["env_built"] is False and second["env_key"] == first["env_key"]
    assert second["commit"] == first["commit"]
    tests = second["tests"]
    assert isinstance(tests, list)
    assert tests and all(t["id"].startswith("tests/schedulers/") for t in tests)
