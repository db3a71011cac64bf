"""Where a repository's GitHub sync stands: the ETag of its probe and an interrupted sync.

One row per (repo, query) in the store's ``sync_state`` table.  ``etag`` and
``last_sync`` belong to the last *complete* sync; ``pending`` holds a sync that stopped
half-way (rate limit, network), so that the next run continues where it stopped.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Phase:
    """One listing of ``GET /repos/{owner}/{repo}/{path}``, possibly half read."""

    params: dict[str, str]
    next_url: str | None = None  # where to continue; None: from the first page
    path: str = "issues"  # or "issues/comments"


@dataclass(frozen=True)
class Pending:
    etag: str | None  # the probe's ETag, saved as complete once every phase is read
    high_water: str | None  # newest updated_at the probe saw: the next sync's `since`
    phases: tuple[Phase, ...] = ()


@dataclass(frozen=True)
class SyncState:
    repo: str
    query: str
    base_url: str
    etag: str | None = None
    last_sync: str | None = None
    synced_at: str | None = None
    pending: Pending | None = field(default=None)


def load(conn: sqlite3.Connection, repo: str, query: str, base_url: str) -> SyncState:
    """The stored state; a fresh one when there is none or it was for another server."""
    row = conn.execute(
        "SELECT * FROM sync_state WHERE repo = ? AND query = ?", (repo, query),
    ).fetchone()
    if row is None or row["base_url"] != base_url:
        return SyncState(repo, query, base_url)
    return SyncState(
        repo, query, base_url, etag=row["etag"], last_sync=row["last_sync"],
        synced_at=row["synced_at"], pending=_pending(row["pending"]),
    )


def save(conn: sqlite3.Connection, state: SyncState) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO sync_state "
        "(repo, query, base_url, etag, last_sync, synced_at, pending) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (state.repo, state.query, state.base_url, state.etag, state.last_sync,
         state.synced_at, _dump(state.pending)),
    )


def _dump(pending: Pending | None) -> str | None:
    if pending is None:
        return None
    return json.dumps({
        "etag": pending.etag,
        "high_water": pending.high_water,
        "phases": [{"params": p.params, "next_url": p.next_url, "path": p.path}
                   for p in pending.phases],
    })


def _pending(text: str | None) -> Pending | None:
    if not text:
        return None
    try:
        data = json.loads(text)
        phases = tuple(Phase(dict(p["params"]), p["next_url"], p.get("path", "issues"))
                       for p in data["phases"])
        return Pending(data["etag"], data["high_water"], phases)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # unreadable: start the sync afresh
