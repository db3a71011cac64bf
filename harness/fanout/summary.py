"""A merged report in the terminal (like ``harness reproduce``) and as Markdown."""
from __future__ import annotations

from typing import Any

from rich.console import Console

from harness import report
from harness.results import OUTCOMES

SHOWN = 30
ICON = {"passed": "✅", "failed": "❌", "infra_error": "⚠️"}


def shards_line(doc: dict[str, Any]) -> str:
    s = doc["shards"]
    line = f"{len(s['merged'])} of {s['total']} shards"
    if s.get("selected") is not None:
        line += f", {s['selected']} selected tests"
    if s.get("durations_from"):
        line += f", balanced by durations from {s['durations_from']}"
    return line


def show(doc: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    report.show_run(doc, console)
    console.print(f"merged: {shards_line(doc)}", highlight=False)
    for f in doc["shards"]["files"]:
        console.print(f"  shard {f['index']}/{doc['shards']['total']}: {f['status']}, "
                      f"{f['tests']} tests, {f['seconds']:.1f}s  [dim]{f['path']}[/]",
                      highlight=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:200]


def markdown(doc: dict[str, Any]) -> str:
    """A block for a pull request or ``$GITHUB_STEP_SUMMARY``."""
    status = doc["status"]
    counts = doc.get("counts") or {}
    commit = (doc.get("commit") or "")[:12]
    lines = [f"### harness: {ICON.get(status, '')} {status} — `{doc['recipe']}:"
             f"{doc['subset']}` @ `{doc['ref']}` (`{commit}`)", "",
             f"Merged {shards_line(doc)}.", ""]
    if doc.get("reason"):
        lines += [f"**{status}**: {_cell(doc['reason'])}", ""]
    lines += ["| " + " | ".join(OUTCOMES) + " |", "|" + "---:|" * len(OUTCOMES),
              "| " + " | ".join(str(counts.get(o, 0)) for o in OUTCOMES) + " |", ""]
    bad = [t for t in doc.get("tests", []) if t["outcome"] in ("failed", "error")]
    if bad:
        lines += ["| outcome | test | message |", "|---|---|---|"]
        lines += [f"| {t['outcome']} | `{_cell(t['id'])}` | {_cell(t['message'])} |"
                  for t in bad[:SHOWN]]
        if len(bad) > SHOWN:
            lines.append(f"| … | {len(bad) - SHOWN} more | |")
        lines.append("")
    lines += ["<details><summary>Shards</summary>", "", "| shard | status | tests | seconds |",
              "|---|---|---:|---:|"]
    total = doc["shards"]["total"]
    lines += [f"| {f['index']}/{total} | {f['status']} | {f['tests']} | {f['seconds']:.1f} |"
              for f in doc["shards"]["files"]]
    lines += [f"| {k}/{total} | missing | | |" for k in doc["shards"]["missing"]]
    lines += ["", "</details>", ""]
    if doc.get("command"):
        lines += ["Run it whole: `" + doc["command"] + "`", ""]
    return "\n".join(lines)
