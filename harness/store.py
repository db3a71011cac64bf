"""The one SQLite store under reproduce, verify and triage.

The schema is versioned with ``PRAGMA user_version``: ``MIGRATIONS[i]`` takes the
database from version ``i`` to ``i + 1``.  Append, never edit, a migration.
"""
from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import filelock

from harness import config
from harness.errors import HarnessError

MIGRATIONS: tuple[str, ...] = (
    # 1: runs and per-test results, issues for triage, verify's base-run cache
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL DEFAULT 'reproduce',
        recipe TEXT NOT NULL,
        subset TEXT NOT NULL,
        ref TEXT NOT NULL,
        commit_sha TEXT,
        env_key TEXT,
        status TEXT NOT NULL,
        exit_code INTEGER,
        started_at TEXT NOT NULL,
        duration REAL,
        document TEXT NOT NULL
    );
    CREATE INDEX runs_recipe ON runs (recipe, started_at);
    CREATE TABLE test_results (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        test_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        duration REAL NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (run_id, test_id)
    );
    CREATE TABLE issues (
        repo TEXT NOT NULL,
        number INTEGER NOT NULL,
        is_pull INTEGER NOT NULL DEFAULT 0,
        title TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL,
        labels TEXT NOT NULL DEFAULT '[]',
        assignees TEXT NOT NULL DEFAULT '[]',
        author TEXT NOT NULL DEFAULT '',
        comments INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        closed_at TEXT,
        url TEXT NOT NULL DEFAULT '',
        linked_prs TEXT NOT NULL DEFAULT '[]',
        source TEXT NOT NULL DEFAULT 'github',
        PRIMARY KEY (repo, number)
    );
    CREATE TABLE sync_state (
        repo TEXT NOT NULL,
        query TEXT NOT NULL,
        base_url TEXT NOT NULL,
        etag TEXT,
        last_sync TEXT,
        synced_at TEXT,
        pending TEXT,
        PRIMARY KEY (repo, query)
    );
    CREATE TABLE base_runs (
        cache_key TEXT PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE
    );
    """,
    # 2: issue comments for triage (who claimed an issue, what maintainers said)
    """
    CREATE TABLE issue_comments (
        repo TEXT NOT NULL,
        number INTEGER NOT NULL,
        id TEXT NOT NULL,
        author TEXT NOT NULL DEFAULT '',
        association TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (repo, id)
    );
    CREATE INDEX issue_comments_issue ON issue_comments (repo, number);
    """,
    # 3: the line endings of the posts stored before the sync made them "\n"
    # (triage.validate.prose): a post from GitHub's web page came with "\r\n"
    """
    UPDATE issues SET body = replace(replace(body, char(13, 10), char(10)), char(13), char(10)),
        title = replace(replace(title, char(13, 10), char(10)), char(13), char(10))
        WHERE instr(body, char(13)) OR instr(title, char(13));
    UPDATE issue_comments
        SET body = replace(replace(body, char(13, 10), char(10)), char(13), char(10))
        WHERE instr(body, char(13));
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


def db_path() -> Path:
    return config.home() / "harness.db"


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to date; safe when several processes open the store at once."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise HarnessError(
                f"the store was written by a newer harness (schema {version} > {SCHEMA_VERSION})",
                hint=f"upgrade harness, or move {db_path()} aside",
            )
        for i in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[i].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {i + 1}")
    except BaseException:
        _rollback(conn)
        raise
    conn.execute("COMMIT")


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back, never hiding the error that got us here (a full disk can fail ROLLBACK)."""
    with contextlib.suppress(sqlite3.Error):
        conn.execute("ROLLBACK")


def _wal(conn: sqlite3.Connection, timeout: float = 30.0) -> None:
    """Switch to WAL; SQLite answers SQLITE_BUSY at once, without the busy timeout, while
    another connection holds a write lock on a DB still in rollback-journal mode."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def connect(path: Path | None = None) -> sqlite3.Connection:
    path = path or db_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
    except (OSError, sqlite3.Error) as e:
        raise store_error(path, e) from e
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        # one process at a time sets up a store: creating it, switching it to WAL and
        # migrating it race otherwise (a few percent of concurrent first opens failed)
        with filelock.FileLock(str(path) + ".lock", timeout=60):
            _wal(conn)
            migrate(conn)
    except (sqlite3.Error, filelock.Timeout) as e:
        conn.close()
        raise store_error(path, e) from e
    return conn


def store_error(path: Path, e: BaseException) -> HarnessError:
    """One line for a store that cannot be used, with what to do about it."""
    text = str(e)
    if "full" in text or getattr(e, "errno", None) == 28:
        return HarnessError(f"the store {path} cannot be written: the disk is full",
                            hint="free some space (`harness gc` removes what is unused)")
    if isinstance(e, sqlite3.DatabaseError) and ("not a database" in text
                                                 or "malformed" in text):
        return HarnessError(f"the store {path} is damaged ({text})",
                            hint=f"move it aside (mv {path} {path}.broken); harness starts a "
                                 "new one, past runs and synced issues are lost")
    if "readonly" in text or "unable to open" in text or isinstance(e, PermissionError):
        return HarnessError(f"the store {path} cannot be opened for writing ({text})",
                            hint="check HARNESS_HOME's permissions")
    return HarnessError(f"the store {path} cannot be used: {text}")


@contextlib.contextmanager
def opened(path: Path | None = None) -> Iterator[sqlite3.Connection]:
    path = path or db_path()
    conn = connect(path)
    try:
        yield conn
    except sqlite3.Error as e:
        raise store_error(path, e) from e
    finally:
        conn.close()


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        _rollback(conn)
        raise
    conn.execute("COMMIT")
