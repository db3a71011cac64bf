"""``harness doctor`` on this machine: a line per check, FAIL lines block with exit 2."""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from harness import torch_source
from harness.maintenance import gpu
from tests.testing.hub import closed_port, local_hub

LINE = re.compile(r"^(ok  |warn|FAIL)  \S")


def doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", "doctor", *args],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def checks(proc: subprocess.CompletedProcess[str]) -> list[str]:
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("harness on python "), proc.stdout
    if proc.returncode == 0:  # a summary line closes a run that nothing blocks
        summary = lines.pop()
        assert summary == "all good" or summary.startswith("ready ("), proc.stdout
    assert all(LINE.match(ln) for ln in lines[1:]), proc.stdout
    return lines[1:]


def test_doctor_on_this_machine() -> None:
    proc = doctor()
    lines = checks(proc)
    failed = [ln for ln in lines if ln.startswith("FAIL")]
    assert proc.returncode == (2 if failed else 0), proc.stdout + proc.stderr
    git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True)
    assert f"ok    {git.stdout.strip()}" in lines
    assert any(re.match(r"ok    disk: [\d.]+ [kMG]?B free for HARNESS_HOME", ln) for ln in lines)
    assert any(ln.startswith(("ok    memory:", "warn  memory:")) for ln in lines)
    assert any(" uv" in ln for ln in lines)
    assert any("docker" in ln for ln in lines)
    assert any("GPU:" in ln for ln in lines)
    assert any(ln.startswith(("ok    Hub: ", "warn  Hub: ")) for ln in lines)
    assert any("store: none yet" in ln for ln in lines)  # a fresh home
    assert any(re.match(r"ok    recipes: \d+ load \(.*peft", ln) for ln in lines)


def test_doctor_says_whether_the_hub_answers() -> None:
    """No Hub is a warning (offline subsets run), with what needs it and what to check."""
    with local_hub(404) as (url, requests):
        lines = checks(doctor(env={"HF_ENDPOINT": url}))
    assert f"ok    Hub: {url} answers" in lines
    assert requests == ["/"]
    closed = closed_port()
    proc = doctor(env={"HF_ENDPOINT": closed})
    hub = [ln for ln in checks(proc) if "Hub: " in ln]
    assert len(hub) == 1 and hub[0].startswith(f"warn  Hub: {closed} does not answer ("), hub
    assert "Connection refused) -> offline subsets run; --online needs it: check the network" \
        in hub[0]
    assert proc.returncode == 0


@pytest.mark.skipif(torch_source.has_nvidia_gpu(), reason="the figure here is for CPU torch")
def test_doctor_recipe_disk_need() -> None:
    lines = checks(doctor("peft"))
    assert any("peft's env (torch cpu) needs ~2.0 GB" in ln for ln in lines)
    assert any(ln.startswith("warn  GPU: none; peft subsets lora-gpu need a CUDA GPU")
               for ln in lines)


def test_doctor_blocking_problems(tmp_path: Path, _isolated_home: Path) -> None:
    home_file = tmp_path / "home-file"
    home_file.write_text("")
    proc = doctor("pft", env={"HARNESS_HOME": str(home_file)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = checks(proc)
    assert f"FAIL  HARNESS_HOME {home_file} is not a directory -> set HARNESS_HOME to a " \
        "folder you can write to" in lines
    assert any(ln.startswith("FAIL  recipe pft: unknown recipe 'pft'; did you mean 'peft'")
               for ln in lines)
    assert "harness: error: 2 problem(s) block a run" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("damage", ["garbage", "newer"])
def test_doctor_store(_isolated_home: Path, damage: str) -> None:
    db = _isolated_home / "harness.db"
    if damage == "garbage":
        db.write_bytes(b"this is not a database" * 100)
    else:
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
    proc = doctor()
    assert proc.returncode == 2
    [line] = [ln for ln in checks(proc) if "store" in ln]
    assert line.startswith("FAIL  store") and (f"move {db} aside" in line)
    assert ("newer" in line) == (damage == "newer")


def test_broken_extra_recipe_warns(tmp_path: Path) -> None:
    extra = tmp_path / "recipes"
    extra.mkdir()
    (extra / "broken.toml").write_text("[source\n")
    proc = doctor(env={"HARNESS_RECIPES": str(extra)})
    lines = checks(proc)
    assert any(ln.startswith("warn  ") and "broken.toml" in ln and "not valid TOML" in ln
               for ln in lines), proc.stdout


VERSION_PY = """\
from typing import Optional

__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip', 'xpu']
__version__ = '{version}'
debug = False
cuda: Optional[str] = {cuda}
git_version = '0000000000000000000000000000000000000000'
hip: Optional[str] = None
xpu: Optional[str] = None
"""


@pytest.mark.parametrize(("version", "cuda"), [("2.13.0+cpu", None), ("2.13.0", "12.8")])
def test_torch_build_read_without_importing_torch(tmp_path: Path, version: str,
                                                  cuda: str | None) -> None:
    site = tmp_path / "env" / "lib" / "python3.11" / "site-packages" / "torch"
    site.mkdir(parents=True)
    (site / "version.py").write_text(
        VERSION_PY.format(version=version, cuda=repr(cuda) if cuda else "None"))
    assert gpu.torch_build(tmp_path / "env") == (version, cuda)
    assert gpu.torch_build(tmp_path) is None
