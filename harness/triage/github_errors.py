"""What GitHub's errors mean to a user: one line each, and when to retry a rate limit."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from github.GithubException import (
    BadCredentialsException,
    GithubException,
    RateLimitExceededException,
    UnknownObjectException,
)

from harness.errors import HarnessError

# what the operating system said, deep in requests' wrapped message: "[Errno -2] Name or
# service not known", "[Errno 111] Connection refused"
_ERRNO = re.compile(r"\[Errno -?\d+\] [^\]\)\"'(]+")


def why_unreachable(e: Exception) -> str:
    """The cause of a failed connection in a few words: the system's own message where
    requests buried it in its wrappers, else the error's class ("ReadTimeout")."""
    found = _ERRNO.search(str(e))
    return found.group(0).strip() if found else type(e).__name__


def header(headers: Any, name: str) -> str | None:
    """A response header, whatever its case (PyGithub lower-cases them, urllib3 does not)."""
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value)
    return None


def explain(e: GithubException, repo: str, url: str, stored: int,
            authenticated: bool) -> HarnessError:
    """A one-line HarnessError for what GitHub answered (it never holds the token)."""
    if rate_limited(e):
        at = retry_at(e.headers)
        hint = "the next sync continues from here" if authenticated else \
            "set GITHUB_TOKEN for 5,000 requests an hour; the next sync continues from here"
        return HarnessError(f"GitHub rate limit reached; {stored} issues stored; "
                            f"retry after {at:%H:%M} (UTC)", hint=hint)
    if isinstance(e, BadCredentialsException):
        return HarnessError("GitHub rejected the token from GITHUB_TOKEN/GH_TOKEN "
                            "(401 Bad credentials)")
    if isinstance(e, UnknownObjectException):
        return HarnessError(f"{url} has no repository {repo} (or the token cannot see it)")
    message = e.data.get("message") if isinstance(e.data, dict) else None
    first = str(message).splitlines()[0] if message else 'no message'
    return HarnessError(f"GitHub answered {e.status} for {repo}: {first}")


def rate_limited(e: GithubException) -> bool:
    if isinstance(e, RateLimitExceededException):
        return True
    return e.status in (403, 429) and (header(e.headers, "x-ratelimit-remaining") == "0"
                                       or header(e.headers, "retry-after") is not None)


def retry_at(headers: Any) -> datetime:
    now = datetime.now(timezone.utc)
    after = header(headers, "retry-after")
    if after and after.isdigit():
        return now + timedelta(seconds=int(after))
    reset = header(headers, "x-ratelimit-reset")
    if reset and reset.isdigit():
        return datetime.fromtimestamp(int(reset), timezone.utc)
    return now + timedelta(minutes=1)
