"""Fetch a repository's issues from GitHub's REST API through PyGithub, incrementally.

Every sync starts with one *probe*: the first page of all issues, newest update first,
sent with ``If-None-Match`` and the ETag of the last complete sync.  GitHub answers 304
(free: it does not count against the rate limit) when nothing changed, and the sync ends
there.  Otherwise the probe's page is stored and, where it does not reach back to the
last sync, the issues updated ``since`` then are read too.  A first sync reads the open
issues and those closed in the last :data:`CLOSED_DAYS` days instead.

Each page is stored with the place to continue from in one transaction, so a sync cut
short by the rate limit keeps what it read and goes on from there the next time.
"""
from __future__ import annotations

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
from harness.triage import github_errors, issues, sync_state
from harness.triage.issues import Issue
from harness.triage.sync_state import Pending, Phase, SyncState

log = logging.getLogger("harness.triage.sync")

API_URL = "https://api.github.com"
PER_PAGE = 100  # GitHub's maximum
CLOSED_DAYS = 30  # a first sync also reads the issues closed this recently
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


def to_issue(repo: str, raw: dict[str, Any]) -> Issue:
    """An item of ``GET /repos/{owner}/{repo}/issues`` (issue or pull request)."""
    return Issue(
        repo=repo, number=int(raw["number"]), title=raw.get("title") or "",
        body=raw.get("body") or "", state=raw.get("state") or "open",
        labels=tuple(lb["name"] for lb in raw.get("labels") or () if isinstance(lb, dict)),
        assignees=tuple(a["login"] for a in raw.get("assignees") or () if a),
        author=(raw.get("user") or {}).get("login", ""), comments=int(raw.get("comments") or 0),
        created_at=raw["created_at"], updated_at=raw["updated_at"],
        closed_at=raw.get("closed_at"), url=raw.get("html_url") or "",
        is_pull="pull_request" in raw, source="github",
    )


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
        raise HarnessError(f"cannot reach {url}: {type(e).__name__}",
                           hint="check the network, or --base-url") from None
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
        items = [to_issue(state.repo, raw) for raw in page]
        newest = max((i.updated_at for i in items), default=state.last_sync)
        pending = Pending(headers.get("etag"), newest,
                          _plan(state, items, "next" in _links(headers), now))
        _save(conn, replace(state, pending=pending), items, tally)
    while pending.phases:
        phase, rest = pending.phases[0], pending.phases[1:]
        headers, page = _get(gh, phase.next_url or path,
                             None if phase.next_url else phase.params, None, tally)
        following = _links(headers).get("next")
        pending = replace(pending, phases=(Phase(phase.params, following), *rest)
                          if following else rest)
        _save(conn, replace(state, pending=pending),
              [to_issue(state.repo, raw) for raw in page or ()], tally)
    done = replace(state, etag=pending.etag, last_sync=pending.high_water,
                   synced_at=now.strftime(TIME_FORMAT), pending=None)
    _save(conn, done, [], tally)


def _plan(state: SyncState, probe: list[Issue], more: bool, now: datetime) -> tuple[Phase, ...]:
    """The listings still to read after the probe's first page."""
    if state.last_sync is None:
        since = (now - timedelta(days=CLOSED_DAYS)).strftime(TIME_FORMAT)
        return Phase({"state": "open"}), Phase({"state": "closed", "since": since})
    if not more or any(i.updated_at < state.last_sync for i in probe):
        return ()  # the probe's page already reaches back to the last sync
    # the same order as the probe, so its first page is the probe's: start at the second
    return (Phase({**PROBE, "since": state.last_sync, "page": "2"}),)


def _get(gh: Github, url: str, params: dict[str, str] | None, etag: str | None,
         tally: _Tally) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """One GET; the page's items, or None for a 304."""
    tally.requests += 1
    query = None if params is None else {**params, "per_page": PER_PAGE}
    headers, data = gh.requester.requestJsonAndCheck(
        "GET", url, parameters=query, headers={"If-None-Match": etag} if etag else None,
    )
    remaining = headers.get("x-ratelimit-remaining")
    tally.remaining = int(remaining) if remaining is not None else tally.remaining
    if data is None:
        tally.not_modified += 1
    log.debug("GET %s %s: %s", url, query or "", "304" if data is None else len(data))
    return headers, data


def _save(conn: sqlite3.Connection, state: SyncState, items: list[Issue],
          tally: _Tally) -> None:
    with store.transaction(conn):
        issues.save(conn, items)
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
