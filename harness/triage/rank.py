"""From stored issues to a ranked, filtered list: assess each, filter, sort best first."""
from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

from harness.recipes import Recipe
from harness.triage import boilerplate, features, hub, issues, labels, scoring, slices
from harness.triage import comments as comments_mod
from harness.triage.comments import Comment
from harness.triage.issues import Issue
from harness.triage.scoring import Assessment


class Filters(NamedTuple):
    labels: tuple[str, ...] = ()  # each must match (a label name or an alias)
    beginner: bool = False  # fit for a beginner and free to take
    state: str = "open"  # "open", "closed" or "all"
    unassigned: bool = False
    cpu_only: bool = False
    limit: int | None = None
    # with beginner: what the batch's issue forms say, and which posts say nothing more
    # (boilerplate.forms)
    forms: boilerplate.Forms = boilerplate.NONE


def assess_all(recipe: Recipe, items: Iterable[Issue], *, now: datetime | None = None,
               use_hub: bool = False,
               comments: Mapping[int, Sequence[Comment]] | None = None) -> list[Assessment]:
    """Assess every issue (not pull request) in ``items``, with its stored ``comments``
    (a large batch on every core: :mod:`.slices`)."""
    stored = list(items)
    linked = issues.open_linked_prs(stored)
    said = comments or {}

    def one(issue: Issue, sizes: Mapping[str, float] | None = None) -> Assessment:
        f = features.extract(issue, recipe, now=now, hub=sizes,
                             linked_prs=linked.get(issue.number, ()),
                             comments=said.get(issue.number, ()))
        # the words weighed, then dropped: the score holds them
        return scoring.assess(issue, f, keep=features.without_words(f))

    todo = [i for i in stored if not i.is_pull]

    def part(start: int, end: int) -> list[tuple[Any, ...]]:
        """A slice's assessments without their issue (a worker's are sent back pickled)."""
        return [tuple(one(i))[1:] for i in todo[start:end]]

    with _no_gc():
        done = (rest for s in slices.run(part, len(todo)) for rest in s)
        found = [Assessment._make((i, *rest)) for i, rest in zip(todo, done, strict=True)]
    if use_hub:
        unsized = {m.name for a in found for m in a.features.models if m.billions is None}
        sizes = hub.parameter_counts(unsized)
        if sizes:
            found = [one(a.issue, sizes) if any(m.name in sizes for m in a.features.models)
                     else a for a in found]
    return found


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cycle collector paused while a batch is assessed: assessing builds only acyclic
    values (strings, tuples, sets), yet the collector's passes over the growing list of
    results cost a fifth of the time.  Plain reference counting still frees everything.

    Then the results, long-lived, go straight to the collector's oldest generation
    (``gc.freeze`` and ``gc.unfreeze``), with whatever else it had not yet examined:
    otherwise its first pass after the pause walks every one of them, a tenth of the
    batch's time.  Not when the process froze objects itself: ``gc.unfreeze`` would
    release those too."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            _to_oldest_generation()
            gc.enable()


