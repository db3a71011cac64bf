"""Fetch a repository's issues from GitHub's REST API through PyGithub, incrementally.

Every sync starts with one *probe*: the first page of all issues, newest update first,
sent with ``If-None-Match`` and the ETag of the last complete sync.  GitHub answers 304
(free: it does not count against the rate limit) when nothing changed, and the sync ends
there.  Otherwise the probe's page is stored and, where it does not reach back to the
last sync, the issues updated ``since`` then are read too.  A first sync reads the open
issues and those closed in the last :data:`CLOSED_DAYS` days instead.  Comments come from
the repository-wide listing ``/issues/comments?since=`` (the last sync; a first sync reads
the last :data:`COMMENT_DAYS` days): a new comment changes its issue, so a 304 probe also
means no new comment.

Each page is stored with the place to continue from in one transaction, so a sync cut
short by the rate limit keeps what it read and goes on from there the next time.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, NamedTuple

import requests
from github import Auth, Github
from github.GithubException import GithubException
from urllib3.util.retry import Retry

from harness import store
from harness.errors import HarnessError
from harness.triage import comments, github_errors, issues, sync_state, validate
from harness.triage.comments import Comment
from harness.triage.issues import Issue
from harness.triage.sync_state import Pending, Phase, SyncState

log = logging.getLogger("harness.triage.sync")

API_URL = "https://api.github.com"
PER_PAGE = 100  # GitHub's maximum
CLOSED_DAYS = 30  # a first sync also reads the issues closed this recently
# and the comments of this many days: older claims no longer hold (comments.QUIET_DAYS);
# each page of 100 comments is a request, and transformers gets a few thousand a month
COMMENT_DAYS = comments.QUIET_DAYS
PROBE = {"state": "all", "sort": "updated", "direction": "desc"}
PROBE_KEY = "issues?state=all&sort=updated&direction=desc"  # sync_state.query
PAUSE = 0.25  # seconds between requests, as PyGithub does by default
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class SyncResult(NamedTuple):
    repo: str
    stored: int  # issues and pull requests written (each counted once)
    requests: int
    not_modified: int  # requests answered 304 (free)
    rate_cost: int  # requests that count against the rate limit
    rate_remaining: int | None  # as GitHub last reported it


class _Tally:
    def __init__(self) -> None:
        self.requests = self.not_modified = 0
        self.stored: set[int] = set()  # numbers written
        self.remaining: int | None = None
        self.skipped = 0  # items of a page that are not issues or comments


def token_from_env() -> str | None:
    for name in ("GITHUB_TOKEN", "GH_TOKEN"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def api_url(base_url: str | None = None) -> str:
    """``--base-url``, else ``$GITHUB_API_URL`` (GitHub Enterprise), else api.github.com."""
    return (base_url or os.environ.get("GITHUB_API_URL") or API_URL).rstrip("/")


def client(base_url: str, token: str | None, *, pause: float | None = PAUSE) -> Github:
    # retry server errors only: a rate limit must stop the sync, not sleep until the reset
    retry = Retry(total=3, connect=1, backoff_factor=0.5, status_forcelist=(500, 502, 503, 504),
                  allowed_methods=("GET",), raise_on_status=False)
    return Github(auth=Auth.Token(token) if token else None, base_url=base_url,
                  per_page=PER_PAGE, retry=retry, seconds_between_requests=pause)


def to_issue(repo: str, raw: Any) -> Issue:
    """An item of ``GET /repos/{owner}/{repo}/issues`` (issue or pull request);
    :class:`~harness.triage.validate.BadValue` when it is not one."""
    if not isinstance(raw, dict):
        raise validate.BadValue("not an object")
    user = raw.get("user")
    return Issue(
        repo=repo, number=validate.number(raw.get("number")),
        title=validate.prose(raw.get("title")), body=validate.prose(raw.get("body")),
        state=validate.text(raw.get("state") or "open"),
        labels=tuple(validate.text(lb.get("name")) for lb in _list(raw.get("labels"))
                     if isinstance(lb, dict)),
        assignees=tuple(validate.text(a.get("login")) for a in _list(raw.get("assignees"))
                        if isinstance(a, dict)),
        author=validate.text(user.get("login")) if isinstance(user, dict) else "",
        comments=validate.count(raw.get("comments")),
        created_at=validate.when(raw.get("created_at"), "created_at"),
        updated_at=validate.when(raw.get("updated_at"), "updated_at"),
        closed_at=validate.when(raw["closed_at"], "closed_at") if raw.get("closed_at") else None,
        url=validate.text(raw.get("html_url")), is_pull="pull_request" in raw, source="github",
    )


def to_comment(repo: str, raw: Any) -> Comment:
    """An item of ``GET /repos/{owner}/{repo}/issues/comments``."""
    if not isinstance(raw, dict):
        raise validate.BadValue("not an object")
    number = validate.number(validate.text(raw.get("issue_url")).rpartition("/")[2],
                             "issue_url")
    user = raw.get("user")
    return Comment(repo, number, validate.text(raw.get("id")),
                   validate.text(user.get("login")) if isinstance(user, dict) else "",
                   validate.text(raw.get("author_association")).upper(),
                   validate.prose(raw.get("body")),
                   validate.when(raw.get("created_at"), "created_at"))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _parse(tally: _Tally, convert: Any, repo: str, page: list[Any] | None) -> list[Any]:
    found = []
    for raw in page or ():
        try:
            found.append(convert(repo, raw))
        except validate.BadValue as e:
            tally.skipped += 1
            log.debug("skipped an item of %s: %s", repo, e)
    return found


def sync(
    conn: sqlite3.Connection,
    repo: str,
    *,
    base_url: str | None = None,
    token: str | None = None,
    now: datetime | None = None,
    pause: float | None = PAUSE,
) -> SyncResult:
    """Bring the stored issues of ``repo`` ("owner/name") up to date with GitHub."""
    url = api_url(base_url)
    gh = client(url, token, pause=pause)
    state = sync_state.load(conn, repo, PROBE_KEY, url)
    tally = _Tally()
    try:
        _run(conn, gh, state, tally, now or datetime.now(timezone.utc))
    except GithubException as e:
        raise github_errors.explain(e, repo, url, issues.count(conn, repo),
                                    token is not None) from None
    except requests.RequestException as e:
        raise HarnessError(f"cannot reach {url}: {github_errors.why_unreachable(e)}",
                           hint="check the network, or --base-url") from None
    except json.JSONDecodeError as e:
        raise HarnessError(f"{url} answered broken JSON ({e.msg})",
                           hint="a proxy in the way? check the network, or --base-url") from None
    if tally.skipped:
        log.info("%s: skipped %d items that were not issues or comments", repo, tally.skipped)
    cost = tally.requests - tally.not_modified
    return SyncResult(repo, len(tally.stored), tally.requests, tally.not_modified, cost,
                      tally.remaining)


def _run(conn: sqlite3.Connection, gh: Github, state: SyncState, tally: _Tally,
         now: datetime) -> None:
    path = f"/repos/{state.repo}/issues"
    pending = state.pending
    if pending is None:
        headers, page = _get(gh, path, PROBE, state.etag, tally)
        if page is None:  # 304: nothing changed since the last complete sync
            _save(conn, replace(state, synced_at=now.strftime(TIME_FORMAT)), [], tally)
            return
        items = _parse(tally, to_issue, state.repo, page)
        newest = max((i.updated_at for i in items), default=state.last_sync)
        pending = Pending(headers.get("etag"), newest,
                          _plan(state, items, "next" in _links(headers), now))
        _save(conn, replace(state, pending=pending), items, tally)
    while pending.phases:
        phase, rest = pending.phases[0], pending.phases[1:]
        headers, page = _get(gh, phase.next_url or f"/repos/{state.repo}/{phase.path}",
                             None if phase.next_url else phase.params, None, tally)
        following = _links(headers).get("next")
        pending = replace(pending, phases=(replace(phase, next_url=following), *rest)
                          if following else rest)
        if phase.path == "issues":
            _save(conn, replace(state, pending=pending),
                  _parse(tally, to_issue, state.repo, page), tally)
        else:
            _save(conn, replace(state, pending=pending), [], tally,
                  _parse(tally, to_comment, state.repo, page))
    done = replace(state, etag=pending.etag, last_sync=pending.high_water,
                   synced_at=now.strftime(TIME_FORMAT), pending=None)
    _save(conn, done, [], tally)


def _plan(state: SyncState, probe: list[Issue], more: bool, now: datetime) -> tuple[Phase, ...]:
    """The listings still to read after the probe's first page."""
    if state.last_sync is None:
        since = (now - timedelta(days=CLOSED_DAYS)).strftime(TIME_FORMAT)
        said = (now - timedelta(days=COMMENT_DAYS)).strftime(TIME_FORMAT)
        return (Phase({"state": "open"}), Phase({"state": "closed", "since": since}),
                _comments_since(said))
    if not probe:
        return ()
    if not more or any(i.updated_at < state.last_sync for i in probe):
        return (_comments_since(state.last_sync),)  # the probe's page reaches back far enough
    # the same order as the probe, so its first page is the probe's: start at the second
    return (Phase({**PROBE, "since": state.last_sync, "page": "2"}),
            _comments_since(state.last_sync))


