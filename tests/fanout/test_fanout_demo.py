"""The fan-out on the demo recipe, with the commands a user types: one whole run, three
shards, ``harness merge``.  One env build, shared by every test here (one xdist group)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import cli
from harness.fanout import export_gha

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fanout-demo")]
SUBSET = "schedulers"  # the demo's quick subset: the same code path, seconds per run


@dataclass(frozen=True)
class Fanout:
    home: Path
    whole: dict[str, Any]
    shards: list[Path]  # s1.json, s2.json, s3.json

    def harness(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "HARNESS_HOME": str(self.home), "COLUMNS": "200",
               "HARNESS_CONFIG": str(self.home / "config.toml"), "HF_HUB_OFFLINE": "1"}
        return subprocess.run([sys.executable, "-m", "harness", *args], capture_output=True,
                              text=True, timeout=900, check=False, env=env, cwd=cwd)

    def merge(self, *paths: Path, fmt: str = "--json") -> tuple[int, dict[str, Any], str]:
        proc = self.harness("merge", *map(str, paths), fmt)
        doc = json.loads(proc.stdout) if fmt == "--json" and proc.stdout.strip() else {}
        return proc.returncode, doc, proc.stderr


def reproduce(f: Fanout, *args: str) -> dict[str, Any]:
    proc = f.harness("reproduce", "demo", "--subset", SUBSET, "--json", "-q", *args)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


@pytest.fixture(scope="module")
def fanout(tmp_path_factory: pytest.TempPathFactory) -> Fanout:
    home = tmp_path_factory.mktemp("fanout-home")
    out = tmp_path_factory.mktemp("fanout-reports")
    f = Fanout(home, {}, [])
    whole = reproduce(f)
    shards = []
    for k in (1, 2, 3):  # harness reproduce demo --shard k/3 --json > sk.json
        path = out / f"s{k}.json"
        path.write_text(json.dumps(reproduce(f, "--shard", f"{k}/3")))
        shards.append(path)
    return Fanout(home, whole, shards)


def ids(doc: dict[str, Any]) -> set[str]:
    return {t["id"] for t in doc["tests"]}


def load(path: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


def test_three_shards_are_disjoint_and_cover_the_whole_run(fanout: Fanout) -> None:
    docs = [load(p) for p in fanout.shards]
    parts = [ids(d) for d in docs]
    assert all(parts), "every shard ran something"
    assert sum(len(p) for p in parts) == len(set().union(*parts))  # disjoint
    assert set().union(*parts) == ids(fanout.whole)  # together, the whole run
    assert len(ids(fanout.whole)) > 30
    blocks = [d["shard"] for d in docs]
    assert [(b["index"], b["total"]) for b in blocks] == [(1, 3), (2, 3), (3, 3)]
    assert {b["selected"] for b in blocks} == {len(ids(fanout.whole))}
    assert len({b["selection"] for b in blocks}) == len({b["plan"] for b in blocks}) == 1
    # balanced by the durations of the whole run, which ran first, the same for every shard
    assert {b["balance"] for b in blocks} == {"durations"}
    assert {b["durations_from"] for b in blocks} == {f"run {fanout.whole['run_id']}"}
    assert all(d["commit"] == fanout.whole["commit"] for d in docs)
    assert "--shard 2/3" in docs[1]["command"]


def test_merge_gives_the_whole_runs_counts_and_verdict(
        fanout: Fanout, capsys: pytest.CaptureFixture[str]) -> None:
    code, merged, stderr = fanout.merge(*fanout.shards)
    assert code == 0, stderr
    assert merged["counts"] == fanout.whole["counts"]
    assert merged["status"] == fanout.whole["status"] == "passed"
    assert ids(merged) == ids(fanout.whole) and len(merged["tests"]) == len(ids(merged))
    assert merged["shards"]["merged"] == [1, 2, 3] and merged["shards"]["missing"] == []
    assert "shard" not in merged and "--shard" not in merged["command"]
    for key in ("recipe", "subset", "ref", "commit", "env_key"):
        assert merged[key] == fanout.whole[key]

    code, out, _ = merge_in_process(capsys, *map(str, fanout.shards))
    assert code == 0
    assert "merged: 3 of 3 shards" in out and "passed" in out
    code, out, _ = merge_in_process(capsys, *map(str, fanout.shards), "--markdown")
    c = fanout.whole["counts"]
    row = f"| {c['passed']} | {c['failed']} | {c['error']} | {c['skipped']} |"
    assert code == 0 and row in out and "3 of 3 shards" in out


def test_missing_and_duplicated_shards_are_flagged(
        fanout: Fanout, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s1, s2, s3 = fanout.shards
    code, out, _ = merge_in_process(capsys, str(s1), str(s3), "--json")
    merged = json.loads(out)
    assert code == 2
    assert merged["status"] == "infra_error"
    assert merged["reason"].startswith("missing shard(s) 2 of 3")
    assert merged["shards"]["missing"] == [2]
    assert merged["counts"]["passed"] == load(s1)["counts"]["passed"] + load(s3)["counts"][
        "passed"]
    code, out, _ = merge_in_process(capsys, str(s1), str(s3), "--markdown")
    assert code == 2 and "| 2/3 | missing |" in out

    again = tmp_path / "s2-again.json"
    again.write_text(s2.read_text())
    code, out, _ = merge_in_process(capsys, *map(str, (s1, s2, again, s3)), "--json")
    merged = json.loads(out)
    assert code == 2 and merged["shards"]["duplicated"] == [2]
    assert "shard 2/3 given more than once" in merged["reason"]
    assert merged["counts"] == fanout.whole["counts"]  # the first copy counts, once


def merge_in_process(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``harness merge ARGS`` through the CLI's own entry point, in this process (fast)."""
    code = cli.main(["merge", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def refused(capsys: pytest.CaptureFixture[str], *paths: Path) -> str:
    code, out, err = merge_in_process(capsys, *map(str, paths))
    assert code == 2, out
    errors = [ln for ln in err.splitlines() if ln.startswith("harness: error:")]
    assert len(errors) == 1 and "Traceback" not in err, err
    assert out == ""
    return " ".join(err.split())  # rich may wrap the line on a narrow terminal


def test_reports_that_do_not_belong_together_are_refused(
        fanout: Fanout, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s1, s2, s3 = fanout.shards

    def variant(name: str, **changes: Any) -> Path:
        doc = load(s2)
        shard = doc["shard"] | changes.pop("shard", {})
        path = tmp_path / name
        path.write_text(json.dumps(doc | changes | {"shard": shard}))
        return path

    line = refused(capsys, s1, variant("other-commit.json", commit="0" * 40), s3)
    assert "other-commit.json does not belong with" in line and "commit 0000" in line
    line = refused(capsys, s1, variant("other-ref.json", ref="v2.0.0"), s3)
    assert "ref v2.0.0 vs v1.0.0" in line
    line = refused(capsys, s1, variant("of-four.json", shard={"total": 4}), s3)
    assert "it is a shard of 4, the other of 3" in line
    line = refused(capsys, s1, variant("other-split.json", shard={"plan": "f" * 16}), s3)
    assert "split differently" in line
    whole = tmp_path / "whole.json"
    whole.write_text(json.dumps(fanout.whole))
    assert "a whole run, not a shard" in refused(capsys, s1, whole)
    empty = tmp_path / "empty.json"
    empty.write_text("")
    assert "empty.json: empty file, not a harness report" in refused(capsys, s1, empty)
    broken = tmp_path / "broken.json"
    broken.write_text(s1.read_text()[:200])
    assert "broken.json: not a harness shard report" in refused(capsys, s1, broken)
    assert "cannot read it" in refused(capsys, s1, tmp_path / "nope.json")
    assert "no reports to merge" in refused(capsys)


def workflow_script(text: str, step: str) -> str:
    """The ``run: |`` block of the step named ``step`` in an exported workflow."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip() == f"- name: {step}")
    run = next(i for i in range(start, len(lines)) if lines[i].strip() == "run: |")
    body = []
    for ln in lines[run + 1:]:
        if not ln.startswith(" " * 10):
            break
        body.append(ln[10:])
    return "\n".join(body) + "\n"


def test_the_workflows_merge_step_writes_the_job_summary(fanout: Fanout,
                                                         tmp_path: Path) -> None:
    """The exported merge job's script, run with bash on real shard reports."""
    text = export_gha.workflow(export_gha.Export("demo", SUBSET, 3), "test")
    script = workflow_script(text, "Merge the shards into one report")
    reports = tmp_path / "reports"
    reports.mkdir()
    for p in fanout.shards:
        (reports / p.name).write_text(p.read_text())
    summary = tmp_path / "summary-page.md"
    venv_bin = str(Path(sys.executable).parent)
    env = {**os.environ, "HARNESS_HOME": str(fanout.home), "GITHUB_STEP_SUMMARY": str(summary),
           "PATH": venv_bin + os.pathsep + os.environ["PATH"]}
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "### harness: ✅ passed" in summary.read_text()
    assert load(tmp_path / "merged.json")["counts"] == fanout.whole["counts"]

    (reports / "s2.json").unlink()  # a shard that never reported
    proc = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 2
    assert "missing shard(s) 2 of 3" in summary.read_text()
