"""``harness export github-actions``: the workflows pass actionlint (and shellcheck)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cli
from harness.fanout import export_gha

VENV_BIN = Path(sys.executable).parent


def actionlint() -> str:
    found = shutil.which("actionlint", path=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")
    if not found:
        pytest.skip("no actionlint binary (pip install -e '.[test]' installs one)")
    return found


def lint(tmp_path: Path, text: str, name: str = "harness.yml") -> subprocess.CompletedProcess[str]:
    path = tmp_path / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    # an absolute PATH: actionlint runs shellcheck on every `run:` script when it finds it
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([actionlint(), "-no-color", "-verbose", str(path)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


def export(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["export", "github-actions", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("args", [
    ("demo", "--shards", "3"),
    ("demo", "--verify-pr"),
    ("peft", "--subset", "custom-small", "--shards", "8",
     "--install", "harness @ git+https://example.org/our team/harness@v1"),
    ("transformers", "--verify-pr", "--subset", "bert"),
])
def test_exported_workflows_pass_actionlint(args: tuple[str, ...], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, text, err = export(capsys, *args)
    assert code == 0, err
    proc = lint(tmp_path, text)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Found total 0 errors" in proc.stderr
    if shutil.which("shellcheck", path=str(VENV_BIN)):
        assert 'Rule "shellcheck" was disabled' not in proc.stderr


def test_actionlint_does_fail_a_broken_workflow(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The check above can fail: a typo'd key and an unquoted variable are caught."""
    _, text, _ = export(capsys, "demo", "--shards", "3")
    broken = text.replace("    runs-on: ubuntu-latest\n    timeout-minutes: 15",
                          "    runs_on: ubuntu-latest\n    timeout-minutes: 15")
    proc = lint(tmp_path, broken)
    assert proc.returncode == 1 and "runs_on" in proc.stdout
    if shutil.which("shellcheck", path=str(VENV_BIN)):
        unquoted = text.replace('install "$HARNESS_INSTALL"', "install $HARNESS_INSTALL")
        proc = lint(tmp_path, unquoted)
        assert proc.returncode == 1 and "SC2086" in proc.stdout


def test_sharded_workflow_shape(capsys: pytest.CaptureFixture[str]) -> None:
    yaml = pytest.importorskip("yaml")
    _, text, _ = export(capsys, "demo", "--subset", "schedulers", "--shards", "3")
    wf = yaml.safe_load(text)
    shard, merge = wf["jobs"]["shard"], wf["jobs"]["merge"]
    assert shard["strategy"]["matrix"]["shard"] == [1, 2, 3]
    assert shard["strategy"]["fail-fast"] is False
    assert wf["env"]["HARNESS_RECIPE"] == "demo" and wf["env"]["HARNESS_SUBSET"] == "schedulers"
    run = next(s["run"] for s in shard["steps"] if s.get("name", "").startswith("Run shard"))
    assert '--shard "${{ matrix.shard }}/3" --json' in run
    uses = [s.get("uses", "") for s in shard["steps"]]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    cached = [s for s in shard["steps"] if s.get("uses", "").startswith("actions/cache/")]
    assert {c["uses"].split("@")[0] for c in cached} == {"actions/cache/restore",
                                                         "actions/cache/save"}
    assert all("~/.cache/uv" in c["with"]["path"] and "~/.cache/harness/repos"
               in c["with"]["path"] for c in cached)
    assert wf["env"]["HARNESS_HOME"] == "~/.cache/harness"
    assert merge["needs"] == "shard"
    script = next(s["run"] for s in merge["steps"] if "run" in s and "merge" in s["run"])
    assert "harness merge reports/*.json --markdown" in script
    assert '>> "$GITHUB_STEP_SUMMARY"' in script
    assert text.startswith("# Written by `harness export github-actions demo --subset "
                           "schedulers --shards 3`.")


def test_verify_pr_workflow_shape(capsys: pytest.CaptureFixture[str]) -> None:
    yaml = pytest.importorskip("yaml")
    _, text, _ = export(capsys, "peft", "--verify-pr")
    wf = yaml.safe_load(text)
    assert "pull_request" in wf[True]  # YAML 1.1 reads the key `on` as True
    (job,) = wf["jobs"].values()
    run = job["steps"][-1]["run"]
    assert 'harness verify "$HARNESS_RECIPE" --pr "$PR_NUMBER"' in run
    assert '--base "$BASE_SHA" --online --markdown' in run and "GITHUB_STEP_SUMMARY" in run
    assert any(s.get("uses", "").startswith("actions/cache@") for s in job["steps"])


@pytest.mark.parametrize("args,message", [
    (("pft",), "unknown recipe 'pft'"),
    (("demo", "--subset", "nope"), "recipe 'demo' has no subset 'nope'"),
    (("demo", "--shards", "0"), "--shards 0: must be between 1 and 256"),
])
def test_bad_export_input_is_one_line(args: tuple[str, ...], message: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = export(capsys, *args)
    assert code == 2 and out == ""
    errors = [ln for ln in err.splitlines() if ln.startswith("harness: error:")]
    assert len(errors) == 1 and message in errors[0], err


def test_values_are_quoted_for_yaml() -> None:
    assert export_gha.q('a "b": c') == '"a \\"b\\": c"'
