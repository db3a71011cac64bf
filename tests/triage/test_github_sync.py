"""The GitHub sync, driven through the real PyGithub client against a local server."""
from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timezone

import pytest

from harness import store
from harness.errors import HarnessError
from harness.recipes import load
from harness.triage import comments, features, github_sync, issues, sync_state
from tests.triage.github_server import GitHubServer, make_comment, make_issue

REPO = "huggingface/peft"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)


def day(n: int) -> str:
    return f"2024-05-{n:02d}T12:00:00Z"


def repo_items(count: int = 250) -> list[dict[str, object]]:
    """Issues 1..count updated over May; every 7th a pull request, every 5th closed."""
    return [make_issue(n, updated_at=day(1 + n % 28), pull=n % 7 == 0,
                       state="closed" if n % 5 == 0 else "open") for n in range(1, count + 1)]


def sync(conn: sqlite3.Connection, server: GitHubServer,
         token: str | None = None) -> github_sync.SyncResult:
    return github_sync.sync(conn, REPO, base_url=server.url, token=token, now=NOW, pause=None)


def test_first_sync_then_resync_of_unchanged_repo_costs_nothing(github: GitHubServer) -> None:
    github.fake.issues[REPO] = repo_items()
    with store.opened() as conn:
        first = sync(conn, github)
        # probe, 2 pages of open, 1 of recently closed, 1 of recent comments
        assert first.requests == 5
        assert first.rate_cost == 5 and first.not_modified == 0
        stored = issues.load(conn, REPO)
        assert len(stored) == 249  # all but #140: closed before the last 30 days
        assert sum(i.is_pull for i in stored) == 34
        assert issues.count(conn, REPO) == 215  # issues, pull requests apart
        github.fake.clear()
        again = sync(conn, github)
    assert github.fake.statuses() == [304]
    assert (again.requests, again.not_modified, again.rate_cost, again.stored) == (1, 1, 0, 0)
    assert again.rate_remaining == first.rate_remaining


def test_resync_reads_only_what_changed_since_the_last_sync(github: GitHubServer) -> None:
    github.fake.issues[REPO] = repo_items()
    with store.opened() as conn:
        sync(conn, github)
        changed = make_issue(3, title="renamed", updated_at="2024-05-30T09:00:00Z")
        github.fake.issues[REPO][2] = changed
        github.fake.clear()
        result = sync(conn, github)
        # the probe's page holds the change; then the comments since the last sync
        assert github.fake.statuses() == [200, 200]
        assert github.fake.requests[1].path.endswith("/issues/comments")
        assert result.rate_cost == 2
        assert [i.title for i in issues.load(conn, REPO) if i.number == 3] == ["renamed"]
        github.fake.clear()
        assert sync(conn, github).rate_cost == 0  # and unchanged again: free


def test_incremental_sync_uses_since_when_the_probe_is_not_enough(
        github: GitHubServer) -> None:
    github.fake.issues[REPO] = repo_items()
    with store.opened() as conn:
        sync(conn, github)
        last = sync_state.load(conn, REPO, github_sync.PROBE_KEY, github.url).last_sync
        for raw in github.fake.issues[REPO][:150]:  # more changes than one page
            raw["updated_at"] = "2024-05-31T08:00:00Z"
        github.fake.clear()
        sync(conn, github)
    queries = [r.query for r in github.fake.requests]
    assert len(queries) == 3  # and the comments since the last sync
    assert queries[2]["since"] == last
    assert "since" not in queries[0]  # the probe: the 100 most recently updated
    # then what changed since the last sync, from the second page (the first is the probe's)
    assert queries[1]["since"] == last and queries[1]["state"] == "all"
    assert queries[1]["page"] == "2"
    with store.opened() as conn:
        assert sum(i.updated_at == "2024-05-31T08:00:00Z" for i in issues.load(conn, REPO)) == 150


