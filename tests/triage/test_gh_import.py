"""Reading `gh issue list --json ...` output."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.triage import gh_import

FIXTURE = Path(__file__).parent / "data" / "gh_issues.json"
REPO = "huggingface/diffusers"


def test_reads_the_fixture() -> None:
    found = {i.number: i for i in gh_import.load(str(FIXTURE), REPO).issues}
    assert sorted(found) == [301, 302, 303, 304]
    ddim = found[301]
    assert ddim.labels == ("bug", "good first issue") and ddim.state == "open"
    assert ddim.comments == 2 and ddim.author == "reporter" and ddim.source == "gh"
    assert ddim.url == "https://github.com/huggingface/diffusers/issues/301"
    assert found[303].assignees == ("someone",)
    assert found[304].linked_prs == (310,)
    assert not any(i.is_pull for i in found.values())


def test_line_ends_of_the_web_page_are_made_plain(tmp_path: Path) -> None:
    record = {"number": 5, "title": "Bug\r\n", "url": f"https://github.com/{REPO}/issues/5",
              "createdAt": "2024-05-01T00:00:00Z", "body": "### System Info\r\n\r\nx\ry",
              "comments": [{"body": "on it\r\nsoon", "author": {"login": "a"}}]}
    path = tmp_path / "gh.json"
    path.write_text(json.dumps([record]))
    loaded = gh_import.load(str(path), REPO)
    [issue] = loaded.issues
    assert (issue.title, issue.body) == ("Bug\n", "### System Info\n\nx\ny")
    assert [c.body for c in loaded.comments] == ["on it\nsoon"]


def test_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(FIXTURE.read_text()))
    assert len(gh_import.load("-", REPO).issues) == 4


def test_pull_requests_from_gh_pr_list(tmp_path: Path) -> None:
    pr = {"number": 9, "title": "Fix #301", "body": "fixes #301", "state": "OPEN",
          "url": "https://github.com/huggingface/diffusers/pull/9",
          "createdAt": "2025-01-01T00:00:00Z", "updatedAt": "2025-01-02T00:00:00Z"}
    path = tmp_path / "prs.json"
    path.write_text(json.dumps([pr]))
    (item,) = gh_import.load(str(path), REPO).issues
    assert item.is_pull and item.labels == () and item.comments == 0


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not JSON"),
    ("", "not JSON"),
    ("[]\n5", "expected a JSON list"),
    ('[{"number": 1, "title": "t"}] [{"x"', "not JSON"),
    ('{"number": 1}', r"item 0 \(#1\): has no title, createdAt, url$"),
    ("[1]", "no usable record; item 0: is not an object"),
    ('[{"number": 1, "title": "t"}]', r"item 0 \(#1\): has no createdAt, url$"),
])
def test_bad_input(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "issues.json"
    path.write_text(content)
    with pytest.raises(HarnessError, match=message):
        gh_import.load(str(path), REPO)


def test_one_record_a_line_or_lists_one_after_another(tmp_path: Path) -> None:
    """What ``gh issue list --json ... --jq '.[]'`` writes (one object a line), lists
    written one after the other, and the list after a byte-order mark: the same issues as
    the list."""
    records = json.loads(FIXTURE.read_text())
    lines = tmp_path / "issues.jsonl"
    lines.write_text("".join(json.dumps(r) + "\n" for r in records))
    pages = tmp_path / "pages.json"
    pages.write_text(json.dumps(records[:1]) + json.dumps(records[1:]) + "\n")
    whole = gh_import.load(str(FIXTURE), REPO).issues
    assert gh_import.load(str(lines), REPO).issues == whole
    assert gh_import.load(str(pages), REPO).issues == whole
    marked = tmp_path / "bom.json"
    marked.write_text(FIXTURE.read_text(), encoding="utf-8-sig")
    assert gh_import.load(str(marked), REPO).issues == whole


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="cannot read"):
        gh_import.load(str(tmp_path / "nope.json"), REPO)


def test_issues_of_another_repository() -> None:
    with pytest.raises(HarnessError, match="holds issues of huggingface/diffusers, not a/b"):
        gh_import.load(str(FIXTURE), "a/b")
    assert len(gh_import.load(str(FIXTURE), "demo", check=False).issues) == 4


GOOD = {"number": 7, "title": "fine", "url": "https://github.com/huggingface/diffusers/issues/7",
        "createdAt": "2025-01-01T00:00:00Z", "updatedAt": "2025-01-02T00:00:00Z"}


@pytest.mark.parametrize(("bad", "why"), [
    ({"number": "abc"}, "number 'abc' is not a number"),
    ({"createdAt": "yesterday"}, "createdAt 'yesterday' is not an ISO 8601 date"),
    ({"comments": "many"}, "comments 'many' is not a count"),
    ({"updatedAt": 5}, "updatedAt 5 is not a date"),
    ({"number": True}, "number True is not a number"),
])
def test_odd_values_are_skipped_with_a_reason(tmp_path: Path, bad: dict[str, object],
                                               why: str) -> None:
    path = tmp_path / "issues.json"
    path.write_text(json.dumps([GOOD, {**GOOD, "number": 8, **bad}]))
    got = gh_import.load(str(path), REPO)
    assert [i.number for i in got.issues] == [7]
    assert len(got.skipped) == 1 and got.skipped[0].startswith("item 1 ")
    assert got.skipped[0].endswith(why)


def test_lenient_values_are_normalised(tmp_path: Path) -> None:
    raw = {**GOOD, "number": "12", "createdAt": "2025-01-01", "comments": "3", "body": None,
           "updatedAt": "2025-01-02T03:04:05+02:00", "labels": [{"name": None}, "x"]}
    path = tmp_path / "issues.json"
    path.write_text(json.dumps([raw]))
    (issue,) = gh_import.load(str(path), REPO).issues
    assert issue.number == 12 and issue.comments == 3 and issue.body == ""
    assert issue.created_at == "2025-01-01T00:00:00Z"
    assert issue.updated_at == "2025-01-02T01:04:05Z"  # in UTC
    assert issue.labels == ()


def test_a_shorter_field_list_without_updated_at_is_read(tmp_path: Path) -> None:
    # `gh issue list --json number,title,body,labels,createdAt,url` (no updatedAt)
    path = tmp_path / "issues.json"
    path.write_text(json.dumps([{k: v for k, v in GOOD.items() if k != "updatedAt"}]))
    (issue,) = gh_import.load(str(path), REPO).issues
    assert issue.updated_at == issue.created_at == "2025-01-01T00:00:00Z"


def test_gh_comments_are_kept(tmp_path: Path) -> None:
    raw = {**GOOD, "comments": [
        {"id": "IC_1", "author": {"login": "newbie"}, "authorAssociation": "NONE",
         "body": "Hi! Can I take this?", "createdAt": "2025-01-02T00:00:00Z"}, "junk"]}
    path = tmp_path / "issues.json"
    path.write_text(json.dumps([raw]))
    got = gh_import.load(str(path), REPO)
    assert got.issues[0].comments == 2
    (c,) = got.comments
    assert (c.repo, c.number, c.author, c.association) == (REPO, 7, "newbie", "NONE")
