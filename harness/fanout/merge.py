"""``harness merge``: one report from the shard reports of one split selection.

Shards belong together when they ran the same recipe, subset, ref, commit and env and
split the same selection the same way (the ``shard`` block's digests).  Anything else is
refused with one line.  A missing, duplicated or overlapping shard, or shards whose tests
are not the selection they came from, is flagged: the merged report still shows what
there is, with status ``infra_error``.  Counts and the verdict are recomputed over all
the tests (:mod:`harness.results`), as if the selection had run whole.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import results
from harness.errors import HarnessError
from harness.fanout.shard import ShardInfo
from harness.results import TestResult

IDENTITY = ("recipe", "subset", "ref", "commit", "env_key")
REQUIRED = ("recipe", "subset", "ref", "status", "tests")
_SHARD_FLAGS = re.compile(r" --(shard|durations) \S+")


@dataclass(frozen=True)
class ShardReport:
    path: Path
    doc: dict[str, Any]  # the ``--json`` document of one shard
    info: ShardInfo
    tests: tuple[TestResult, ...]


def _test(data: Any) -> TestResult:
    if not isinstance(data, dict) or data.get("outcome") not in results.OUTCOMES:
        raise ValueError(f"a test entry is not a result: {str(data)[:80]}")
    return TestResult(str(data["id"]), data["outcome"], float(data.get("duration") or 0),
                      str(data.get("message") or ""))


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
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
        missing = [k for k in REQUIRED if k not in doc]
        if missing:
            raise ValueError(f"no {', '.join(missing)}")
        if "shard" not in doc:
            raise HarnessError(f"{path}: a whole run, not a shard (no 'shard' key)",
                               hint="merge the reports of `harness reproduce ... --shard K/N`")
        info = ShardInfo.from_json(doc["shard"])
        if not isinstance(doc["tests"], list):
            raise ValueError("'tests' is not a list")
        tests = tuple(_test(t) for t in doc["tests"])
    except (ValueError, TypeError, KeyError) as e:
        raise HarnessError(f"{path}: not a harness shard report ({e})") from None
    return ShardReport(path, doc, info, tests)


def check_together(reports: list[ShardReport]) -> None:
    """Refuse reports that are not shards of one split of one run (one line)."""
    first: dict[str, tuple[Any, Path]] = {}
    for r in reports:
        values = {key: r.doc.get(key) for key in IDENTITY}
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
        for t in r.tests:
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
        if r.doc["status"] == "infra_error":
            found.append(f"shard {r.info.label} failed: {r.doc.get('reason') or 'infra_error'}")
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


def merge(reports: list[ShardReport]) -> dict[str, Any]:
    """One report, as if the selection had run whole (same keys as ``reproduce --json``)."""
    if not reports:
        raise HarnessError("no reports to merge")
    check_together(reports)
    used: dict[int, ShardReport] = {}
    for r in reports:
        used.setdefault(r.info.index, r)
    shards = [used[k] for k in sorted(used)]
    tests, overlap = _combine(shards)
    missing, duplicated, found = problems(reports, shards, tests, overlap)
    exit_code = 1 if any(r.doc.get("exit_code") == 1 for r in shards) else 0
    verdict = results.verdict(exit_code, tests)
    if found:
        verdict = results.Verdict("infra_error", "; ".join(found))
        exit_code = 2
    first = next((r.doc for r in shards if r.doc.get("commit")), shards[0].doc)
    info = _info(shards)
    timings = [r.doc.get("timings") or {} for r in shards]
    return {
        "recipe": first["recipe"], "subset": first["subset"], "ref": first["ref"],
        "commit": first.get("commit"), "env_key": first.get("env_key"),
        "backend": first.get("backend"), "source": first.get("source"),
        "started_at": min(str(r.doc.get("started_at") or "") for r in shards),
        "command": _SHARD_FLAGS.sub("", str(first.get("command") or "")),
        "status": verdict.status, "reason": verdict.reason, "exit_code": exit_code,
        "counts": results.counts(tests), "tests": [t._asdict() for t in tests],
        "timings": {
            "total": max((float(t.get("total") or 0) for t in timings), default=0.0),
            "tests": max((float(t.get("tests") or 0) for t in timings), default=0.0),
            "machine_total": round(sum(float(t.get("total") or 0) for t in timings), 3),
        },
        "shards": {
            "total": info.total, "merged": sorted(used), "missing": missing,
            "duplicated": duplicated, "selected": info.selected, "selection": info.selection,
            "plan": info.plan, "durations_from": info.durations_from,
            "files": [{"index": r.info.index, "path": str(r.path), "status": r.doc["status"],
                       "tests": len(r.tests),
                       "seconds": float((r.doc.get("timings") or {}).get("total") or 0)}
                      for r in shards],
        },
    }
