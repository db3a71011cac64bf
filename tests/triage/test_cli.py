"""`harness triage` and `harness issue`, end to end: sync or import, then rank offline."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from harness.errors import HarnessError
from harness.triage import cli
from tests.triage import samples
from tests.triage.github_server import GitHubServer, make_issue

FIXTURE = Path(__file__).parent / "data" / "gh_issues.json"
FIELDS = {"repo", "number", "title", "url", "labels", "score", "band", "needs_gpu", "reasons",
          "suggested_tests"}


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="harness")
    cli.add_parsers(parser.add_subparsers())
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def as_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    assert run(*argv) == 0
    return json.loads(capsys.readouterr().out)


def serve_peft(github: GitHubServer) -> None:
    raws = []
    for i in samples.peft_issues():
        raw = make_issue(i.number, title=i.title, body=i.body, labels=i.labels,
                         comments=i.comments, updated_at=i.updated_at, created_at=i.created_at)
        raws.append(raw)
    raws.append(make_issue(210, title="Fix the zero bias", body="Fixes #202", pull=True,
                           updated_at="2025-01-11T00:00:00Z"))
    github.fake.issues["huggingface/peft"] = raws


def test_sync_then_rank_as_json(github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    serve_peft(github)
    out = as_json(capsys, "triage", "peft", "--sync", "--base-url", github.url, "--json")
    assert [o["number"] for o in out] == [202, 201, 203]  # laptop-doable LoRA bug first
    assert set(out[0]) >= FIELDS
    assert out[0]["repo"] == "huggingface/peft" and out[0]["band"] == "easy"
    assert out[0]["suggested_tests"] == ["tests/test_custom_models.py"]
    assert out[0]["linked_prs"] == [210]
    assert all(o["needs_gpu"] for o in out[1:])
    github.fake.clear()
    # offline from here: the store answers; a re-sync of the unchanged repo is one 304
    assert as_json(capsys, "triage", "peft", "--json", "--cpu-only") == out[:1]
    as_json(capsys, "triage", "peft", "--sync", "--base-url", github.url, "--json")
    assert github.fake.statuses() == [304]
    assert as_json(capsys, "triage", "peft", "--json", "--beginner") == []  # a PR is on it


def test_sync_reports_its_cost(github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    serve_peft(github)
    run("triage", "peft", "--sync", "--base-url", github.url, "--limit", "1")
    captured = capsys.readouterr()
    assert "synced huggingface/peft: 4 stored, 3 requests (0 answered 304), rate-limit " \
           "cost 3, 57 left" in " ".join(captured.err.split())
    assert "merge_and_unload" in captured.out and "QLoRA" not in captured.out


def test_import_then_table_and_issue(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("triage", "diffusers", "--import", str(FIXTURE)) == 0
    captured = capsys.readouterr()
    assert "imported 4 issues of huggingface/diffusers" in captured.err
    assert "301" in captured.out and "DDIMScheduler" in captured.out
    out = as_json(capsys, "triage", "diffusers", "--json", "--beginner")
    assert [o["number"] for o in out] == [301]  # 303 is assigned, 304 has a linked PR
    assert out[0]["score"] > 0.65 and out[0]["needs_gpu"] is False

    assert run("issue", "diffusers", "301") == 0
    text = capsys.readouterr().out
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[-1].strip() == ("harness reproduce diffusers --subset schedulers "
                                 "--tests tests/schedulers/test_scheduler_ddim.py")
    assert "labelled 'good first issue'" in text
    one = as_json(capsys, "issue", "diffusers", "301", "--json")
    assert set(one) >= FIELDS and one["command"] == lines[-1].strip()


def test_label_filter(capsys: pytest.CaptureFixture[str]) -> None:
    run("triage", "diffusers", "--import", str(FIXTURE))
    out = as_json(capsys, "triage", "diffusers", "--json", "--label", "BUG")
    assert sorted(o["number"] for o in out) == [301, 302]


def test_nothing_stored() -> None:
    with pytest.raises(HarnessError, match="no issues of huggingface/peft are stored") as e:
        run("triage", "peft")
    assert e.value.hint == "harness triage peft --sync (or --import FILE)"


def test_unknown_issue_and_pull_request(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    run("triage", "diffusers", "--import", str(FIXTURE))
    with pytest.raises(HarnessError, match="issue #999 of huggingface/diffusers is not stored"):
        run("issue", "diffusers", "999")
    pr = tmp_path / "prs.json"
    pr.write_text(json.dumps([{"number": 9, "title": "t", "url":
                               "https://github.com/huggingface/diffusers/pull/9",
                               "createdAt": "2025-01-01T00:00:00Z",
                               "updatedAt": "2025-01-01T00:00:00Z"}]))
    run("triage", "diffusers", "--import", str(pr))
    with pytest.raises(HarnessError, match="is a pull request"):
        run("issue", "diffusers", "9")


def test_unknown_recipe() -> None:
    with pytest.raises(HarnessError, match="unknown recipe 'pef'; did you mean 'peft'"):
        run("triage", "pef")


def test_sync_needs_a_github_repository() -> None:
    with pytest.raises(HarnessError, match="names no GitHub repository"):
        run("triage", "demo", "--sync")


def test_rate_limit_through_the_cli(github: GitHubServer) -> None:
    serve_peft(github)
    github.fake.limited_after = 0
    with pytest.raises(HarnessError, match=r"^GitHub rate limit reached; 0 issues stored; "
                                           r"retry after \d\d:\d\d \(UTC\)$"):
        run("triage", "peft", "--sync", "--base-url", github.url)
