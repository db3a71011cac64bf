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
# someone says they are on it (in a comment by anyone but a maintainer answering); matched
# on the text with typographic apostrophes (U+2019, as phones and Macs type) made plain
_CLAIM = re.compile(
    r"\b(?:i(?:'d| would)(?: really)? (?:like|love|want) to (?:work on|take|pick up|tackle|"
    r"fix|give it a try|try)|"
    # "... and would love to work on this", "Would like to take this": the speaker, not
    # "anyone who would like to work on this"
    r"(?:^|(?<=[.!?;,\n])\s*|and )would(?: really)? (?:like|love) to (?:work on|take|pick up|"
    r"tackle|give it a try)|"
    r"i(?:'ll| will| am going to|'m going to) (?:work on|take|pick|open a pr|submit a pr|fix)|"
    r"i(?:'m| am) (?:working on|on it|taking)|i(?:'m| am) interested in (?:working on|"
    r"taking(?: on)?|fixing|tackling) (?:this|it|the)\b|"
    r"i (?:really )?want to (?:work on|take|tackle|fix) (?:this|it)\b|"
    r"i(?:'d| would) be (?:happy|glad) to (?:work on|take|tackle|pick up) (?:this|it|them)\b|"
    r"i can (?:work on|take|pick up|tackle) (?:this|it)\b|"
    r"can i (?:work on|take|pick|try|tackle|fix)|could i (?:work on|take|pick|try)|"
    r"may i (?:work on|take|pick|try)|assign (?:it |this )?(?:to )?me\b|"
    r"assign (?:[\w#-]+ ){1,4}to me\b|"
    r"let me (?:work on|take|try|fix)|working on (?:it|this|a fix|a pr)|"
    r"i (?:have|'ve) opened a pr|opened a pr|pr (?:is )?(?:up|open(?:ed)?)\b)"
    r"|(?:^|(?<=\s))[#.](?:take|self-assign)\b", re.I)  # the bots' self-assign commands
# anyone (a maintainer most often) says a named user is on it: "thanks @ana for offering to
# work on this", "@ana go for it"
_HANDED = re.compile(
    r"\bthanks?(?: you)?(?: (?:a lot|so much|again))?,? @([\w-]+),? for (?:offering|"
    r"volunteering) to (?:work on|take|tackle|fix|pick)|@([\w-]+),? (?:go for it|it's yours)\b",
    re.I)
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'"})


# a maintainer agrees on a fix
_AGREED = re.compile(
    r"\b(?:prs? (?:is |are |would be )?welcome|pull requests? (?:is |are |would be )?welcome|"
    r"feel free to (?:open|submit|send|make) a (?:pr|pull request)|"
    r"would you (?:like|want|be willing) to (?:open|submit|make|send) a (?:pr|pull request|fix)|"
    r"happy to (?:accept|review) a (?:pr|pull request|fix)|contributions? (?:is |are )?welcome|"
    r"good first issue|a fix would be (?:great|welcome|appreciated))", re.I)


def claimed_by(comments: Sequence[Comment]) -> str:
    """``@login`` of whoever the first such comment says is on the issue: its author, when
    someone other than a maintainer claims it ("I'd like to work on this", "can I take
    this?"), or the user a comment hands it to ("thanks @ana for offering to work on
    this"); "" when nobody is."""
    for c in comments:
        text = c.body[:2000].translate(_PLAIN)
        if c.association not in MAINTAINERS and _CLAIM.search(text):
            return f"@{c.author}"
        if (m := _HANDED.search(text)) is not None:
            return f"@{m.group(1) or m.group(2)}"
    return ""


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
