"""A recipe's labels: its beginner labels and aliases, matched case-insensitively."""
from __future__ import annotations

import functools
from collections.abc import Iterable

from harness.recipes import Triage

# labels every repository uses for these kinds, besides a recipe's aliases
KIND_LABELS: dict[str, tuple[str, ...]] = {
    "question": ("question", "usage", "help wanted: question"),
    "feature": ("feature request", "feature", "enhancement"),
    "new-model": ("new model", "new pipeline/model", "new scheduler"),
    "docs": ("documentation", "docs"),
    "bug": ("bug",),
}
# labels that say someone is on it, or nobody is
BUSY = ("wip", "work in progress", "in progress")
STALE = ("stale", "wontfix", "won't fix")


def fold(names: Iterable[str]) -> frozenset[str]:
    return _fold(tuple(names))


@functools.lru_cache(maxsize=4096)
def _fold(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(n.strip().casefold() for n in names)


# each folded label → the kinds it stands for (one look-up per label of an issue)
_KINDS_OF: dict[str, tuple[str, ...]] = {}
for _kind, _names in KIND_LABELS.items():
    for _name in fold(_names):
        _KINDS_OF[_name] = (*_KINDS_OF.get(_name, ()), _kind)


def beginner(triage: Triage, labels: Iterable[str]) -> str | None:
    """The first of the issue's labels that the recipe counts as a beginner label."""
    if not labels:
        return None
    wanted = fold(triage.beginner_labels)
    return next((lb for lb in labels if lb.strip().casefold() in wanted), None)


def first_issue(label: str | None) -> bool:
    """Whether a beginner label marks the issue for a first contribution ("good first
    issue", "Good First Documentation Issue"), not one that only welcomes a pull request
    ("contributions-welcome", "PRs welcome to address this") or asks for more ("Good Second
    Issue", "Good Difficult Issue").  Real posts: of the 32 issues of the dev set and the
    fresh sets that score hard and carry a beginner label, the readers call 17 hard and 2
    easy; the one of them labelled a first issue, hard."""
    return label is not None and "first" in label.casefold()


def kinds(triage: Triage, labels: Iterable[str]) -> set[str]:
    """Kinds ("question", "feature", …) and alias names the labels stand for."""
    have = fold(labels)
    if not have:
        return set()
    found = {kind for label in have for kind in _KINDS_OF.get(label, ())}
    found |= {alias for alias, names in triage.label_aliases.items()
              if not have.isdisjoint(fold(names))}
    return found


def matches(triage: Triage, labels: Iterable[str], wanted: str) -> bool:
    """Whether an issue with ``labels`` carries ``wanted``: a label name or an alias."""
    want = wanted.strip().casefold()
    have = fold(labels)
    if want in have:
        return True
    aliases = {k.casefold(): v for k, v in triage.label_aliases.items()}
    if want in aliases:
        return bool(have & fold(aliases[want]))
    if want == "beginner":
        return bool(have & fold(triage.beginner_labels))
    return False
