"""bench/triage_draw.py: real issues drawn at random from a GitHub-shaped server."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import triage_draw
import triage_quality

from tests.triage.github_server import GitHubServer, make_issue

REPO = "huggingface/peft"
OTHER = "huggingface/diffusers"
PULLS = {2, 6, 9}  # numbers that are pull requests
GONE = {7}  # a number GitHub does not know (deleted or moved)


def serve(github: GitHubServer, top: int = 12) -> None:
    github.fake.issues[REPO] = [
        make_issue(n, title=f"issue {n}", body=f"post {n}", pull=n in PULLS,
                   created_at=f"2024-03-{n:02d}T10:00:00Z", labels=("bug",) if n == 3 else ())
        for n in range(1, top + 1) if n not in GONE]
    github.fake.issues[OTHER] = [make_issue(n, title=f"d{n}", repo=OTHER) for n in (1, 2, 3)]


def run(github: GitHubServer, out: Path, *args: str) -> int:
    return triage_draw.main([REPO, "--out", str(out), "--base-url", github.url, "--pause", "0",
                             *args])


def rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def seen_file(tmp_path: Path, numbers: list[int]) -> Path:
    path = tmp_path / "triage_extra9_labels.jsonl"
    path.write_text("".join(json.dumps({"repo": REPO, "number": n, "difficulty": "easy"}) + "\n"
                            for n in numbers))
    return path


def test_issues_are_drawn_at_random_in_the_dev_sets_format_never_a_pull_request_or_one_seen(
        tmp_path: Path, github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    serve(github)
    seen = seen_file(tmp_path, [1, 4])
    out = tmp_path / "drawn.jsonl"
    assert run(github, out, "--n", "6", "--seed", "3", "--seen", str(seen)) == 0
    got = rows(out)
    numbers = [r["number"] for r in got]
    # of 1 to 12: neither the pull requests, the number GitHub does not know, nor those seen
    assert sorted(numbers) == [3, 5, 8, 10, 11, 12]
    assert numbers != sorted(numbers)  # drawn, not walked in order
    assert got[numbers.index(3)] == {
        "repo": REPO, "number": 3, "title": "issue 3", "labels": ["bug"], "state": "open",
        "url": f"https://github.com/{REPO}/issues/3", "created_at": "2024-03-03",
        "author": "someone", "body": "post 3"}
    assert all(r["title"] == f"issue {r['number']}" for r in got)
    assert f"{REPO}: 6 issues drawn; left out: " in capsys.readouterr().out
    assert not list(tmp_path.glob("*.part"))
    # the same seed draws the same issues in the same order; the readers' labels added,
    # the quality bench reads the file
    again = tmp_path / "again.jsonl"
    assert run(github, again, "--n", "6", "--seed", "3", "--seen", str(seen)) == 0
    assert rows(again) == got
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("".join(json.dumps({**r, "difficulty": "easy", "needs_gpu": False,
                                            "kind": "bug", "reason": "r"}) + "\n" for r in got))
    assert [x.issue.number for x in triage_quality.read([str(labelled)], {})] == numbers


def test_a_repository_with_fewer_issues_gives_those_it_has_and_says_why_the_rest_are_out(
        tmp_path: Path, github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    serve(github, top=9)
    # GitHub answers for an issue moved to another repository with the issue where it is
    github.fake.issues[REPO].append(make_issue(10, title="moved", repo=OTHER))
    out = tmp_path / "drawn.jsonl"
    assert triage_draw.main([REPO, OTHER, "--out", str(out), "--n", "10", "--base-url",
                             github.url, "--pause", "0"]) == 0
    got = rows(out)
    assert sorted(r["number"] for r in got if r["repo"] == REPO) == [1, 3, 4, 5, 8]
    assert sorted(r["number"] for r in got if r["repo"] == OTHER) == [1, 2, 3]
    said = capsys.readouterr().out
    assert (f"{REPO}: 5 issues drawn (only 5: every other number is seen or left out); "
            "left out: 3 a pull request, 1 moved to another repository, 1 not found (404)"
            ) in said
    assert f"{OTHER}: 3 issues drawn (only 3" in said


def test_a_stopped_run_goes_on_without_asking_again_for_what_was_answered(
        tmp_path: Path, github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    serve(github)
    out = tmp_path / "drawn.jsonl"
    github.fake.limited_after = 5  # the newest number, then four numbers, then a rate limit
    assert run(github, out, "--n", "6") == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: GitHub rate limit reached; run again after ") and "\n" not in err
    part = tmp_path / "drawn.jsonl.part"
    answered = [json.loads(line) for line in part.read_text().splitlines()]
    assert answered[0] == {"repo": REPO, "newest": 12}
    assert not out.exists()
    before = {r["number"] for r in answered[1:]}
    assert len(before) >= 4  # issues kept and pull requests left out (404s cost no count)
    github.fake.limited_after, github.fake.remaining = None, 60  # the hour is over
    github.fake.clear()
    assert run(github, out, "--n", "6") == 0
    asked = {int(r.path.rsplit("/", 1)[1]) for r in github.fake.requests
             if r.path != f"/repos/{REPO}/issues"}
    assert not asked & before  # nothing answered before is asked again
    assert all(r.path != f"/repos/{REPO}/issues" for r in github.fake.requests)
    fresh = tmp_path / "fresh.jsonl"
    assert run(github, fresh, "--n", "6") == 0  # the same draw as one run without a stop
    assert rows(out) == rows(fresh)
    assert not part.exists()


def test_a_kill_mid_line_loses_only_that_line(tmp_path: Path, github: GitHubServer) -> None:
    serve(github)
    out = tmp_path / "drawn.jsonl"
    part = tmp_path / "drawn.jsonl.part"
    part.write_text(json.dumps({"repo": REPO, "newest": 12}) + '\n{"repo": "huggingface/pe')
    assert run(github, out, "--n", "3") == 0
    assert len(rows(out)) == 3


def test_bad_arguments_or_no_server_are_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "d.jsonl")
    assert triage_draw.main(["peft", "--out", out]) == 2
    assert capsys.readouterr().err == "error: 'peft' is not owner/name\n"
    assert triage_draw.main([REPO, "--out", out, "--n", "0"]) == 2
    assert capsys.readouterr().err == "error: --n must be 1 or more\n"
    bad = tmp_path / "x_labels.jsonl"
    bad.write_text('{"repo": "huggingface/peft", "number": "abc"}\n')
    assert triage_draw.main([REPO, "--out", out, "--seen", str(bad), "--pause", "0"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {bad}:1: not a labelled issue")
    assert triage_draw.main([REPO, "--out", out, "--pause", "0",
                             "--base-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach http://127.0.0.1:9: ") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == [bad]  # nothing arrived: no part file left behind
