"""bench/triage_texts.py: the texts of labelled issues, brought from a GitHub-shaped server."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import triage_quality
import triage_texts

from tests.triage.github_server import GitHubServer, make_issue

REPO = "huggingface/peft"


def label(number: int, difficulty: str = "easy", gpu: bool = False) -> dict[str, object]:
    return {"repo": REPO, "number": number, "url": f"https://github.com/{REPO}/issues/{number}",
            "difficulty": difficulty, "needs_gpu": gpu, "kind": "bug", "reason": f"why {number}"}


def labels_file(tmp_path: Path, numbers: list[int]) -> Path:
    path = tmp_path / "triage_extra7_labels.jsonl"
    path.write_text("".join(json.dumps(label(n, "hard" if n % 2 else "easy")) + "\n"
                            for n in numbers))
    return path


def serve(github: GitHubServer) -> None:
    github.fake.issues[REPO] = [
        make_issue(1, title="Typo in LoraConfig docstring", body="`lora_alpha` is misspelt",
                   labels=("documentation",), created_at="2024-03-02T10:00:00Z"),
        make_issue(2, title="Fix it", pull=True),
        make_issue(4, title="FSDP hangs", body="with fsdp on 8 GPUs", state="closed"),
        make_issue(5, title="Merge fails", body="merge_and_unload raises"),
    ]


def run(labels: Path, out: Path, github: GitHubServer) -> int:
    return triage_texts.main([str(labels), "--out", str(out), "--base-url", github.url,
                              "--pause", "0"])


def test_texts_come_with_the_files_labels_in_the_dev_sets_format(
        tmp_path: Path, github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    serve(github)
    labels = labels_file(tmp_path, [1, 2, 3, 4])
    assert run(labels, tmp_path / "texts", github) == 0
    out = capsys.readouterr().out
    assert "left out huggingface/peft#2: a pull request" in out
    assert "left out huggingface/peft#3: not found (404)" in out
    written = tmp_path / "texts" / "triage_extra7.jsonl"
    rows = [json.loads(line) for line in written.read_text().splitlines()]
    assert [r["number"] for r in rows] == [1, 4]
    assert rows[0] == {
        "repo": REPO, "number": 1, "title": "Typo in LoraConfig docstring",
        "labels": ["documentation"], "state": "open",
        "url": "https://github.com/huggingface/peft/issues/1", "created_at": "2024-03-02",
        "author": "someone", "body": "`lora_alpha` is misspelt", "difficulty": "hard",
        "needs_gpu": False, "kind": "bug", "reason": "why 1"}
    assert rows[1]["state"] == "closed" and rows[1]["difficulty"] == "easy"
    # what the quality bench reads
    read = triage_quality.read([str(written)], {})
    assert [(x.issue.number, x.easy) for x in read] == [(1, False), (4, True)]
    assert not list((tmp_path / "texts").glob("*.part"))


def test_a_run_stopped_by_a_kill_goes_on_from_what_arrived(
        tmp_path: Path, github: GitHubServer) -> None:
    serve(github)
    labels = labels_file(tmp_path, [1, 4, 5])
    texts = tmp_path / "texts"
    texts.mkdir()
    # #1 arrived whole, with the labels the file had then (easy; it says hard now), and the
    # kill cut the next line short
    first = {**label(1, "easy"), "title": "as fetched before", "body": "b", "labels": [],
             "state": "open", "created_at": "2024-03-02", "author": "someone"}
    (texts / "triage_extra7.jsonl.part").write_text(json.dumps(first) + '\n{"repo": "hugg')
    github.fake.limited_after = 1  # this run stops too, after #4
    assert run(labels, texts, github) == 2
    github.fake.limited_after, github.fake.remaining = None, 60  # the hour is over
    assert run(labels, texts, github) == 0
    asked = [r.path for r in github.fake.requests if r.status == 200]
    assert asked == [f"/repos/{REPO}/issues/4", f"/repos/{REPO}/issues/5"]
    rows = [json.loads(line) for line in (texts / "triage_extra7.jsonl").read_text().splitlines()]
    assert [(r["number"], r["title"]) for r in rows] == [
        (1, "as fetched before"), (4, "FSDP hangs"), (5, "Merge fails")]
    assert [r["difficulty"] for r in rows] == ["hard", "easy", "hard"]
    github.fake.clear()
    assert run(labels, texts, github) == 0  # all there: nothing asked again
    assert github.fake.requests == []


def test_a_rate_limit_stops_with_when_to_run_again_and_keeps_what_arrived(
        tmp_path: Path, github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    serve(github)
    github.fake.limited_after = 1
    labels = labels_file(tmp_path, [1, 4, 5])
    assert run(labels, tmp_path / "texts", github) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: GitHub rate limit reached; run again after ")
    assert "\n" not in err
    part = tmp_path / "texts" / "triage_extra7.jsonl.part"
    assert [json.loads(line)["number"] for line in part.read_text().splitlines()] == [1]
    assert not (tmp_path / "texts" / "triage_extra7.jsonl").exists()


def test_a_ctrl_c_keeps_what_arrived_and_says_so(
        tmp_path: Path, github: GitHubServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    serve(github)
    fetched = triage_texts.text_of
    calls = []

    def then_ctrl_c(gh: object, label: dict[str, object]) -> object:
        calls.append(label["number"])
        if len(calls) == 2:
            raise KeyboardInterrupt  # as ^C does, while the second is asked for
        return fetched(gh, label)  # type: ignore[arg-type]

    monkeypatch.setattr(triage_texts, "text_of", then_ctrl_c)
    assert run(labels_file(tmp_path, [1, 4, 5]), tmp_path / "texts", github) == 130
    assert capsys.readouterr().err == "interrupted: what arrived is kept; run again to go on\n"
    part = tmp_path / "texts" / "triage_extra7.jsonl.part"
    assert [json.loads(line)["number"] for line in part.read_text().splitlines()] == [1]


def test_a_bad_labels_file_or_no_server_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x_labels.jsonl"
    bad.write_text('{"repo": "huggingface/peft", "number": "abc"}\n')
    assert triage_texts.main([str(bad), "--out", str(tmp_path / "t"), "--pause", "0"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {bad}:1: not a labelled issue")
    good = labels_file(tmp_path, [1])
    assert triage_texts.main([str(good), "--out", str(tmp_path / "t"), "--pause", "0",
                              "--base-url", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot reach http://127.0.0.1:9: ") and err.count("\n") == 1
