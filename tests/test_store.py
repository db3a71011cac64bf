from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from harness import config, store
from harness.errors import HarnessError

TABLES = {"runs", "test_results", "issues", "sync_state", "base_runs"}


def tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {r[0] for r in rows}


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_fresh_db_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    with store.opened(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        assert tables(conn) >= TABLES
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert user_version(path) == store.SCHEMA_VERSION == len(store.MIGRATIONS)


def test_default_path_is_under_harness_home() -> None:
    assert store.db_path() == config.home() / "harness.db"
    with store.opened() as conn:
        assert tables(conn) >= TABLES
    assert store.db_path().is_file()


def test_reopen_is_a_noop(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with store.opened(path) as conn, store.transaction(conn):
        conn.execute(
            "INSERT INTO runs (recipe, subset, ref, status, started_at, document) "
            "VALUES ('peft', 'lora', 'v1', 'passed', '2024-01-01', '{}')")
    with store.opened(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        assert conn.execute("SELECT recipe FROM runs").fetchall()[0][0] == "peft"
        schema = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    with store.opened(path) as conn:
        assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema


def test_posts_stored_with_the_web_page_s_line_ends_are_made_plain(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    for i, migration in enumerate(store.MIGRATIONS[:2]):
        raw.executescript(migration)
        raw.execute(f"PRAGMA user_version = {i + 1}")
    raw.execute("INSERT INTO issues (repo, number, title, body, state, created_at, updated_at, "
                "url) VALUES ('o/r', 1, 'T\r\n', '### System Info\r\n\r\nx\ry', 'open', "
                "'2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 'u')")
    raw.execute("INSERT INTO issue_comments (repo, number, id, body) "
                "VALUES ('o/r', 1, 'c', 'on it\r\nsoon')")
    raw.commit()
    raw.close()
    with store.opened(path) as conn:
        assert tuple(conn.execute("SELECT title, body FROM issues").fetchone()) == (
            "T\n", "### System Info\n\nx\ny")
        assert tuple(conn.execute("SELECT body FROM issue_comments").fetchone()) == (
            "on it\nsoon",)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(HarnessError, match="newer harness") as e:
        store.connect(path)
    assert e.value.hint and "upgrade harness" in e.value.hint
    assert user_version(path) == store.SCHEMA_VERSION + 1
    raw = sqlite3.connect(path)
    assert not tables(raw) & TABLES
    raw.close()


def test_transaction_rolls_back(tmp_path: Path) -> None:
    with store.opened(tmp_path / "t.db") as conn:
        with pytest.raises(RuntimeError), store.transaction(conn):
            conn.execute(
                "INSERT INTO runs (recipe, subset, ref, status, started_at, document) "
                "VALUES ('x', 'y', 'z', 'passed', 'now', '{}')")
            raise RuntimeError("boom")
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def _open_and_report(path: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait()
    with store.opened(Path(path)) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == store.SCHEMA_VERSION, version


def test_fresh_db_waits_for_a_writer(tmp_path: Path) -> None:
    """What another process does mid-way through creating the store: it holds the write
    lock of a DB still in rollback-journal mode.  connect() must wait (timeout=30), not fail.
    """
    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE other (x)")
    release = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        with store.opened(path) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        assert time.monotonic() - started >= 0.4
    finally:
        release.join()
        holder.close()


@pytest.mark.parametrize("round_", range(3))
def test_concurrent_first_open(tmp_path: Path, round_: int) -> None:
    """Four processes create the same store at once: all succeed, every time (a lock
    serialises the set-up; without it a few percent of such opens failed)."""
    ctx = multiprocessing.get_context("spawn")
    path = tmp_path / "race.db"
    barrier = ctx.Barrier(4)
    procs = [ctx.Process(target=_open_and_report, args=(str(path), barrier)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    assert user_version(path) == store.SCHEMA_VERSION
    with store.opened(path) as conn:
        assert tables(conn) >= TABLES
