"""Show a verification: a rich table in the terminal, JSON, or Markdown for a pull request."""
from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

ORDER = ("broken", "new", "flaky", "fixed", "still_failing", "removed", "passing")
STYLE = {"broken": "red bold", "fixed": "green", "flaky": "yellow", "still_failing": "red",
         "new": "cyan", "removed": "magenta", "passing": "dim"}
ICON = {"ok": "✅", "regressions": "❌", "infra_error": "⚠️"}
SHOWN = 50


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2)


def interesting(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every test that is not simply passing, most important first."""
    rows = [t for t in doc.get("tests", []) if t["change"] != "passing"]
    return sorted(rows, key=lambda t: (ORDER.index(t["change"]), t["id"]))


def summary(doc: dict[str, Any]) -> str:
    counts = doc.get("counts") or {}
    parts = [f"{n} {k.replace('_', ' ')}" for k, n in counts.items() if n]
    return ", ".join(parts) or "no tests run"


def selection_line(doc: dict[str, Any]) -> str:
    n = len(doc.get("selection", []))
    if doc.get("whole_subset"):
        return f"the whole subset ({doc['whole_reason']})"
    total = f" of {doc['subset_files']}" if doc.get("subset_files") else ""
    return f"{n}{total} test file(s) of subset {doc['subset']}"


def show(doc: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    p = console.print
    p(f"[bold]verify {doc['recipe']}:{doc['subset']}[/] at {escape(str(doc['ref']))} "
      f"({doc['commit'][:12]}): {escape(doc['change']['description'])}", highlight=False)
    if doc.get("applied_with"):
        p(f"applied with {doc['applied_with']}" + (f"; {doc['env_note']}"
                                                    if doc.get("env_note") else ""))
    p(f"selected: {selection_line(doc)}", highlight=False)
    for s in doc.get("selection", []):
        p(f"  {escape(s['path'])}  [dim]{escape(s['reason'])}[/]", highlight=False)
    for s in doc.get("out_of_scope", []):
        p(f"  [dim]not in the subset: {escape(s['path'])} ({escape(s['reason'])})[/]",
          highlight=False)
    for note in doc.get("notes", []):
        p(f"  [dim]{escape(note)}[/]", highlight=False)
    rows = interesting(doc)
    if rows:
        table = Table(show_edge=False)
        for col in ("change", "test", "before", "after", "note"):
            table.add_column(col, overflow="fold")
        for t in rows[:SHOWN]:
            table.add_row(f"[{STYLE[t['change']]}]{t['change']}[/]", escape(t["id"]),
                          t["before"] or "-", t["after"] or "-",
                          escape((t["note"].splitlines() or [""])[0][:120]))
        p(table)
        if len(rows) > SHOWN:
            p(f"... and {len(rows) - SHOWN} more (see --json)")
    p(f"tests: {summary(doc)}", highlight=False)
    if doc.get("before", {}).get("cached"):
        p(f"[dim]before: cached base run #{doc['before']['run_id']}[/]")
    timings = doc.get("timings", {})
    p("time: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()), highlight=False)
    style = {"ok": "green bold", "regressions": "red bold", "infra_error": "red bold"}
    p(f"[{style[doc['verdict']]}]{doc['verdict']}[/] ({escape(doc.get('reason') or '')})",
      highlight=False)


def _cell(text: str | None) -> str:
    return "-" if not text else text.replace("|", "\\|").replace("\n", " ")


def markdown(doc: dict[str, Any]) -> str:
    lines = [f"### Tests: {ICON[doc['verdict']]} {doc['verdict']} ({summary(doc)})", ""]
    env = f", env `{doc['env_key']}`" if doc.get("env_key") else ""
    lines.append(f"Checked with `harness verify`: recipe `{doc['recipe']}`, subset "
                 f"`{doc['subset']}`, at `{doc['ref']}` (`{doc['commit'][:12]}`){env}. "
                 f"The change ({doc['change']['description']}) applied with "
                 f"`{doc.get('applied_with', '-')}`"
                 + (f"; {doc['env_note']}." if doc.get("env_note") else "."))
    if doc["verdict"] != "ok":
        lines += ["", f"**{doc['verdict']}**: {doc.get('reason', '')}"]
    rows = interesting(doc)
    if rows:
        lines += ["", "| change | test | before | after |", "|---|---|---|---|"]
        for t in rows[:SHOWN]:
            lines.append(f"| {t['change'].replace('_', ' ')} | `{_cell(t['id'])}` | "
                         f"{_cell(t['before'])} | {_cell(t['after'])} |")
        if len(rows) > SHOWN:
            lines.append(f"| … | {len(rows) - SHOWN} more | | |")
    passing = (doc.get("counts") or {}).get("passing", 0)
    if passing:
        lines += ["", f"{passing} other selected test(s) pass before and after."]
    lines += ["", f"<details><summary>Selected: {selection_line(doc)}</summary>", ""]
    lines += [f"- `{s['path']}`: {s['reason']}" for s in doc.get("selection", [])]
    lines += [f"- {n}" for n in doc.get("notes", [])]
    lines += ["", "</details>", "", "<details><summary>Reproduce</summary>", "", "```bash"]
    commands = doc.get("commands", {})
    lines += [commands.get("harness", ""), "# or: " + commands.get("nox", "")]
    if commands.get("pytest"):
        lines += ["# the tests themselves, in a checkout with the env active:",
                  commands["pytest"]]
    lines += ["```", "", "</details>", ""]
    return "\n".join(lines)
