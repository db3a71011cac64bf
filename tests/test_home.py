"""HARNESS_HOME: a bad one is one line and exit 2; a relative one works; CACHEDIR.TAG."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import config
from tests.testing.repos import TINY_TARGET, make_repo, tiny_recipe

SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"


def harness(*args: str, home: str | Path, cwd: Path | None = None
            ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HARNESS_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300, check=False)


def unwritable_home(tmp_path: Path) -> Path:
    """A folder this process cannot write into (root ignores modes: use sysfs then)."""
    if os.geteuid() != 0:
        home = tmp_path / "ro-home"
        home.mkdir()
        home.chmod(0o555)
        return home
    home = Path("/sys")
    try:
        (home / "harness-probe").mkdir()
    except OSError:
        return home
    (home / "harness-probe").rmdir()  # pragma: no cover
    pytest.skip("no folder here refuses writes to root")  # pragma: no cover


def assert_one_line(proc: subprocess.CompletedProcess[str], text: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("harness: error:")]
    assert len(errors) == 1 and text in errors[0], proc.stderr


@pytest.mark.parametrize("kind", ["file", "read-only"])
def test_bad_home_is_one_line_and_cacheless_commands_work(tmp_path: Path, kind: str) -> None:
    if kind == "file":
        home = tmp_path / "home-file"
        home.write_text("not a folder")
        problem = "is not a directory"
    else:
        home = unwritable_home(tmp_path)
        problem = "is not writable"
    listed = harness("recipes", home=home)
    assert listed.returncode == 0, listed.stderr
    assert "peft" in listed.stdout and "Traceback" not in listed.stderr
    assert harness("--help", home=home).returncode == 0
    assert_one_line(harness("runs", home=home), f"HARNESS_HOME {home} {problem}")
    assert_one_line(harness("reproduce", "demo", home=home), problem)
    if kind == "file":
        assert home.read_text() == "not a folder"


def test_relative_home_is_made_absolute_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    recipe = tiny_recipe(tmp_path / "tiny.toml", str(repo))
    work = tmp_path / "work"
    work.mkdir()
    proc = harness("reproduce", str(recipe), "--json", "-q", home="rel-home", cwd=work)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["status"] == "passed"
    assert doc["env_path"].startswith(str(work / "rel-home" / "envs"))
    assert (work / "rel-home" / "harness.db").is_file()
    assert (work / "rel-home" / "CACHEDIR.TAG").read_text().startswith(SIGNATURE)
    again = harness("runs", "--json", home="rel-home", cwd=work)
    assert json.loads(again.stdout)[0]["run_id"] == doc["run_id"]


def test_cachedir_tag_written_with_the_home(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "a" / "b" / "home"
    monkeypatch.setenv("HARNESS_HOME", str(home))
    assert config.prepare_home() == home
    tag = (home / "CACHEDIR.TAG").read_text()
    assert tag.startswith(SIGNATURE + "\n")
    assert [p.name for p in home.iterdir()] == ["CACHEDIR.TAG"]  # no temp file left
    proc = harness("runs", home=tmp_path / "fresh")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "fresh" / "CACHEDIR.TAG").read_text() == tag


def test_home_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HARNESS_HOME", "rel")
    assert config.home() == tmp_path / "rel"
    assert config.pin_home() == tmp_path / "rel"
    assert os.environ["HARNESS_HOME"] == str(tmp_path / "rel")
    monkeypatch.chdir("/")
    assert config.home() == tmp_path / "rel"  # pinned: a later chdir changes nothing
