"""Read what ``gh issue list --json ...`` writes, for users with gh and no token.

The fields used: number, title, body, labels, comments, assignees, createdAt, updatedAt,
state, url, author; closedAt and closedByPullRequestsReferences where present.  The
output of ``gh pr list --json`` (same shape, ``/pull/`` URLs) is read as pull requests.
"""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.triage.issues import Issue

GH_FIELDS = "number,title,body,labels,comments,assignees,createdAt,updatedAt,state,url,author"
REQUIRED = ("number", "title", "createdAt", "updatedAt", "url")


def read(source: str) -> list[dict[str, Any]]:
    """The JSON list in the file ``source``, or on stdin for ``-``."""
    where = "stdin" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise HarnessError(f"cannot read {where}: {e.__class__.__name__}: {e}") from e
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise HarnessError(f"{where}: not JSON ({e.msg} at line {e.lineno})") from e
    if not isinstance(data, list):
        raise HarnessError(f"{where}: expected a JSON list, as `gh issue list --json "
                           f"{GH_FIELDS}` writes")
    return data


def repo_of(url: str) -> str | None:
    """``https://github.com/owner/name/issues/12`` → ``owner/name``."""
    parts = url.split("/")
    return f"{parts[3]}/{parts[4]}" if len(parts) > 5 and parts[0].startswith("http") else None


def to_issue(raw: Any, where: str, index: int) -> Issue:
    if not isinstance(raw, dict):
        raise HarnessError(f"{where}: item {index} is not an object")
    missing = [f for f in REQUIRED if f not in raw]
    if missing:
        raise HarnessError(f"{where}: item {index} has no {', '.join(missing)}; run "
                           f"`gh issue list --json {GH_FIELDS}`")
    url = str(raw["url"])
    comments = raw.get("comments") or 0
    return Issue(
        repo=repo_of(url) or "", number=int(raw["number"]), title=str(raw["title"]),
        body=str(raw.get("body") or ""), state=str(raw.get("state") or "open").lower(),
        labels=tuple(_names(raw.get("labels"), "name")),
        assignees=tuple(_names(raw.get("assignees"), "login")),
        author=str((raw.get("author") or {}).get("login", "")),
        comments=len(comments) if isinstance(comments, list) else int(comments),
        created_at=str(raw["createdAt"]), updated_at=str(raw["updatedAt"]),
        closed_at=raw.get("closedAt") or None, url=url, is_pull="/pull/" in url,
        linked_prs=tuple(int(n) for n in _names(raw.get("closedByPullRequestsReferences"),
                                                "number")),
        source="gh",
    )


def load(source: str, repo: str, *, check: bool = True) -> list[Issue]:
    """The issues in ``source``, stored as ``repo``'s; with ``check`` their URLs must say
    they are ``repo``'s ("owner/name")."""
    where = "stdin" if source == "-" else source
    found = [to_issue(raw, where, i) for i, raw in enumerate(read(source))]
    others = sorted({i.repo for i in found if i.repo and i.repo.lower() != repo.lower()})
    if check and others:
        raise HarnessError(f"{where} holds issues of {', '.join(others)}, not {repo}")
    return [replace(i, repo=repo) for i in found]


def _names(items: Any, key: str) -> list[Any]:
    if not isinstance(items, list):
        return []
    return [i[key] for i in items if isinstance(i, dict) and key in i]
