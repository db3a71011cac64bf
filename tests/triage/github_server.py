"""A local HTTP server that answers like GitHub's REST API for repository issues.

``GET /repos/{owner}/{repo}/issues`` (optionally under ``/api/v3``, as GitHub Enterprise
serves it) with ``state``, ``since``, ``sort``, ``direction``, ``per_page`` and ``page``;
``GET /repos/{owner}/{repo}/issues/comments`` with ``since``, ``sort``, ``direction``
and pages; ``GET /repos/{owner}/{repo}/issues/{number}``, one issue or pull request (404
for a number it lacks); ``Link`` pagination, ``ETag`` / ``If-None-Match`` → 304,
``X-RateLimit-*`` on every answer, a switchable 403 rate limit, and a switchable captive
portal (200 with HTML).
Requests are recorded so that tests can say what a sync cost.  Binds to 127.0.0.1 only.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

LIMIT = 60  # GitHub's unauthenticated hourly limit


@dataclass
class Request:
    path: str
    query: dict[str, str]
    status: int
    authorization: str | None


@dataclass
class FakeGitHub:
    """The server's state: its issues, rate limit and the requests it answered."""

    issues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    portal: str | None = None  # a body answered with 200 to every request (a captive portal)
    remaining: int = LIMIT
    reset: int = field(default_factory=lambda: int(time.time()) + 3600)
    limited_after: int | None = None  # answer 403 once this many more requests counted
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def statuses(self) -> list[int]:
        return [r.status for r in self.requests]

    def clear(self) -> None:
        self.requests.clear()


def make_issue(number: int, *, title: str = "", body: str = "", state: str = "open",
               labels: tuple[str, ...] = (), updated_at: str = "2024-05-01T00:00:00Z",
               created_at: str = "2024-04-01T00:00:00Z", pull: bool = False,
               assignees: tuple[str, ...] = (), comments: int = 0,
               repo: str = "huggingface/peft") -> dict[str, Any]:
    kind = "pull" if pull else "issues"
    raw: dict[str, Any] = {
        "url": f"https://api.github.com/repos/{repo}/issues/{number}",
        "html_url": f"https://github.com/{repo}/{kind}/{number}",
        "id": 1000 + number, "number": number, "title": title or f"issue {number}",
        "body": body, "state": state, "user": {"login": "someone", "id": 1},
        "labels": [{"name": n, "color": "ededed"} for n in labels],
        "assignees": [{"login": a} for a in assignees],
        "assignee": {"login": assignees[0]} if assignees else None,
        "comments": comments, "created_at": created_at, "updated_at": updated_at,
        "closed_at": updated_at if state == "closed" else None,
    }
    if pull:
        raw["pull_request"] = {"url": f"https://api.github.com/repos/{repo}/pulls/{number}"}
    return raw


def make_comment(number: int, body: str, *, comment_id: int = 0, login: str = "someone",
                 association: str = "NONE", created_at: str = "2024-05-02T00:00:00Z",
                 repo: str = "huggingface/peft") -> dict[str, Any]:
    api = f"https://api.github.com/repos/{repo}"
    cid = comment_id or 5000 + number
    return {
        "url": f"{api}/issues/comments/{cid}", "id": cid,
        "html_url": f"https://github.com/{repo}/issues/{number}#issuecomment-{cid}",
        "issue_url": f"{api}/issues/{number}", "user": {"login": login, "id": 2},
        "author_association": association, "body": body,
        "created_at": created_at, "updated_at": created_at,
    }


def _select(items: list[dict[str, Any]], q: dict[str, str]) -> list[dict[str, Any]]:
    state = q.get("state", "open")
    chosen = [i for i in items if state == "all" or i["state"] == state]
    if "since" in q:
        chosen = [i for i in chosen if str(i["updated_at"]) >= q["since"]]
    key = "updated_at" if q.get("sort") == "updated" else "created_at"
    chosen.sort(key=lambda i: (str(i[key]), i["number"] if isinstance(i["number"], int) else 0),
                reverse=q.get("direction") != "asc")
    return chosen


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        path = parts.path.removeprefix("/api/v3")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with fake.lock:
            status, headers, body = self._answer(fake, path, query)
            fake.requests.append(Request(path, query, status,
                                         self.headers.get("Authorization")))
            if status not in (304, 403):
                fake.remaining -= 1
            headers.update({
                "X-RateLimit-Limit": str(LIMIT), "X-RateLimit-Remaining": str(fake.remaining),
                "X-RateLimit-Reset": str(fake.reset), "X-RateLimit-Resource": "core",
            })
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, fake: FakeGitHub, path: str,
                query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if (fake.limited_after is not None and fake.limited_after <= 0) or fake.remaining <= 0:
            fake.remaining = 0
            msg = {"message": "API rate limit exceeded for 127.0.0.1. (But here's the good "
                   "news: Authenticated requests get a higher rate limit.)",
                   "documentation_url": "https://docs.github.com/rest/rate-limit"}
            return 403, {"Content-Type": "application/json"}, json.dumps(msg).encode()
        if fake.portal is not None:
            return 200, {"Content-Type": "text/html"}, fake.portal.encode()
        bits = path.strip("/").split("/")
        listing = bits[4:] == ["comments"]
        one = len(bits) == 5 and bits[4].isdigit()
        not_found = 404, {}, json.dumps({"message": "Not Found"}).encode()
        if len(bits) not in (4, 5) or bits[0] != "repos" or bits[3] != "issues" \
                or (len(bits) == 5 and not (listing or one)):
            return not_found
        repo = f"{bits[1]}/{bits[2]}"
        if repo not in fake.issues:
            return not_found
        if one:
            found = [i for i in fake.issues[repo] if str(i["number"]) == bits[4]]
            if not found:
                return not_found
            if fake.limited_after is not None:
                fake.limited_after -= 1
            return 200, {"Content-Type": "application/json; charset=utf-8"}, \
                json.dumps(found[0]).encode()
        if listing:
            chosen = [c for c in fake.comments.get(repo, [])
                      if c["updated_at"] >= query.get("since", "")]
            chosen.sort(key=lambda c: (c["updated_at"], c["id"]),
                        reverse=query.get("direction") == "desc")
        else:
            chosen = _select(fake.issues[repo], query)
        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        body = json.dumps(chosen[(page - 1) * per_page:page * per_page]).encode()
        etag = f'W/"{hashlib.sha1(body).hexdigest()}"'
        if self.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        if fake.limited_after is not None:
            fake.limited_after -= 1
        headers = {"Content-Type": "application/json; charset=utf-8", "ETag": etag}
        last = max(1, -(-len(chosen) // per_page))
        links = []
        base = f"http://{self.headers['Host']}{urlsplit(self.path).path}"
        for rel, n in (("next", page + 1), ("last", last)):
            if page < last:
                links.append(f'<{base}?{urlencode({**query, "page": n})}>; rel="{rel}"')
        if links:
            headers["Link"] = ", ".join(links)
        return 200, headers, body


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeGitHub) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class GitHubServer:
    """Runs :class:`FakeGitHub` on a free loopback port; use as a context manager."""

    def __init__(self, fake: FakeGitHub | None = None) -> None:
        self.fake = fake or FakeGitHub()
        self._server = _Server(self.fake)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    def __enter__(self) -> GitHubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
