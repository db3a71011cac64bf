"""Issues and pull requests as values, and their rows in the store's ``issues`` table."""
from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harness import store


@dataclass(frozen=True)
class Issue:
    repo: str  # "owner/name"
    number: int
    title: str
    body: str
    state: str  # "open" or "closed"
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    author: str
    comments: int
    created_at: str  # ISO 8601 in UTC, e.g. "2024-05-01T12:00:00Z"
    updated_at: str
    closed_at: str | None
    url: str
    is_pull: bool = False
    linked_prs: tuple[int, ...] = ()  # open pull requests that would close it, where known
    source: str = "github"  # "github" (synced) or "gh" (imported)


COLUMNS = (
    "repo", "number", "is_pull", "title", "body", "state", "labels", "assignees", "author",
    "comments", "created_at", "updated_at", "closed_at", "url", "linked_prs", "source",
)

# a newer copy of an issue replaces an older one, never the other way round
_UPSERT = (
    f"INSERT INTO issues ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))}) "
    f"ON CONFLICT (repo, number) DO UPDATE SET "
    f"{', '.join(f'{c} = excluded.{c}' for c in COLUMNS[2:])} "
    f"WHERE excluded.updated_at >= issues.updated_at"
)

# "Fixes #123", "closes: #45", "resolves huggingface/peft#7" in a pull request's title or body
_CLOSING = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+(?:[\w.-]+/[\w.-]+)?#(\d+)", re.I,
)


def _row(issue: Issue) -> tuple[Any, ...]:
    return (
        issue.repo, issue.number, int(issue.is_pull), issue.title, issue.body, issue.state,
        json.dumps(list(issue.labels)), json.dumps(list(issue.assignees)), issue.author,
        issue.comments, issue.created_at, issue.updated_at, issue.closed_at, issue.url,
        json.dumps(list(issue.linked_prs)), issue.source,
    )


def _issue(row: Mapping[str, Any]) -> Issue:
    """A stored row; whatever an older harness or a hand edit left there reads as something
    (an odd date is kept as it is and read as unknown by the features)."""
    return Issue(
        repo=str(row["repo"]), number=int(row["number"]), title=_str(row["title"]),
        body=_str(row["body"]), state=_str(row["state"]) or "open",
        labels=_strings(row["labels"]), assignees=_strings(row["assignees"]),
        author=_str(row["author"]),
        comments=row["comments"] if isinstance(row["comments"], int) else 0,
        created_at=_str(row["created_at"]), updated_at=_str(row["updated_at"]),
        closed_at=row["closed_at"] if isinstance(row["closed_at"], str) else None,
        url=_str(row["url"]), is_pull=bool(row["is_pull"]),
        linked_prs=tuple(n for n in _list(row["linked_prs"]) if isinstance(n, int)),
        source=_str(row["source"]),
    )


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _list(text: Any) -> list[Any]:
    if text == "[]":  # most labels, assignees and linked PRs: no JSON to decode
        return []
    try:
        value = json.loads(text) if isinstance(text, str) else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _strings(text: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in _list(text) if isinstance(v, (str, int)))


def save(conn: sqlite3.Connection, issues: Iterable[Issue]) -> int:
    """Write ``issues`` (in the caller's transaction, if any); return how many were given."""
    rows = [_row(i) for i in issues]
    conn.executemany(_UPSERT, rows)
    return len(rows)


def save_all(issues: Iterable[Issue]) -> int:
    with store.opened() as conn, store.transaction(conn):
        return save(conn, issues)


def load(conn: sqlite3.Connection, repo: str) -> list[Issue]:
    """Every stored issue and pull request of ``repo``, newest number first."""
    rows = conn.execute("SELECT * FROM issues WHERE repo = ? AND typeof(number) = 'integer' "
                        "ORDER BY number DESC", (repo,))
    return [_issue(r) for r in rows]


def count(conn: sqlite3.Connection, repo: str) -> int:
    row = conn.execute("SELECT count(*) FROM issues WHERE repo = ? AND is_pull = 0", (repo,))
    return int(row.fetchone()[0])


def closing_refs(text: str) -> set[int]:
    """Issue numbers that a pull request's text says it closes."""
    return {int(m.group(1)) for m in _CLOSING.finditer(text)}


def open_linked_prs(items: Iterable[Issue]) -> dict[int, tuple[int, ...]]:
    """Issue number → the open pull requests that would close it.

    Known from open pull requests' "Fixes #N" and from gh's
    ``closedByPullRequestsReferences`` (stored in :attr:`Issue.linked_prs`).
    """
    linked: dict[int, set[int]] = {}
    for item in items:
        if item.is_pull and item.state == "open":
            for n in closing_refs(f"{item.title}\n{item.body}"):
                linked.setdefault(n, set()).add(item.number)
        elif not item.is_pull:
            for pr in item.linked_prs:
                linked.setdefault(item.number, set()).add(pr)
    return {n: tuple(sorted(prs)) for n, prs in linked.items()}
