"""``harness merge``: one report from the shard reports of one split selection.

Shards belong together when they ran the same recipe, subset, ref, commit and env and
split the same selection the same way (the ``shard`` block's digests).  Anything else is
refused with one line.  A missing, duplicated or overlapping shard, or shards whose tests
are not the selection they came from, is flagged: the merged report still shows what
there is, with status ``infra_error``.  Counts and the verdict are recomputed over all
the tests (:mod:`harness.results`), as if the selection had run whole.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import results
from harness.errors import HarnessError
from harness.results import TestResult
from harness.run_report import RunReport
from harness.shard import ShardInfo
from harness.status import Status

IDENTITY = ("recipe", "subset", "ref", "commit", "env_key")
_SHARD_FLAGS = re.compile(r" --(shard|durations) \S+")


@dataclass(frozen=True)
class ShardReport:
    path: Path
    report: RunReport
    info: ShardInfo


def load(path: Path) -> ShardReport:
    """A shard's report, or one line saying why the file is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise HarnessError(f"{path}: cannot read it ({e.strerror or e})") from None
    if not text.strip():
        raise HarnessError(f"{path}: empty file, not a harness report",
                           hint="a shard that failed before it could report leaves an empty "
                                "file: delete it and merge flags the shard as missing")
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise HarnessError(f"{path}: not a harness shard report (not JSON: {e})") from None
    report = RunReport.from_json(doc, what=str(path))
    if report.shard is None:
        raise HarnessError(f"{path}: a whole run, not a shard (no 'shard' key)",
                           hint="merge the reports of `harness reproduce ... --shard K/N`")
    return ShardReport(path, report, report.shard)


@dataclass(frozen=True)
class ShardFile:
    index: int
    path: str
    status: str
    tests: int
    seconds: float


@dataclass(frozen=True)
class MergeInfo:
    """How the merged report was put together."""

    total: int
    merged: tuple[int, ...]
    missing: tuple[int, ...]
    duplicated: tuple[int, ...]
    selected: int | None
    selection: str | None
    plan: str | None
    durations_from: str | None
    files: tuple[ShardFile, ...]

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "merged": list(self.merged), "missing": list(self.missing),
                "duplicated": list(self.duplicated), "selected": self.selected,
                "selection": self.selection, "plan": self.plan,
                "durations_from": self.durations_from,
                "files": [dataclasses.asdict(f) for f in self.files]}


@dataclass(frozen=True)
class Merged:
    report: RunReport  # as if the selection had run whole
    shards: MergeInfo

    def to_json(self) -> dict[str, Any]:
        """``reproduce --json``'s document, plus a ``shards`` block."""
        return self.report.to_json() | {"shards": self.shards.to_json()}


def check_together(reports: list[ShardReport]) -> None:
    """Refuse reports that are not shards of one split of one run (one line)."""
    first: dict[str, tuple[Any, Path]] = {}
    for r in reports:
        values = {key: getattr(r.report, key) for key in IDENTITY}
        values |= {"total": r.info.total, "selection": r.info.selection, "plan": r.info.plan}
        for key, value in values.items():
            if value is None:  # a shard that failed early: flagged below, not refused
                continue
            if key not in first:
                first[key] = (value, r.path)
                continue
            seen, where = first[key]
            if value != seen:
                raise HarnessError(f"{r.path} does not belong with {where}: "
                                   f"{_what(key, value, seen)}", hint=_hint(key))


def _what(key: str, value: Any, seen: Any) -> str:
    if key == "total":
        return f"it is a shard of {value}, the other of {seen}"
    if key == "selection":
        return "they split different selections of tests"
    if key == "plan":
        return "the selection was split differently (balanced by other durations)"
    return f"{key} {str(value)[:40]} vs {str(seen)[:40]}"


def _hint(key: str) -> str:
    if key == "plan":
        return ("run every shard with the same `--durations REPORT` (e.g. the last merged "
                "report), or from stores with the same history")
    return "merge only the shards of one `harness reproduce ... --shard K/N` fan-out"


def _digest(ids: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(set(ids))).encode()).hexdigest()[:16]


