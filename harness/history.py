"""Runs in the store: save a run's document and per-test results, list past runs."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from harness import store
from harness.results import TestResult
from harness.run_report import RunReport


def save(conn: sqlite3.Connection, doc: dict[str, Any], tests: list[TestResult],
         kind: str = "reproduce") -> int:
    with store.transaction(conn):
        cur = conn.execute(
            "INSERT INTO runs (kind, recipe, subset, ref, commit_sha, env_key, status, exit_code,"
            " started_at, duration, document) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (kind, doc["recipe"], doc["subset"], doc["ref"], doc.get("commit"),
             doc.get("env_key"), doc["status"], doc.get("exit_code"), doc["started_at"],
             doc.get("timings", {}).get("total"), json.dumps(doc)),
        )
        run_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT OR REPLACE INTO test_results (run_id, test_id, outcome, duration, message)"
            " VALUES (?,?,?,?,?)",
            [(run_id, t.id, t.outcome, t.duration, t.message) for t in tests],
        )
    return run_id


def save_run(conn: sqlite3.Connection, report: RunReport) -> int:
    return save(conn, report.to_json(), list(report.tests))


def recent(conn: sqlite3.Connection, limit: int = 20, recipe: str | None = None
           ) -> list[sqlite3.Row]:
    query = "SELECT * FROM runs"
    args: tuple[Any, ...] = ()
    if recipe:
        query += " WHERE recipe = ?"
        args = (recipe,)
    query += " ORDER BY started_at DESC, id DESC LIMIT ?"
    return list(conn.execute(query, (*args, limit)))


def tests_of(conn: sqlite3.Connection, run_id: int) -> list[TestResult]:
    rows = conn.execute(
        "SELECT test_id, outcome, duration, message FROM test_results WHERE run_id = ?"
        " ORDER BY test_id", (run_id,))
    return [TestResult(r[0], r[1], r[2], r[3]) for r in rows]
