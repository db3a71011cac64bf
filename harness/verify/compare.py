"""Before vs after, test by test: fixed, broken, still failing, passing, new, removed, flaky.

A test counts as failing when its outcome is ``failed`` or ``error``; passed, skipped,
xfail and xpass count as not failing.  A collection error of a file (an import that
only works after the fix) gives each of that file's tests an ``error`` on that side.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Literal, NamedTuple

from harness.results import TestResult

ChangeKind = Literal["fixed", "broken", "still_failing", "passing", "new", "removed", "flaky"]
CHANGES: tuple[ChangeKind, ...] = ("broken", "fixed", "flaky", "still_failing", "new",
                                   "removed", "passing")
BAD = ("failed", "error")
RERUN_LIMIT = 300  # more changed tests than this: rerun their files instead


class Row(NamedTuple):
    id: str
    before: str | None  # outcome, None: not there
    after: str | None
    change: ChangeKind
    note: str = ""


class Verdict(NamedTuple):
    status: Literal["ok", "regressions", "infra_error"]
    reason: str


def failing(outcome: str | None) -> bool:
    return outcome in BAD


def file_of(test_id: str) -> str:
    return test_id.split("::", maxsplit=1)[0]


def _by_id(results: Iterable[TestResult], other: Iterable[TestResult]
           ) -> dict[str, tuple[str, str]]:
    """Outcomes by id; a collection error stands for every test of its file seen in ``other``."""
    found: dict[str, tuple[str, str]] = {r.id: (r.outcome, r.message) for r in results
                                         if "::" in r.id}
    broken_files = {r.id: r.message for r in results if "::" not in r.id}
    for r in other:
        if "::" in r.id and r.id not in found and file_of(r.id) in broken_files:
            found[r.id] = ("error", f"collection error: {broken_files[file_of(r.id)]}")
    covered = {file_of(t) for t in found}
    for path, message in broken_files.items():
        if path not in covered:
            found[path] = ("error", f"collection error: {message}")
    return found


def classify(before: list[TestResult], after: list[TestResult]) -> list[Row]:
    old, new = _by_id(before, after), _by_id(after, before)
    rows: list[Row] = []
    for test in sorted(old.keys() | new.keys()):
        b, a = old.get(test), new.get(test)
        note = (a if a is not None and (failing(a[0]) or b is None) else b or ("", ""))[1]
        if b is None:
            kind: ChangeKind = "new"
        elif a is None:
            kind = "removed"
        elif failing(b[0]) and not failing(a[0]):
            kind = "fixed"
        elif not failing(b[0]) and failing(a[0]):
            kind = "broken"
        elif failing(a[0]):
            kind = "still_failing"
        else:
            kind = "passing"
        rows.append(Row(test, b[0] if b else None, a[0] if a else None, kind,
                        note if kind != "passing" else ""))
    return _shifted(rows)


def _shifted(rows: list[Row]) -> list[Row]:
    """Note new/removed pairs of one parametrized test: its ids may just have shifted."""
    moved = {r.id: r.id.split("[", 1)[0] for r in rows
             if r.change in ("new", "removed") and "[" in r.id}
    sides = Counter(f"{moved[r.id]} {r.change}" for r in rows if r.id in moved)
    note = "parametrized ids of this test differ before and after (ids shift when a case is added)"
    return [r._replace(note=note) if r.id in moved and sides[f"{moved[r.id]} new"]
            and sides[f"{moved[r.id]} removed"] else r for r in rows]


def to_rerun(rows: list[Row]) -> list[str]:
    """The tests whose outcome changed, to run once more on each side."""
    return [r.id for r in rows if r.change in ("fixed", "broken") and "::" in r.id]


def rerun_targets(ids: list[str]) -> tuple[str, ...]:
    if len(ids) <= RERUN_LIMIT:
        return tuple(ids)
    return tuple(sorted({file_of(t) for t in ids}))


def mark_flaky(rows: list[Row], again_before: list[TestResult], again_after: list[TestResult]
               ) -> list[Row]:
    """A changed test whose rerun disagrees with its first run on either side is flaky."""
    before, after = _by_id(again_before, []), _by_id(again_after, [])

    def check(row: Row) -> Row:
        flips = [side for side, first, again in (("before", row.before, before.get(row.id)),
                                                  ("after", row.after, after.get(row.id)))
                 if again is not None and failing(first) != failing(again[0])]
        if row.change not in ("fixed", "broken") or not flips:
            return row
        return row._replace(change="flaky", note=f"{row.change} on the first run; a rerun "
                            f"{' and '.join(flips)} gave another outcome")

    return [check(row) for row in rows]


def counts(rows: list[Row]) -> dict[str, int]:
    c = Counter(r.change for r in rows)
    return {k: c.get(k, 0) for k in CHANGES}


def verdict(rows: list[Row]) -> Verdict:
    c = counts(rows)
    new_failing = [r for r in rows if r.change == "new" and failing(r.after)]
    if c["broken"] or new_failing:
        parts = [f"{c['broken']} broken"] if c["broken"] else []
        parts += [f"{len(new_failing)} new test(s) failing"] if new_failing else []
        return Verdict("regressions", ", ".join(parts))
    parts = [f"{c[k]} {k.replace('_', ' ')}" for k in ("fixed", "flaky", "still_failing")
             if c[k]]
    return Verdict("ok", ", ".join(parts) or ("nothing broken" if rows else "no tests run"))