def test_first_sync_reads_open_issues_and_recently_closed(github: GitHubServer) -> None:
    github.fake.issues[REPO] = repo_items(250)
    with store.opened() as conn:
        sync(conn, github)
    phases = [r.query for r in github.fake.requests[1:]]
    assert phases[0]["state"] == "open" and "since" not in phases[0]
    assert phases[-2]["state"] == "closed" and phases[-2]["since"] == "2024-05-02T00:00:00Z"
    assert github.fake.requests[-1].path.endswith("/issues/comments")
    assert phases[-1]["since"] == "2024-05-02T00:00:00Z"  # COMMENT_DAYS before NOW


def test_rate_limit_stops_cleanly_and_the_next_sync_resumes(github: GitHubServer) -> None:
    github.fake.issues[REPO] = repo_items()
    github.fake.limited_after = 2  # the probe and the first page of open issues get through
    with store.opened() as conn:
        with pytest.raises(HarnessError) as e:
            sync(conn, github)
        count = issues.count(conn, REPO)
        assert count > 0
        reset = datetime.fromtimestamp(github.fake.reset, timezone.utc)
        assert str(e.value) == (f"GitHub rate limit reached; {count} issues stored; "
                                f"retry after {reset:%H:%M} (UTC)")
        assert "\n" not in str(e.value)
        assert e.value.hint and "GITHUB_TOKEN" in e.value.hint
        state = sync_state.load(conn, REPO, github_sync.PROBE_KEY, github.url)
        assert state.etag is None and state.pending is not None
        assert state.pending.phases[0].next_url and "page=2" in state.pending.phases[0].next_url

        github.fake.limited_after = None
        github.fake.remaining = 60
        github.fake.clear()
        sync(conn, github)
        # no probe: the second page of open issues, the closed ones, the comments
        assert [r.query.get("page") for r in github.fake.requests] == ["2", None, None]
        assert len(issues.load(conn, REPO)) == 249
        github.fake.clear()
        assert sync(conn, github).rate_cost == 0


def test_token_is_sent_but_never_shown_logged_or_stored(
        github: GitHubServer, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    token = "ghp_SECRETtoken1234567890abcdefABCDEF"
    github.fake.issues[REPO] = repo_items(30)
    caplog.set_level(logging.DEBUG)
    with store.opened() as conn:
        sync(conn, github, token=token)
        github.fake.limited_after = 0
        github.fake.issues[REPO][0]["updated_at"] = "2024-05-31T00:00:00Z"
        with pytest.raises(HarnessError) as e:
            sync(conn, github, token=token)
        dump = "\n".join(conn.iterdump())
    assert github.fake.requests[0].authorization == f"token {token}"
    seen = [dump, str(e.value), str(e.value.hint), *capsys.readouterr()]
    seen += [r.getMessage() for r in caplog.records]
    assert any("GET" in r.getMessage() for r in caplog.records)  # PyGithub did log
    assert not [s for s in seen if token in s]


def test_enterprise_base_url(github: GitHubServer) -> None:
    github.fake.issues[REPO] = repo_items(10)
    with store.opened() as conn:
        github_sync.sync(conn, REPO, base_url=f"{github.url}/api/v3", now=NOW, pause=None)
        assert issues.count(conn, REPO) == 9


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "https://ghe.example.com/api/v3/")
    assert github_sync.api_url() == "https://ghe.example.com/api/v3"
    assert github_sync.api_url("http://127.0.0.1:1") == "http://127.0.0.1:1"


def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert github_sync.token_from_env() is None
    monkeypatch.setenv("GH_TOKEN", "b")
    assert github_sync.token_from_env() == "b"
    monkeypatch.setenv("GITHUB_TOKEN", "a")
    assert github_sync.token_from_env() == "a"


def test_unknown_repository(github: GitHubServer) -> None:
    with store.opened() as conn, pytest.raises(HarnessError, match="has no repository"):
        sync(conn, github)


def test_unreachable_server() -> None:
    """One line that says why, as the system put it, not requests' wrapper class."""
    with store.opened() as conn, pytest.raises(HarnessError) as e:
        github_sync.sync(conn, REPO, base_url="http://127.0.0.1:9", pause=None)
    assert e.value.message.startswith("cannot reach http://127.0.0.1:9: [Errno ")
    assert e.value.message.endswith("Connection refused"), e.value.message


