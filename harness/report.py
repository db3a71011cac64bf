"""Show a run: a summary table in the terminal, or the JSON document."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harness.status import style_of

STYLE = {"passed": "green", "failed": "red", "error": "red", "skipped": "yellow",
         "xfail": "yellow", "xpass": "magenta", "infra_error": "red bold"}
SHOWN_FAILURES = 20


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=False)


def show_run(doc: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    status = doc["status"]
    counts = doc.get("counts") or {}
    table = Table(title=f"{doc['recipe']}:{doc['subset']} @ {doc['ref']} "
                        f"({(doc.get('commit') or '')[:12]})", show_edge=False)
    for outcome in ("passed", "failed", "error", "skipped", "xfail", "xpass"):
        table.add_column(outcome, justify="right", style=STYLE[outcome])
    table.add_row(*(str(counts.get(o, 0)) for o in
                    ("passed", "failed", "error", "skipped", "xfail", "xpass")))
    console.print(table)
    bad = [t for t in doc.get("tests", []) if t["outcome"] in ("failed", "error")]
    for t in bad[:SHOWN_FAILURES]:
        console.print(f"[red]{t['outcome'].upper()}[/] {t['id']}  [dim]{t['message'][:160]}[/]",
                      highlight=False)
    if len(bad) > SHOWN_FAILURES:
        console.print(f"... and {len(bad) - SHOWN_FAILURES} more (see --json or the log)")
    timings = doc.get("timings", {})
    console.print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()),
                  highlight=False)
    if doc.get("log"):
        console.print(f"log: {doc['log']}", highlight=False)
    reason = f" ({doc['reason']})" if doc.get("reason") else ""
    console.print(f"[{STYLE[status]}]{status}[/]{reason}", highlight=False)


def show_runs(rows: list[sqlite3.Row], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(show_edge=False)
    for col in ("id", "started", "recipe", "subset", "ref", "status", "passed", "failed",
                "total s"):
        table.add_column(col)
    for row in rows:
        counts = json.loads(row["document"]).get("counts") or {}
        table.add_row(str(row["id"]), row["started_at"], row["recipe"], row["subset"],
                      Text(row["ref"]), Text(row["status"], style=style_of(row["status"])),
                      str(counts.get("passed", "")),
                      str(counts.get("failed", 0) + counts.get("error", 0) if counts else ""),
                      f"{row['duration'] or 0:.1f}")
    console.print(table if rows else "no runs yet: try `harness reproduce demo`")
