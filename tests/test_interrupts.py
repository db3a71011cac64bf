"""^C, kills and concurrency: nothing half-built is reused, nothing keeps running."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.testing.repos import TINY_TARGET, make_repo, tiny_recipe

SLOW_BUILD_SETUP = """\
import os, time
from setuptools import setup
gate = os.environ.get("SLOWPKG_GATE", "")
for _ in range(600):  # the build waits until the test opens the gate
    if not gate or os.path.exists(gate):
        break
    time.sleep(0.1)
setup(name="slowpkg", version="1.0", py_modules=["slowpkg"])
"""


def start(args: list[str], home: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "harness", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "HARNESS_HOME": str(home), **env})


def wait_for(predicate: object, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached")


def test_kill_during_env_build_then_rebuild(tmp_path: Path) -> None:
    home = Path(os.environ["HARNESS_HOME"])
    slow = make_repo(tmp_path / "slowpkg", {"setup.py": SLOW_BUILD_SETUP, "slowpkg.py": ""})
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    recipe = tiny_recipe(tmp_path / "tiny.toml", str(repo), extra=f"""\
        [install]
        packages = ["slowpkg @ file://{slow}"]
        """)
    gate = tmp_path / "gate"
    proc = start(["reproduce", str(recipe), "-q"], home, SLOWPKG_GATE=str(gate),
                 UV_NO_CACHE="1")
    envs = home / "envs"
    wait_for(lambda: envs.exists() and any(p.name.startswith(".tmp-") for p in envs.iterdir()))
    time.sleep(1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    gate.touch()  # let the orphaned build finish, as it would on a user's machine
    assert not [p for p in envs.iterdir() if p.name.startswith("tiny-") and p.suffix != ".lock"]

    again = start(["reproduce", str(recipe), "--json", "-q"], home, SLOWPKG_GATE=str(gate))
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    doc = json.loads(out)
    assert doc["env_built"] is True and doc["status"] == "passed"
    names = sorted(p.name for p in envs.iterdir() if not p.name.endswith((".lock", ".used")))
    assert names == [doc["env_key"]]  # the leftover temp dir is gone


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_interrupt_during_tests_stops_pytest(tmp_path: Path, sig: signal.Signals) -> None:
    home = Path(os.environ["HARNESS_HOME"])
    files = dict(TINY_TARGET)
    marker = tmp_path / "started"
    files["tests/test_wait.py"] = (
        "import pathlib, time\n\n\ndef test_waits():\n"
        f"    pathlib.Path({str(marker)!r}).touch()\n    time.sleep(120)\n"
    )
    repo = make_repo(tmp_path / "src", files)
    recipe = tiny_recipe(tmp_path / "tiny.toml", str(repo))
    proc = start(["reproduce", str(recipe), "-q"], home)
    wait_for(marker.exists)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    time.sleep(0.5)
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True,
                        check=True).stdout
    assert f"--junitxml={home}" not in ps  # pytest (its args name this run's dir) is gone


def test_two_concurrent_runs_build_env_once(tmp_path: Path) -> None:
    home = Path(os.environ["HARNESS_HOME"])
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    recipe = tiny_recipe(tmp_path / "tiny.toml", str(repo))
    procs = [start(["reproduce", str(recipe), "--json", "-q"], home) for _ in range(2)]
    docs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        docs.append(json.loads(out))
    assert sorted(d["env_built"] for d in docs) == [False, True]
    assert docs[0]["env_key"] == docs[1]["env_key"]
    assert docs[0]["worktree"] == docs[1]["worktree"]
    assert all(d["counts"]["passed"] == 5 for d in docs)