def test_comments_are_synced_and_kept(github: GitHubServer) -> None:
    github.fake.issues[REPO] = repo_items(10)
    github.fake.comments[REPO] = [
        make_comment(3, "Hi, I'd like to work on this!", login="newbie"),
        make_comment(4, "A PR is welcome.", login="maint", association="MEMBER",
                     comment_id=7000),
        make_comment(4, "old", created_at="2023-01-01T00:00:00Z", comment_id=7001),
    ]
    with store.opened() as conn:
        sync(conn, github)
        said = comments.load(conn, REPO)
    assert sorted(said) == [3, 4]  # the comment older than COMMENT_DAYS is not read
    assert said[3][0].author == "newbie" and said[3][0].association == "NONE"
    assert comments.claimed_by(said[3]) == "@newbie" and comments.claimed_by(said[4]) == ""
    assert comments.maintainer_state(said[4]) == "agreed"


def test_a_post_written_in_the_web_page_is_read_as_one_sent_through_the_api(
        github: GitHubServer) -> None:
    """GitHub returns a post written or edited in its web page with "\\r\\n" line ends:
    its System Info heading was then no section, and the reporter's A100 was read as what
    the bug needs."""
    post = ("### System Info\n\n- GPU: 8x A100 80GB\n- `transformers` version: 4.40.0\n\n"
            "### Reproduction\n\n```python\nfrom transformers import AutoTokenizer\n"
            "tok = AutoTokenizer.from_pretrained('bert-base-uncased')\n```\nThe decode drops "
            "a space.")
    github.fake.issues[REPO] = [make_issue(1, body=post.replace("\n", "\r\n")),
                                make_issue(2, body=post)]
    github.fake.comments[REPO] = [make_comment(1, "I'd like to work on this!\r\nThanks")]
    with store.opened() as conn:
        sync(conn, github)
        web, api = sorted(issues.load(conn, REPO), key=lambda i: i.number)
        said = comments.load(conn, REPO)
    assert web.body == api.body == post
    assert said[1][0].body == "I'd like to work on this!\nThanks"
    recipe = load("peft")
    read = features.extract(web, recipe, now=NOW).hardware
    assert read == features.extract(api, recipe, now=NOW).hardware
    assert "sys_multi_gpu" in read and "multi_gpu" not in read  # the reporter's, not the bug's


@pytest.mark.parametrize("portal", [
    "<html><body>Please log in to the hotel Wi-Fi</body></html>", '{"message": "hi"}', "oops"])
def test_a_200_that_is_not_an_issue_list_is_one_clear_line(github: GitHubServer,
                                                           portal: str) -> None:
    github.fake.issues[REPO] = repo_items(10)
    github.fake.portal = portal
    with store.opened() as conn, pytest.raises(HarnessError) as e:
        sync(conn, github)
    assert e.value.exit_code == 2 and "\n" not in str(e.value)
    assert "not a JSON list" in str(e.value) and e.value.hint and "proxy" in e.value.hint
    assert ("an HTML page" in str(e.value)) == portal.startswith("<html")


def test_broken_json_is_one_clear_line(github: GitHubServer) -> None:
    github.fake.issues[REPO] = repo_items(10)
    github.fake.portal = '[{"number": 1,'
    with store.opened() as conn, pytest.raises(HarnessError, match="answered broken JSON"):
        sync(conn, github)


def test_items_that_are_not_issues_are_skipped(github: GitHubServer) -> None:
    bad_date = make_issue(2, created_at="yesterday")
    github.fake.issues[REPO] = [make_issue(1), bad_date, make_issue(3)]
    github.fake.issues[REPO][2]["number"] = "3"  # a number as a string is still a number
    with store.opened() as conn:
        sync(conn, github)
        assert [i.number for i in issues.load(conn, REPO)] == [3, 1]