def _combine(used: list[ShardReport]) -> tuple[list[TestResult], list[str]]:
    """All the shards' tests, and the ids that more than one shard ran."""
    tests: dict[str, TestResult] = {}
    overlap: list[str] = []
    for r in used:
        for t in r.report.tests:
            previous = tests.get(t.id)
            if previous is None:
                tests[t.id] = t
            elif "::" in t.id:  # a test two shards ran: the split is broken
                overlap.append(t.id)
            elif results.OUTCOMES.index(t.outcome) < results.OUTCOMES.index(previous.outcome):
                tests[t.id] = t  # a module every shard reports (a collection error): once
    return sorted(tests.values(), key=lambda t: t.id), overlap


def problems(reports: list[ShardReport], used: list[ShardReport], tests: list[TestResult],
             overlap: list[str]) -> tuple[list[int], list[int], list[str]]:
    """Missing shard numbers, duplicated shard numbers and every reason to distrust the whole."""
    total = reports[0].info.total
    indices = [r.info.index for r in reports]
    missing = [k for k in range(1, total + 1) if k not in indices]
    duplicated = sorted({k for k in indices if indices.count(k) > 1})
    found: list[str] = []
    if missing:
        found.append(f"missing shard(s) {', '.join(map(str, missing))} of {total}")
    for k in duplicated:
        files = ", ".join(str(r.path) for r in reports if r.info.index == k)
        found.append(f"shard {k}/{total} given more than once ({files}); the first is used")
    if overlap:
        found.append(f"{len(overlap)} test(s) ran in more than one shard, e.g. {overlap[0]}")
    for r in used:
        if r.report.status == Status.INFRA_ERROR:
            found.append(f"shard {r.info.label} failed: {r.report.reason or 'infra_error'}")
    info = _info(used)
    if not missing and not overlap and info.selection and info.selected is not None:
        ran = [t.id for t in tests if "::" in t.id]
        if len(ran) != info.selected or _digest(ran) != info.selection:
            found.append(f"the shards ran {len(ran)} test(s), not the {info.selected} of the "
                         "selection they split")
    return missing, duplicated, found


def _info(reports: list[ShardReport]) -> ShardInfo:
    """The split as a shard that reached collection saw it."""
    return next((r.info for r in reports if r.info.selection), reports[0].info)


def merge(reports: list[ShardReport]) -> Merged:
    """One report, as if the selection had run whole."""
    if not reports:
        raise HarnessError("no reports to merge")
    check_together(reports)
    used: dict[int, ShardReport] = {}
    for r in reports:
        used.setdefault(r.info.index, r)
    shards = [used[k] for k in sorted(used)]
    tests, overlap = _combine(shards)
    missing, duplicated, found = problems(reports, shards, tests, overlap)
    exit_code = 1 if any(r.report.exit_code == 1 for r in shards) else 0
    verdict = results.verdict(exit_code, tests)
    if found:
        verdict = results.Verdict("infra_error", "; ".join(found))
        exit_code = 2
    first = next((r.report for r in shards if r.report.commit), shards[0].report)
    info = _info(shards)
    totals = [r.report.timings.get("total", 0.0) for r in shards]
    merged = first.replace(
        started_at=min(r.report.started_at for r in shards),
        command=_SHARD_FLAGS.sub("", first.command), status=Status(verdict.status),
        reason=verdict.reason, exit_code=exit_code, tests=tuple(tests),
        timings={"total": max(totals),
                 "tests": max(r.report.timings.get("tests", 0.0) for r in shards),
                 "machine_total": round(sum(totals), 3)},
        worktree=None, env_path=None, env_built=None, pytest=None, log=None, junit=None,
        run_id=None, shard=None)
    files = tuple(ShardFile(r.info.index, str(r.path), r.report.status.value,
                            len(r.report.tests), r.report.timings.get("total", 0.0))
                  for r in shards)
    return Merged(merged, MergeInfo(info.total, tuple(sorted(used)), tuple(missing),
                                    tuple(duplicated), info.selected, info.selection,
                                    info.plan, info.durations_from, files))
