"""A merged report in the terminal (like ``harness reproduce``) and as Markdown."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from harness import report
from harness.fanout.merge import Merged
from harness.results import OUTCOMES

SHOWN = 30
ICON = {"passed": "✅", "failed": "❌", "infra_error": "⚠️"}


def shards_line(merged: Merged) -> str:
    s = merged.shards
    line = f"{len(s.merged)} of {s.total} shards"
    if s.selected is not None:
        line += f", {s.selected} selected tests"
    if s.durations_from and s.durations_from.startswith("none"):
        line += ", split by test counts (no whole run stored to take durations from)"
    elif s.durations_from:
        line += f", balanced by durations from {s.durations_from}"
    return line


def show(merged: Merged, console: Console | None = None) -> None:
    console = console or Console()
    report.show_run(merged.report, console)
    console.print(f"merged: {shards_line(merged)}", highlight=False, markup=False)
    for f in merged.shards.files:
        console.print(f"  shard {f.index}/{merged.shards.total}: {f.status}, {f.tests} tests, "
                      f"{f.seconds:.1f}s  [dim]{escape(f.path)}[/]", highlight=False)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:200]


def markdown(merged: Merged) -> str:
    """A block for a pull request or ``$GITHUB_STEP_SUMMARY``."""
    run = merged.report
    status = run.status.value
    counts = run.counts
    lines = [f"### harness: {ICON.get(status, '')} {status} — `{run.recipe}:{run.subset}` @ "
             f"`{run.ref}` (`{(run.commit or '')[:12]}`)", "",
             f"Merged {shards_line(merged)}.", ""]
    if run.reason:
        lines += [f"**{status}**: {_cell(run.reason)}", ""]
    lines += ["| " + " | ".join(OUTCOMES) + " |", "|" + "---:|" * len(OUTCOMES),
              "| " + " | ".join(str(counts[o]) for o in OUTCOMES) + " |", ""]
    bad = [t for t in run.tests if t.outcome in ("failed", "error")]
    if bad:
        lines += ["| outcome | test | message |", "|---|---|---|"]
        lines += [f"| {t.outcome} | `{_cell(t.id)}` | {_cell(t.message)} |" for t in bad[:SHOWN]]
        if len(bad) > SHOWN:
            lines.append(f"| … | {len(bad) - SHOWN} more | |")
        lines.append("")
    total = merged.shards.total
    lines += ["<details><summary>Shards</summary>", "", "| shard | status | tests | seconds |",
              "|---|---|---:|---:|"]
    lines += [f"| {f.index}/{total} | {f.status} | {f.tests} | {f.seconds:.1f} |"
              for f in merged.shards.files]
    lines += [f"| {k}/{total} | missing | | |" for k in merged.shards.missing]
    lines += ["", "</details>", ""]
    if run.command:
        lines += [f"Run it whole: `{run.command}`", ""]
    return "\n".join(lines)
