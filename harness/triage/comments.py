"""Issue comments: stored rows, and what they say about an issue's state.

Only what triage needs is kept: who wrote (and their association with the repository,
as GitHub reports it: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE), the text and when.
From them: whether someone has claimed the issue ("I'd like to work on this", "can I take
this?"), whether a maintainer answered, and whether a maintainer agreed on a fix ("a PR
is welcome").
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    repo: str
    number: int  # the issue's
    id: str
    author: str
    association: str  # OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ... ("" unknown)
    body: str
    created_at: str


MAINTAINERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
# someone says they are on it (in a comment by anyone but a maintainer answering)
_CLAIM = re.compile(
    r"\b(?:i(?:'d| would)(?: really)? (?:like|love|want) to (?:work on|take|pick up|tackle|"
    r"fix|give it a try|try)|i(?:'ll| will| am going to|'m going to) (?:work on|take|pick|"
    r"open a pr|submit a pr|fix)|i(?:'m| am) (?:working on|on it|taking)|"
    r"can i (?:work on|take|pick|try|tackle|fix)|could i (?:work on|take|pick|try)|"
    r"may i (?:work on|take|pick|try)|(?:please )?assign (?:it |this )?(?:to )?me|"
    r"let me (?:work on|take|try|fix)|working on (?:it|this|a fix|a pr)|"
    r"i (?:have|'ve) opened a pr|opened a pr|pr (?:is )?(?:up|open(?:ed)?)\b)", re.I)
# a maintainer agrees on a fix
_AGREED = re.compile(
    r"\b(?:prs? (?:is |are |would be )?welcome|pull requests? (?:is |are |would be )?welcome|"
    r"feel free to (?:open|submit|send|make) a (?:pr|pull request)|"
    r"would you (?:like|want|be willing) to (?:open|submit|make|send) a (?:pr|pull request|fix)|"
    r"happy to (?:accept|review) a (?:pr|pull request|fix)|contributions? (?:is |are )?welcome|"
    r"good first issue|a fix would be (?:great|welcome|appreciated))", re.I)


def claim(comments: Sequence[Comment]) -> Comment | None:
    """The first comment by someone who is not a maintainer that claims the issue."""
    return next((c for c in comments if c.association not in MAINTAINERS
                 and _CLAIM.search(c.body[:2000])), None)


def maintainer_state(comments: Sequence[Comment]) -> str:
    """"agreed" (a maintainer asked for or welcomed a fix), "replied", or ""."""
    said = [c for c in comments if c.association in MAINTAINERS]
    if any(_AGREED.search(c.body[:4000]) for c in said):
        return "agreed"
    return "replied" if said else ""


# ----------------------------------------------------------------- the store

def save(conn: sqlite3.Connection, comments: Iterable[Comment]) -> int:
    rows = [(c.repo, c.number, c.id, c.author, c.association, c.body, c.created_at)
            for c in comments]
    conn.executemany(
        "INSERT OR REPLACE INTO issue_comments "
        "(repo, number, id, author, association, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows)
    return len(rows)


def load(conn: sqlite3.Connection, repo: str) -> dict[int, list[Comment]]:
    """Issue number → its stored comments, oldest first."""
    found: dict[int, list[Comment]] = {}
    for r in conn.execute("SELECT * FROM issue_comments WHERE repo = ? "
                          "ORDER BY created_at, id", (repo,)):
        number = r["number"]
        if not isinstance(number, int):
            continue
        found.setdefault(number, []).append(Comment(
            repo, number, str(r["id"]), str(r["author"] or ""), str(r["association"] or ""),
            str(r["body"] or ""), str(r["created_at"] or "")))
    return found
