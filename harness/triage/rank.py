"""From stored issues to a ranked, filtered list: assess each, filter, sort best first."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from harness.recipes import Recipe
from harness.triage import features, hub, issues, labels, scoring
from harness.triage.issues import Issue
from harness.triage.scoring import Assessment


class Filters(NamedTuple):
    labels: tuple[str, ...] = ()  # each must match (a label name or an alias)
    beginner: bool = False  # fit for a beginner and free to take
    state: str = "open"  # "open", "closed" or "all"
    unassigned: bool = False
    cpu_only: bool = False
    limit: int | None = None


def assess_all(recipe: Recipe, items: Iterable[Issue], *, now: datetime | None = None,
               use_hub: bool = False) -> list[Assessment]:
    """Assess every issue (not pull request) in ``items``."""
    stored = list(items)
    linked = issues.open_linked_prs(stored)

    def one(issue: Issue, sizes: Mapping[str, float] | None = None) -> Assessment:
        f = features.extract(issue, recipe, now=now, hub=sizes,
                             linked_prs=linked.get(issue.number, ()))
        return scoring.assess(issue, f)

    found = [one(i) for i in stored if not i.is_pull]
    if use_hub:
        unsized = {m.name for a in found for m in a.features.models if m.billions is None}
        sizes = hub.parameter_counts(unsized)
        if sizes:
            found = [one(a.issue, sizes) if any(m.name in sizes for m in a.features.models)
                     else a for a in found]
    return found


def keep(recipe: Recipe, a: Assessment, filters: Filters) -> bool:
    issue, f = a.issue, a.features
    if filters.state not in ("all", issue.state):
        return False
    if not all(labels.matches(recipe.triage, issue.labels, w) for w in filters.labels):
        return False
    if (filters.unassigned or filters.beginner) and issue.assignees:
        return False
    if filters.cpu_only and a.needs_gpu:
        return False
    if filters.beginner:
        taken = bool(f.linked_prs) or "wip" in f.flags
        fit = a.band != "hard" or f.beginner_label is not None
        return not taken and fit and f.kind != "question"
    return True


def select(recipe: Recipe, assessed: Iterable[Assessment], filters: Filters) -> list[Assessment]:
    """The assessments that pass ``filters``: best score first, then the most recently
    updated, then the newest (stable sorts, least important key first)."""
    chosen = [a for a in assessed if keep(recipe, a, filters)]
    chosen.sort(key=lambda a: a.issue.number, reverse=True)
    chosen.sort(key=lambda a: a.issue.updated_at, reverse=True)
    chosen.sort(key=lambda a: a.score, reverse=True)
    return chosen[:filters.limit] if filters.limit is not None else chosen
