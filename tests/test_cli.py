"""Every bad input gives one line on stderr and a non-zero exit code."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing.repos import TINY_TARGET, make_repo, tiny_recipe


def harness(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True,
                          text=True, cwd=cwd, env={**os.environ, "COLUMNS": "200"},
                          timeout=300, check=False)


def error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("harness: error:")]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_unknown_recipe_suggests_closest() -> None:
    proc = harness("reproduce", "pft")
    assert proc.returncode == 2
    assert "unknown recipe 'pft'; did you mean 'peft'?" in error_line(proc)
    assert "debug log:" in proc.stderr


def test_unknown_subset_suggests_closest() -> None:
    proc = harness("reproduce", "demo", "--subset", "model")
    assert proc.returncode == 2
    assert "has no subset 'model'; did you mean 'models'?" in error_line(proc)


def test_broken_recipe_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[source]\nurl = "x"\nref = "v1"\n[subsets.a]\npaths = ["t"]\nworkers = "2"\n')
    proc = harness("reproduce", str(bad))
    assert proc.returncode == 2
    line = error_line(proc)
    assert str(bad) in line and "subsets.a.workers" in line and "expected an integer" in line
    bad.write_text("[source\n")
    assert "not valid TOML" in error_line(harness("reproduce", str(bad)))


def test_missing_ref_and_unreachable_source(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    recipe = tiny_recipe(tmp_path / "tiny.toml", str(repo))
    proc = harness("reproduce", str(recipe), "--ref", "v9.9")
    assert proc.returncode == 2
    assert "ref 'v9.9' not found" in error_line(proc)
    proc = harness("reproduce", str(recipe), "--source", str(tmp_path / "nowhere"))
    assert "does not exist" in error_line(proc)
    proc = harness("reproduce", str(recipe), "--source", f"file://{tmp_path}/nowhere.git")
    assert proc.returncode == 2
    assert "cannot fetch from file://" in error_line(proc)


def test_recipes_lists_shipped_recipes() -> None:
    proc = harness("recipes")
    assert proc.returncode == 0
    for name in ("demo", "peft", "diffusers", "transformers"):
        assert name in proc.stdout
    assert "(default)" in proc.stdout
    # on an 80-column terminal a long path folds onto the next line, never cut short
    narrow = subprocess.run([sys.executable, "-m", "harness", "recipes"], capture_output=True,
                            text=True, env={**os.environ, "COLUMNS": "80"}, timeout=300,
                            check=True).stdout
    assert "…" not in narrow and all(len(s) <= 80 for s in narrow.splitlines())
    assert "tests/models/unets/test_models_unet_2d.py" in narrow.replace("\n", "").replace(" ", "")


def test_json_report_and_runs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "src", TINY_TARGET)
    recipe = tiny_recipe(tmp_path / "tiny.toml", str(repo))
    proc = harness("reproduce", str(recipe), "--json", "-q")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    for key in ("recipe", "subset", "ref", "commit", "env_key", "status", "counts", "tests",
                "timings"):
        assert key in doc
    assert doc["status"] == "passed" and doc["counts"]["passed"] == 5
    assert set(doc["tests"][0]) == {"id", "outcome", "duration", "message"}
    runs = harness("runs", "--json")
    assert json.loads(runs.stdout)[0]["run_id"] == doc["run_id"]
    assert "tiny" in harness("runs").stdout


@pytest.mark.parametrize("argv", [["reproduce"], ["nonsense"], ["reproduce", "demo", "--bogus"]])
def test_usage_errors_exit_2(argv: list[str]) -> None:
    assert harness(*argv).returncode == 2
