"""`harness triage` and `harness issue`, end to end: sync or import, then rank offline."""
from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from harness import cli as harness_cli
from harness import store
from harness.errors import HarnessError
from harness.recipes import load
from harness.triage import cli, features, rank, report, scoring
from tests.triage import samples
from tests.triage.github_server import GitHubServer, make_comment, make_issue

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
    assert out[0]["repo"] == "huggingface/peft"
    assert "-1.50 an open pull request may fix it (#210)" in out[0]["reasons"]
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
    assert "synced huggingface/peft: 4 stored, 4 requests (0 answered 304), rate-limit " \
           "cost 4, 56 left" in " ".join(captured.err.split())
    assert "merge_and_unload" in captured.out and "QLoRA" not in captured.out


def test_import_then_table_and_issue(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("triage", "diffusers", "--import", str(FIXTURE)) == 0
    captured = capsys.readouterr()
    assert "imported 4 issues of huggingface/diffusers" in captured.err
    assert "301" in captured.out and "DDIMScheduler" in captured.out
    out = as_json(capsys, "triage", "diffusers", "--json", "--beginner")
    assert [o["number"] for o in out] == [301]  # 303 is assigned, 304 has a linked PR
    assert out[0]["score"] >= scoring.EASY and out[0]["needs_gpu"] is False

    assert run("issue", "diffusers", "301") == 0
    text = capsys.readouterr().out
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[-1].strip() == ("harness reproduce diffusers --subset schedulers "
                                 "--tests tests/schedulers/test_scheduler_ddim.py")
    assert "labelled 'good first issue'" in text
    one = as_json(capsys, "issue", "diffusers", "301", "--json")
    assert set(one) >= FIELDS and one["command"] == lines[-1].strip()
    # a docs issue: the command checks a fix, as the line before it says
    assert run("issue", "diffusers", "304") == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert lines[-2:] == ["to check a fix, run:", "harness verify diffusers --commit HEAD"]


def test_label_filter(capsys: pytest.CaptureFixture[str]) -> None:
    run("triage", "diffusers", "--import", str(FIXTURE))
    out = as_json(capsys, "triage", "diffusers", "--json", "--label", "BUG")
    assert sorted(o["number"] for o in out) == [301, 302]


def test_a_label_no_stored_issue_carries_says_which_labels_there_are(
        capsys: pytest.CaptureFixture[str]) -> None:
    run("triage", "diffusers", "--import", str(FIXTURE))
    with pytest.raises(HarnessError, match="no stored issue of huggingface/diffusers is "
                                           "labelled 'bgu'") as e:
        run("triage", "diffusers", "--label", "bgu")
    assert e.value.hint is not None and e.value.hint.startswith("labels most used: bug (2)")


def test_no_match_is_one_line() -> None:
    def shown(in_state: int, state: str, stored: int) -> str:
        out = io.StringIO()
        report.table(Console(file=out, width=200), "r/x", [],
                     report.Counts(0, in_state, state, stored))
        return out.getvalue()

    assert shown(4, "open", 6) == "r/x: none of the 4 open issues passes the filters; try fewer\n"
    assert shown(0, "open", 6) == ("r/x: none of the 6 stored issues is open (--state all shows "
                                   "them)\n")
    assert shown(0, "all", 0) == "r/x: none of the 0 stored issues passes the filters; try fewer\n"


def test_the_table_says_how_many_stored_issues_are_not_in_the_state_shown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # an import of 30 real issues, 22 of them closed, showed "8 of 8 issues": where the
    # others went was not said
    records = json.loads(FIXTURE.read_text())
    closed = [{**r, "state": "CLOSED"} for r in records[:3]]
    path = tmp_path / "some_closed.json"
    path.write_text(json.dumps(closed + records[3:]))
    run("triage", "diffusers", "--import", str(path))
    capsys.readouterr()
    assert run("triage", "diffusers") == 0
    head = " ".join(capsys.readouterr().out.split())
    assert head.startswith(f"huggingface/diffusers: {len(records) - 3} of {len(records) - 3} "
                           "open issues, best first (3 more stored, not open: --state all "
                           "shows them)")
    assert run("triage", "diffusers", "--state", "all") == 0
    head = " ".join(capsys.readouterr().out.split())
    assert head.startswith(f"huggingface/diffusers: {len(records)} of {len(records)} issues, "
                           "best first ┏")


def test_no_issue_in_the_state_asked_says_how_many_are_stored(
        capsys: pytest.CaptureFixture[str]) -> None:
    # all four stored issues are open: asked for closed ones, it says so (an import of
    # closed issues only, shown with the default --state open, reads the same)
    run("triage", "diffusers", "--import", str(FIXTURE))
    capsys.readouterr()
    assert run("triage", "diffusers", "--label", "bug", "--state", "closed") == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines() == [
        "huggingface/diffusers: none of the 4 stored issues is closed (--state all shows them)"]


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


def test_beginner_leaves_out_claimed_issues_and_says_so(
        github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    items = samples.diffusers_issues()
    recent = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    github.fake.issues["huggingface/diffusers"] = [
        make_issue(i.number, title=i.title, body=i.body, labels=i.labels,
                   repo="huggingface/diffusers", updated_at="2025-01-10T00:00:00Z",
                   created_at="2025-01-01T00:00:00Z") for i in items]
    github.fake.comments["huggingface/diffusers"] = [
        make_comment(301, "Hi! I'd like to work on this, can I take it?", login="newbie",
                     repo="huggingface/diffusers", created_at=recent)]
    out = as_json(capsys, "triage", "diffusers", "--sync", "--base-url", github.url, "--json")
    assert 301 in [o["number"] for o in out]
    claimed = next(o for o in out if o["number"] == 301)
    assert any("@newbie said in a comment they are working on it" in r
               for r in claimed["reasons"])
    capsys.readouterr()
    assert run("triage", "diffusers", "--json", "--beginner") == 0
    captured = capsys.readouterr()
    assert 301 not in [o["number"] for o in json.loads(captured.out)]
    assert "left out 1 issue(s) someone is already on: #301 (claimed by @newbie in a " \
           "comment)" in " ".join(captured.err.split())
    # the table says how many of the open issues the filters left out
    assert run("triage", "diffusers", "--beginner") == 0
    head = " ".join(capsys.readouterr().out.split())
    shown = len(json.loads(captured.out))
    assert f"huggingface/diffusers: {shown} of {shown} open issues, best first " \
           f"({len(items) - shown} of the {len(items)} open left out by the filters)" in head


def test_beginner_lists_issues_a_claim_no_longer_takes_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`gh issue list --json ...,comments` brings comments of any age: a claim whose author
    has said nothing for comments.QUIET_DAYS (30) days no longer leaves the issue out, and the
    one heard from 10 days ago does; a claim of one part of an issue of many leaves it in."""
    now = datetime.now(timezone.utc)
    ago = lambda days: (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731

    def post(number: int, *said: tuple[str, str, int],
             body: str = samples.BERT_DECODE) -> dict[str, object]:
        return {"number": number, "title": f"Typo in the docstring of load_lora_weights {number}",
                "body": body, "state": "OPEN", "labels": [], "assignees": [],
                "createdAt": ago(500), "updatedAt": ago(5),
                "url": f"https://github.com/huggingface/diffusers/issues/{number}",
                "author": {"login": "reporter"},
                "comments": [{"body": body, "author": {"login": login}, "createdAt": ago(days),
                              "authorAssociation": "NONE"} for body, login, days in said]}

    dump = tmp_path / "issues.json"
    dump.write_text(json.dumps([
        post(1, ("Hi! I'd like to work on this, can I take it?", "newbie", 400),
             ("Any update on this?", "other", 100)),
        post(2, ("I'd like to work on this.", "busy", 60), ("Still on it, PR soon.", "busy", 10)),
        # an issue of many parts (a task list): a claim takes one of them
        post(3, ("I'd like to work on Bark.", "part", 2), body=samples.MANY_PARTS),
    ]), encoding="utf-8")
    assert run("triage", "diffusers", "--import", str(dump), "--json", "--beginner") == 0
    captured = capsys.readouterr()
    listed = {o["number"]: o for o in json.loads(captured.out)}
    assert sorted(listed) == [1, 3]
    assert (listed[1]["claimed_by"], listed[1]["claimant_quiet_days"]) == ("@newbie", 400)
    err = " ".join(captured.err.split())
    assert "left out 1 issue(s) someone is already on: #2 (claimed by @busy in a comment)" in err
    assert "listed though claimed, 1 issue(s) whose claimant has said nothing for 30 days or " \
           "more: #1 (@newbie, 13 months); say in the issue that you are taking it over" in err
    assert "listed though claimed, 1 issue(s) of many parts, a claim taking one: #3 (@part; 4 " \
           "parts open); pick a part nobody has taken" in err


# real posts of transformers and diffusers: (title, body, whether it tells no task)
NO_TASK_POSTS = [
    ("[SPAM]", "-", True),
    ("Hi", "Hello", True),
    ("accelerate config", "removed", True),
    ("[spam message]", "-- spam --", True),
    # a post that says nothing, under a title that names code: the title tells the task
    ("Fix slow test_enro_generate", "see https://user-images.githubusercontent.com/1/2.png",
     False),
    ("snr_gamma , captions to train_dreambooth.py", "...", False),
    # a post that says something
    ("mistake, closing", "my bad, logged in as wrong user", False),
]


@pytest.mark.parametrize(("title", "body", "empty"), NO_TASK_POSTS)
def test_a_post_that_tells_no_task(title: str, body: str, empty: bool) -> None:
    issue = samples.issue(1, title, body)
    f = features.extract(issue, load("transformers"))
    assert rank.tells_no_task(scoring.assess(issue, f)) is empty


def test_beginner_leaves_out_issues_that_tell_no_task_and_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # an import of real posts of transformers, spam and greetings among them, listed them
    # for a beginner ("Hi" then "Hello" in the easy band)
    records = json.loads(FIXTURE.read_text())
    posts = [{**records[0], "number": 900 + k, "title": title, "body": body}
             for k, (title, body, _) in enumerate(NO_TASK_POSTS)]
    path = tmp_path / "posts.json"
    path.write_text(json.dumps(records + posts))
    run("triage", "diffusers", "--import", str(path))
    capsys.readouterr()
    assert run("triage", "diffusers", "--json") == 0
    every = {o["number"] for o in json.loads(capsys.readouterr().out)}
    assert {900, 901, 902, 903} <= every  # listed without --beginner
    assert run("triage", "diffusers", "--json", "--beginner") == 0
    captured = capsys.readouterr()
    listed = {o["number"] for o in json.loads(captured.out)}
    assert not listed & {900, 901, 902, 903}
    said = " ".join(captured.err.split())
    line = "left out 4 issue(s) that tell no task (the post says nothing beyond its form's " \
           "prompts and a title that names no code): "
    assert line in said
    assert set(said.split(line)[1].split("\n")[0].split(", ")[:4]) == {"#900", "#901", "#902",
                                                                        "#903"}


def test_beginner_leaves_out_unfilled_issue_forms_the_stored_posts_share(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Real imports of transformers posts listed unfilled "[Benchmark]" forms for a beginner
    (12 in 100 posts of one labelled set): their prompts are words."""
    from tests.triage.test_boilerplate import FILLED, FORM

    records = json.loads(FIXTURE.read_text())
    forms = [{**records[0], "number": 950 + k, "title": "[Benchmark]", "body": body}
             for k, body in enumerate([FORM, FORM, FORM, FILLED])]
    path = tmp_path / "forms.json"
    path.write_text(json.dumps(records + forms))
    run("triage", "diffusers", "--import", str(path))
    capsys.readouterr()
    assert run("triage", "diffusers", "--json", "--beginner") == 0
    captured = capsys.readouterr()
    listed = {o["number"] for o in json.loads(captured.out)}
    assert not listed & {950, 951, 952}
    said = " ".join(captured.err.split())
    line = "left out 3 issue(s) that tell no task (the post says nothing beyond its form's " \
           "prompts and a title that names no code): "
    assert line in said
    assert sorted(said.split(line)[1].split(", ")[:3]) == ["#950", "#951", "#952"]
    assert run("triage", "diffusers", "--json") == 0  # without --beginner: all listed
    assert {950, 951, 952} <= {o["number"] for o in json.loads(capsys.readouterr().out)}


def test_import_of_odd_values_skips_them_and_the_store_stays_readable(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = json.loads(FIXTURE.read_text())
    odd = [{**good[0], "number": "abc"}, {**good[1], "createdAt": "yesterday"},
           {**good[2], "comments": "many"}, {**good[3], "body": None, "number": "304"}]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(odd))
    assert harness_cli.main(["triage", "diffusers", "--import", str(path)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "skipped item 0 (#abc): number 'abc' is not a number" in err
    assert "skipped item 1 (#302): createdAt 'yesterday' is not an ISO 8601 date" in err
    assert "skipped item 2 (#303): comments 'many' is not a count" in err
    assert "imported 1 issues of huggingface/diffusers; skipped 3 bad records" in err
    assert harness_cli.main(["issue", "diffusers", "304"]) == 0
    # rows an older harness stored unchecked do not break later commands
    with store.opened() as conn:
        conn.execute("INSERT INTO issues (repo, number, title, body, state, labels, created_at,"
                     " updated_at) VALUES ('huggingface/diffusers', 5, 't', 'b', 'open', "
                     "'not json', 'yesterday', 'later')")
    capsys.readouterr()
    assert harness_cli.main(["triage", "diffusers", "--json"]) == 0
    assert {o["number"] for o in json.loads(capsys.readouterr().out)} == {5, 304}
    assert harness_cli.main(["issue", "diffusers", "5"]) == 0


def test_bad_data_never_crashes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = json.loads(FIXTURE.read_text())[0]
    odd = [
        {**base, "number": 1, "body": None},
        {**base, "number": 2, "body": "x" * 50_000 + "\n```\n" + "Traceback\n" * 3000},
        {**base, "number": 3, "title": "分词器解码丢失空格",
         "body": "使用 from_pretrained 加载后解码丢失空格。" * 20},
        {**base, "number": 4, "createdAt": "2025-01-01", "updatedAt": "2025-01-02"},
        {**base, "number": 5, "labels": "bug", "assignees": [None, 3], "author": "x"},
    ]
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(odd))
    assert harness_cli.main(["triage", "diffusers", "--import", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(o["number"] for o in out) == [1, 2, 3, 4, 5]
    assert all(o["reasons"] for o in out)  # every issue with its reasons


@pytest.mark.parametrize("argv", [["triage", "--help"], ["triage", "diffusers", "--sync"]])
def test_a_missing_pygithub_is_said_not_hidden(argv: list[str]) -> None:
    """The GitHub client is imported by the command that syncs (building the command line
    no longer imports it): its absence is told there, in one line."""
    code = ("import sys; sys.modules['github'] = None\n"
            f"from harness.cli import main\nraise SystemExit(main({argv!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    if "--help" in argv:
        assert done.returncode == 0, done.stderr
        return
    assert done.returncode == 2, done.stderr
    assert "the Python package 'github' that harness needs is missing" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_the_table_tells_a_likely_gpu_from_a_possible_one() -> None:
    a, b, c = rank.assess_all(load("transformers"), [
        samples.issue(n, "t", samples.LLAMA_FSDP) for n in (1, 2, 3)])
    likely = a._replace(needs_gpu=True, gpu_score=0.9)
    maybe = b._replace(needs_gpu=True, gpu_score=0.2)
    neither = c._replace(needs_gpu=False, gpu_score=0.05)
    assert [report.gpu_word(x) for x in (likely, maybe, neither)] == ["yes", "maybe", ""]
    console = Console(record=True, width=120)
    report.table(console, "r", [likely, maybe, neither], report.Counts(3))
    rows = {line.split()[1]: line for line in console.export_text().splitlines()
            if line.startswith("│") and line.split()[1].isdigit()}
    assert "│ yes" in rows["1"] and "│ maybe" in rows["2"]
    assert "yes" not in rows["3"] and "maybe" not in rows["3"]