def _to_oldest_generation() -> None:
    """The objects the collector has not yet examined moved to its oldest generation."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def taken(a: Assessment) -> str | None:
    """Why someone is already on the issue, or None."""
    f = a.features
    if f.linked_prs:
        return f"open PR {', '.join(f'#{n}' for n in f.linked_prs)}"
    if f.claimed and comments_mod.standing(f.claim_quiet_days, f.open_parts) \
            is comments_mod.Standing.TAKEN:
        return f"claimed by {f.claimed} in a comment"
    if "wip" in f.flags:
        return "labelled work in progress"
    if a.issue.assignees:
        return f"assigned to {', '.join(a.issue.assignees)}"
    return None


# a title that names code: an identifier (``test_enro_generate``), a file, a call or code
# in backticks ("Fix slow test_enro_generate", "snr_gamma, captions to train_dreambooth.py":
# real titles of posts that say nothing else)
_NAMES_CODE = re.compile(r"\w_\w|\.py\b|`|\w\(")
NO_TASK = "tells no task: its post says nothing, its title names no code"


def tells_no_task(a: Assessment, forms: boilerplate.Forms = boilerplate.NONE) -> bool:
    """Whether the issue tells a beginner nothing to do: its post says nothing beyond its
    title (:func:`.body.says_nothing`: an empty template, a bare link, spam), or nothing
    beyond the lines of the batch's issue forms (``forms``, :func:`.boilerplate.forms`: an
    unfilled form, whose prompts are words), and the title names no code ("[SPAM]", "Hi"
    then "Hello", "accelerate config" then "removed", "[Benchmark]" over an unfilled form:
    real posts, which the score put in the medium band and some in the easy band)."""
    title = a.issue.title
    # (a title that is the form's own heading names nothing of the reporter's: "# 🖥
    # Benchmarking `transformers`", a real title over an unfilled form)
    if _NAMES_CODE.search(title) and boilerplate.normal(title) not in forms.lines:
        return False
    return a.features.says_nothing or a.issue.number in forms.unfilled


def unfit(a: Assessment, forms: boilerplate.Forms = boilerplate.NONE) -> str | None:
    """Why ``--beginner`` leaves out an issue its other filters keep: someone is on it
    (:func:`taken`), or it tells no task (:func:`tells_no_task`); None when neither."""
    if (why := taken(a)) is not None:
        return why
    return NO_TASK if tells_no_task(a, forms) else None


def keep(recipe: Recipe, a: Assessment, filters: Filters, *, ignore_unfit: bool = False) -> bool:
    issue, f = a.issue, a.features
    if filters.state not in ("all", issue.state):
        return False
    if not all(labels.matches(recipe.triage, issue.labels, w) for w in filters.labels):
        return False
    if (filters.unassigned or (filters.beginner and not ignore_unfit)) and issue.assignees:
        return False
    if filters.cpu_only and a.needs_gpu:
        return False
    if filters.beginner:
        # a hard one only when the maintainers marked it for a first contribution
        fit = a.band != "hard" or labels.first_issue(f.beginner_label)
        return fit and f.kind != "question" and (ignore_unfit or unfit(a, filters.forms) is None)
    return True


def left_out(recipe: Recipe, assessed: Iterable[Assessment],
             filters: Filters) -> list[tuple[Assessment, str]]:
    """With ``--beginner``: the issues that would be listed but someone is on or that tell
    no task (:func:`unfit`), and why."""
    if not filters.beginner:
        return []
    found = [(a, why) for a in assessed if keep(recipe, a, filters, ignore_unfit=True)
             and (why := unfit(a, filters.forms)) is not None]
    found.sort(key=lambda p: -p[0].score)
    return found


def unmatched_labels(recipe: Recipe, stored: Iterable[Issue],
                     wanted: Iterable[str]) -> list[str]:
    """The ``--label`` values that no stored issue carries (a typo, or another repo's name)."""
    items = list(stored)
    return [w for w in wanted if not any(labels.matches(recipe.triage, i.labels, w)
                                         for i in items)]


def common_labels(stored: Iterable[Issue], n: int = 8) -> list[tuple[str, int]]:
    """The ``n`` labels the stored issues carry most, with their counts."""
    seen = Counter(label for i in stored for label in i.labels)
    return sorted(seen.items(), key=lambda p: (-p[1], p[0]))[:n]


def count(recipe: Recipe, assessed: Iterable[Assessment], filters: Filters) -> int:
    """How many assessments pass ``filters`` (its limit aside)."""
    return sum(keep(recipe, a, filters) for a in assessed)


def select(recipe: Recipe, assessed: Iterable[Assessment], filters: Filters) -> list[Assessment]:
    """The assessments that pass ``filters``: best score first, then the most recently
    updated, then the newest (stable sorts, least important key first)."""
    chosen = [a for a in assessed if keep(recipe, a, filters)]
    chosen.sort(key=lambda a: a.issue.number, reverse=True)
    chosen.sort(key=lambda a: a.issue.updated_at, reverse=True)
    chosen.sort(key=lambda a: a.score, reverse=True)
    return chosen[:filters.limit] if filters.limit is not None else chosen
