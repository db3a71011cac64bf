"""Show a run: a summary table in the terminal, or the JSON document."""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.results import OUTCOMES
from harness.run_report import RunReport
from harness.status import style_of

OUTCOME_STYLE = {"passed": "green", "failed": "red", "error": "red", "skipped": "yellow",
                 "xfail": "yellow", "xpass": "magenta"}
SHOWN_FAILURES = 20


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=False)


def styled(status: str) -> str:
    """``status`` as rich markup, safe for any text (an unknown status is shown plain)."""
    style = style_of(status)
    return f"[{style}]{escape(status)}[/]" if style else escape(status)


def show_run(run: RunReport, console: Console | None = None) -> None:
    console = console or Console()
    counts = run.counts
    table = Table(title=escape(f"{run.recipe}:{run.subset} @ {run.ref} "
                               f"({(run.commit or '')[:12]})"), show_edge=False)
    for outcome in OUTCOMES:
        table.add_column(outcome, justify="right", style=OUTCOME_STYLE[outcome])
    table.add_row(*(str(counts[o]) for o in OUTCOMES))
    console.print(table)
    bad = [t for t in run.tests if t.outcome in ("failed", "error")]
    for t in bad[:SHOWN_FAILURES]:
        console.print(f"[red]{t.outcome.upper()}[/] {escape(t.id)}  "
                      f"[dim]{escape(t.message[:160])}[/]", highlight=False)
    if len(bad) > SHOWN_FAILURES:
        console.print(f"... and {len(bad) - SHOWN_FAILURES} more (see --json or the log)")
    console.print("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in run.timings.items()),
                  highlight=False, markup=False)
    if run.log:
        console.print(f"log: {run.log}", highlight=False, markup=False, soft_wrap=True)
    reason = f" ({escape(run.reason)})" if run.reason else ""
    console.print(f"{styled(run.status.value)}{reason}", highlight=False)


def _document(text: str) -> dict[str, Any]:
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _counts(document: dict[str, Any]) -> dict[str, Any]:
    """passed/failed of a run; of a verify, of the tests it checked (one whose failure says
    nothing here, a blocked download, is not a failure: 'ok 0/10' read as ten failures)."""
    changes = document.get("changes")
    if isinstance(changes, dict):
        return {"passed": sum(int(changes.get(k) or 0) for k in ("passing", "fixed", "flaky")),
                "failed": sum(int(changes.get(k) or 0) for k in ("broken", "still_failing"))}
    counts = document.get("counts")
    return counts if isinstance(counts, dict) else {}


def _subset(row: sqlite3.Row, document: dict[str, Any]) -> str:
    """The subset a run ran; a verify run without --subset borrowed only its settings and
    ran its own selection (it read as if it had run subset lora)."""
    if str(row["kind"]).startswith("verify") and not document.get("scoped"):
        return ""
    return str(row["subset"] or "")


def compact_table() -> Table:
    """A table without rules or outer padding: the most room for its cells on an 80-column
    terminal (``harness runs``, ``harness recipes``)."""
    return Table(box=None, padding=(0, 1, 0, 0), pad_edge=False, header_style="bold")


KIND_SHOWN = {"reproduce": "reproduce", "verify-after": "verify", "verify-before": "  before"}
_LONG_SHA = re.compile(r"\b([0-9a-f]{8})[0-9a-f]{2,32}\b")


def show_runs(rows: list[sqlite3.Row], console: Console | None = None) -> None:
    """Past runs, one row each, readable on an 80-column terminal (shas cut to 8 digits,
    recipe and subset on two lines where it is narrow; ``--json`` has them whole)."""
    console = console or Console()
    if not rows:
        console.print("no runs yet: try `harness reproduce demo`")
        return
    table = compact_table()
    for col in ("id", "started (UTC)", "kind", "recipe subset", "ref", "status", "pass/fail",
                "s"):
        table.add_column(col, justify="right" if col in ("id", "pass/fail", "s") else "left",
                         no_wrap=col != "recipe subset",
                         min_width=len("transformers") if col == "recipe subset" else None)
    for row in rows:
        document = _document(row["document"] or "")
        counts = _counts(document)
        failed = (counts.get("failed") or 0) + (counts.get("error") or 0)
        started = str(row["started_at"] or "")
        table.add_row(str(row["id"]), escape(started[5:16].replace("T", " ")),
                      escape(KIND_SHOWN.get(row["kind"], row["kind"])),
                      escape(f"{row['recipe']} {_subset(row, document)}".strip()),
                      escape(_LONG_SHA.sub(r"\1", row["ref"] or "")), styled(row["status"]),
                      f"{counts.get('passed', 0)}/{failed}" if counts else "",
                      f"{row['duration'] or 0:.0f}")
    console.print(table)