def _comments_since(since: str) -> Phase:
    return Phase({"sort": "updated", "direction": "asc", "since": since},
                 path="issues/comments")


def _get(gh: Github, url: str, params: dict[str, str] | None, etag: str | None,
         tally: _Tally) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """One GET; the page's items, or None for a 304."""
    tally.requests += 1
    query = None if params is None else {**params, "per_page": PER_PAGE}
    headers, data = gh.requester.requestJsonAndCheck(
        "GET", url, parameters=query, headers={"If-None-Match": etag} if etag else None,
    )
    if data is not None and not isinstance(data, list):
        # PyGithub wraps a body that is not JSON as {"data": text}: a proxy, a login page
        kind = "an HTML page" if "<html" in str(data)[:2000].lower() else \
            "not a list of issues"
        raise HarnessError(f"GitHub's answer to {url} was {kind}, not a JSON list",
                           hint="a proxy or captive portal in the way? check the network, "
                                "or --base-url")
    remaining = headers.get("x-ratelimit-remaining")
    tally.remaining = int(remaining) if remaining is not None else tally.remaining
    if data is None:
        tally.not_modified += 1
    log.debug("GET %s %s: %s", url, query or "", "304" if data is None else len(data))
    return headers, data


def _save(conn: sqlite3.Connection, state: SyncState, items: list[Issue],
          tally: _Tally, said: list[Comment] | None = None) -> None:
    with store.transaction(conn):
        issues.save(conn, items)
        comments.save(conn, said or [])
        tally.stored.update(i.number for i in items)
        sync_state.save(conn, state)


def _links(headers: dict[str, Any]) -> dict[str, str]:
    """The ``Link`` header as {rel: url}."""
    found: dict[str, str] = {}
    for part in str(headers.get("link", "")).split(","):
        url, _, rel = part.partition(";")
        rel = rel.strip()
        if url.strip().startswith("<") and rel.startswith('rel="'):
            found[rel[5:-1]] = url.strip()[1:-1]
    return found
