"""Read what ``gh issue list --json ...`` writes, for users with gh and no token.

The fields used: number, title, body, labels, comments, assignees, createdAt, updatedAt,
state, url, author; closedAt and closedByPullRequestsReferences where present.  Without
updatedAt (a shorter ``--json`` list) a record counts as last updated when it was created,
so it never replaces a newer copy already stored.  The
output of ``gh pr list --json`` (same shape, ``/pull/`` URLs) is read as pull requests.
``comments`` may be gh's list of comments (kept: they say who claimed an issue) or a count.

The records may also come one JSON object a line (``--jq '.[]'`` writes them so), or as
several lists one after the other.

A record with a value that cannot be used (``number: "abc"``, ``createdAt: "yesterday"``,
``comments: "many"``) is skipped with one line saying why; the others are imported.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.triage import validate
from harness.triage.comments import Comment
from harness.triage.issues import Issue
from harness.triage.validate import BadValue

GH_FIELDS = "number,title,body,labels,comments,assignees,createdAt,updatedAt,state,url,author"
REQUIRED = ("number", "title", "createdAt", "url")
SHOW_SKIPPED = 10  # lines shown for skipped records; the rest are counted


@dataclass(frozen=True)
class Imported:
    issues: list[Issue]
    comments: list[Comment]
    skipped: list[str]  # "item 3 (#12): createdAt 'yesterday' is not an ISO 8601 date"


def read(source: str) -> list[Any]:
    """The records in the file ``source``, or on stdin for ``-``: a JSON list, JSON objects
    one after the other (one a line), or lists one after the other."""
    where = "stdin" if source == "-" else source
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise HarnessError(f"cannot read {where}: {e.__class__.__name__}: {e}") from e
    records: list[Any] = []
    # (a byte-order mark before it: Windows PowerShell 5 writes one with -Encoding utf8)
    for value in _values(text.removeprefix("\ufeff"), where):
        if isinstance(value, list):
            records += value
        elif isinstance(value, dict):
            records.append(value)
        else:
            raise HarnessError(f"{where}: expected a JSON list, as `gh issue list --json "
                               f"{GH_FIELDS}` writes")
    return records


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"\s*")


def _values(text: str, where: str) -> list[Any]:
    """Each JSON value of ``text``, in order (at least one)."""
    found: list[Any] = []
    at = _past_space(text, 0)
    while at < len(text) or not found:
        try:
            value, at = _DECODER.raw_decode(text, at)
        except json.JSONDecodeError as e:
            raise HarnessError(f"{where}: not JSON ({e.msg} at line {e.lineno})") from e
        except RecursionError as e:
            raise HarnessError(f"{where}: JSON nested too deeply") from e
        found.append(value)
        at = _past_space(text, at)
    return found


def _past_space(text: str, at: int) -> int:
    space = _SPACE.match(text, at)
    return space.end() if space else at


def repo_of(url: str) -> str | None:
    """``https://github.com/owner/name/issues/12`` → ``owner/name``."""
    parts = url.split("/")
    return f"{parts[3]}/{parts[4]}" if len(parts) > 5 and parts[0].startswith("http") else None


def to_issue(raw: Any) -> tuple[Issue, list[Comment]]:
    """One record; :class:`BadValue` when a field cannot be used."""
    if not isinstance(raw, dict):
        raise BadValue("is not an object")
    missing = [f for f in REQUIRED if raw.get(f) in (None, "")]
    if missing:
        raise BadValue(f"has no {', '.join(missing)}")
    url = validate.text(raw["url"])
    number = validate.number(raw["number"])
    said = raw.get("comments")
    author = raw.get("author")
    closed = raw.get("closedAt")
    issue = Issue(
        repo=repo_of(url) or "", number=number, title=validate.prose(raw["title"]),
        body=validate.prose(raw.get("body")),
        state=validate.text(raw.get("state") or "open").lower(),
        labels=tuple(validate.text(n) for n in _names(raw.get("labels"), "name")),
        assignees=tuple(validate.text(n) for n in _names(raw.get("assignees"), "login")),
        author=validate.text(author.get("login", "")) if isinstance(author, dict) else "",
        comments=validate.count(said),
        created_at=validate.when(raw["createdAt"], "createdAt"),
        updated_at=validate.when(raw.get("updatedAt") or raw["createdAt"], "updatedAt"),
        closed_at=validate.when(closed, "closedAt") if closed else None,
        url=url, is_pull="/pull/" in url,
        linked_prs=tuple(validate.number(n, "closedByPullRequestsReferences")
                         for n in _names(raw.get("closedByPullRequestsReferences"), "number")),
        source="gh",
    )
    return issue, _comments(said, number)


def _comments(said: Any, number: int) -> list[Comment]:
    if not isinstance(said, list):
        return []
    found = []
    for k, c in enumerate(said):
        if not isinstance(c, dict):
            continue
        author = c.get("author")
        found.append(Comment(
            "", number, validate.text(c.get("id") or c.get("url") or f"{number}-{k}"),
            validate.text(author.get("login", "")) if isinstance(author, dict) else "",
            validate.text(c.get("authorAssociation")).upper(), validate.prose(c.get("body")),
            validate.text(c.get("createdAt"))))
    return found


def load(source: str, repo: str, *, check: bool = True) -> Imported:
    """The issues in ``source``, stored as ``repo``'s; with ``check`` their URLs must say
    they are ``repo``'s ("owner/name").  Bad records are skipped, each with its reason."""
    where = "stdin" if source == "-" else source
    found: list[tuple[Issue, list[Comment]]] = []
    skipped = []
    for i, raw in enumerate(read(source)):
        try:
            found.append(to_issue(raw))
        except BadValue as e:
            n = raw.get("number") if isinstance(raw, dict) else None
            skipped.append(f"item {i}{f' (#{n})' if isinstance(n, (int, str)) else ''}: {e}")
    if skipped and not found:
        raise HarnessError(f"{where}: no usable record; item {skipped[0].removeprefix('item ')}",
                           hint=f"`gh issue list --json {GH_FIELDS}` writes what is expected")
    others = sorted({i.repo for i, _ in found if i.repo and i.repo.lower() != repo.lower()})
    if check and others:
        raise HarnessError(f"{where} holds issues of {', '.join(others)}, not {repo}")
    return Imported([replace(i, repo=repo) for i, _ in found],
                    [replace(c, repo=repo) for _, cs in found for c in cs], skipped)


def _names(items: Any, key: str) -> list[Any]:
    if not isinstance(items, list):
        return []
    return [i[key] for i in items if isinstance(i, dict) and i.get(key) is not None]
