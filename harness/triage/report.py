"""Show assessments: a rich table, one issue in full, or JSON."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from harness.recipes import Recipe
from harness.triage import scoring
from harness.triage.scoring import Assessment
from harness.triage.suggest import Suggestion, suggest

REASONS = 3  # reasons shown per row (all of them in JSON and `harness issue`)
_BAND_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}


def as_dict(a: Assessment, s: Suggestion) -> dict[str, Any]:
    i, f = a.issue, a.features
    return {
        "repo": i.repo, "number": i.number, "title": i.title, "url": i.url, "state": i.state,
        "labels": list(i.labels), "assignees": list(i.assignees), "kind": f.kind,
        "score": a.score, "band": a.band, "needs_gpu": a.needs_gpu,
        "gpu_score": a.gpu_score, "gpu_reasons": list(a.gpu_reasons),
        "claimed_by": a.features.claimed or None,
        # days since the claimant last wrote in the thread (None: nobody claimed it)
        "claimant_quiet_days": a.features.claim_quiet_days if a.features.claimed else None,
        "memory_gb": None if f.memory_gb is None else round(f.memory_gb, 1),
        "reasons": list(a.reasons), "linked_prs": list(f.linked_prs),
        "suggested_tests": list(s.tests), "suggested_subset": s.subset, "command": s.command,
        "comments": i.comments, "created_at": i.created_at, "updated_at": i.updated_at,
    }


def as_json(recipe: Recipe, assessed: list[Assessment]) -> list[dict[str, Any]]:
    return [as_dict(a, suggest(a.issue, recipe, a.features, gpu_word(a))) for a in assessed]


def gpu_word(a: Assessment) -> str:
    """"yes", "maybe" or "" (:func:`.scoring.gpu_answer`): a GPU issue is the worst advice
    for a laptop, so the flag is set to miss few."""
    return scoring.gpu_answer(a.needs_gpu, a.gpu_score)


@dataclass(frozen=True)
class Counts:
    """What a table's header tells: ``total`` issues pass the filters, of ``in_state``
    stored ones in ``state`` (None: not counted), of ``stored`` in every state."""

    total: int
    in_state: int | None = None
    state: str = "open"
    stored: int = 0


def table(console: Console, repo: str, assessed: list[Assessment], counts: Counts) -> None:
    """``assessed`` (the first rows of those that pass the filters), and how many of the
    stored issues in the state asked for the filters left out."""
    total, in_state, state, stored = counts.total, counts.in_state, counts.state, counts.stored
    which = "stored" if state == "all" else state
    if not assessed:
        if not in_state and state != "all" and stored:
            console.print(f"{escape(repo)}: none of the {stored} stored issues is {state} "
                          f"(--state all shows them)", soft_wrap=True)
        else:
            console.print(f"{escape(repo)}: none of the {in_state or 0} {which} issues passes "
                          f"the filters; try fewer", soft_wrap=True)
        return
    title = f"{repo}: {len(assessed)} of {total} {'' if state == 'all' else state + ' '}" \
            "issues, best first"
    notes = []
    if in_state is not None and in_state > total:
        notes.append(f"{in_state - total} of the {in_state} {which} left out by the filters")
    if state != "all" and in_state is not None and stored > in_state:
        notes.append(f"{stored - in_state} more stored, not {state}: --state all shows them")
    if notes:
        title += f" ({'; '.join(notes)})"
    t = Table(title=title, title_justify="left")
    t.add_column("#", justify="right", style="cyan", no_wrap=True)
    t.add_column("score", justify="right", no_wrap=True)
    t.add_column("band", no_wrap=True)
    t.add_column("GPU", no_wrap=True)
    t.add_column("issue and why")
    for a in assessed:
        why = escape("; ".join(a.reasons[:REASONS]))
        t.add_row(
            str(a.issue.number), scoring.shown(a.score),
            f"[{_BAND_STYLE[a.band]}]{a.band}[/]", gpu_word(a),
            f"[bold]{escape(a.issue.title)}[/]\n[dim]{why}[/]",
        )
    console.print(t)


def detail(console: Console, a: Assessment, s: Suggestion) -> None:
    i = a.issue
    console.print(f"[bold]{escape(i.repo)}#{i.number}[/] {escape(i.title)}")
    console.print(f"{i.url}  ({i.state}; labels: {escape(', '.join(i.labels) or 'none')})")
    console.print(
        f"score [bold]{scoring.shown(a.score)}[/] ([{_BAND_STYLE[a.band]}]{a.band}[/]), "
        f"kind {a.features.kind}, needs a GPU: {gpu_word(a) or 'no'}"
    )
    for reason in a.reasons:
        console.print(f"  {escape(reason)}")
    console.print(f"needs a GPU: {a.gpu_score:.0%} by the GPU model"
                  + (" (flagged)" if a.needs_gpu else ""))
    for reason in a.gpu_reasons:
        console.print(f"  {escape(reason)}", style="dim")
    console.print(f"tests: {escape(', '.join(s.tests) or 'none')}  ({escape(s.why)})")
    console.print(f"to {s.action}, run:")
    console.print(f"  {escape(s.command)}", style="bold", soft_wrap=True)
