"""The report of one ``reproduce`` run: a typed value, its JSON document and back.

The JSON document (``harness reproduce --json``, the store's ``runs.document``, shard
files) keeps the keys it has always had; :meth:`RunReport.from_json` reads it back and
refuses, in one line, a document that is not one.
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from harness import results
from harness.errors import HarnessError
from harness.results import MISSING_MESSAGE, OUTCOMES, TestResult
from harness.shard import Durations, ShardInfo
from harness.status import Status


@dataclass(frozen=True)
class PytestCall:
    """How pytest was started: enough to run the same tests by hand."""

    argv: tuple[str, ...]
    env: Mapping[str, str]
    workers: int
    threads: int

    def to_json(self) -> dict[str, Any]:
        return {"argv": list(self.argv), "env": dict(self.env), "workers": self.workers,
                "threads": self.threads}


@dataclass(frozen=True)
class RunReport:
    recipe: str
    subset: str
    ref: str
    backend: str
    started_at: str
    command: str  # the command that runs the same again
    status: Status = Status.INFRA_ERROR
    reason: str = ""  # one line, for failures and infrastructure errors
    commit: str | None = None
    source: str | None = None
    worktree: str | None = None
    env_key: str | None = None
    env_path: str | None = None
    env_built: bool | None = None
    exit_code: int | None = None  # pytest's
    tests: tuple[TestResult, ...] = ()
    timings: Mapping[str, float] = field(default_factory=dict)
    pytest: PytestCall | None = None
    log: str | None = None
    junit: str | None = None
    run_id: int | None = None
    shard: ShardInfo | None = None  # ``--shard K/N``: which shard of which selection

    def replace(self, **changes: Any) -> RunReport:
        return dataclasses.replace(self, **changes)

    @property
    def counts(self) -> dict[str, int]:
        return results.counts(list(self.tests))

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "recipe": self.recipe, "subset": self.subset, "ref": self.ref,
            "commit": self.commit, "env_key": self.env_key, "backend": self.backend,
            "started_at": self.started_at, "command": self.command,
        }
        optional = {"source": self.source, "worktree": self.worktree,
                    "env_path": self.env_path, "env_built": self.env_built}
        doc.update({k: v for k, v in optional.items() if v is not None})
        doc.update(status=self.status.value, reason=self.reason, exit_code=self.exit_code,
                   counts=self.counts, tests=[t._asdict() for t in self.tests],
                   timings=dict(self.timings))
        if self.pytest is not None:
            doc["pytest"] = self.pytest.to_json()
        doc.update({k: v for k, v in (("log", self.log), ("junit", self.junit),
                                      ("run_id", self.run_id)) if v is not None})
        if self.shard is not None:
            doc["shard"] = self.shard.to_json()
        return doc

    @classmethod
    def from_json(cls, doc: object, what: str = "the report") -> RunReport:
        """Read a document written by :meth:`to_json`; one line naming what is wrong."""
        if not isinstance(doc, Mapping):
            raise HarnessError(f"{what} is not a harness run report (not a JSON object)")
        d = cast(Mapping[str, Any], doc)

        def text(key: str, optional: bool = False) -> Any:
            value = d.get(key)
            if value is None and optional:
                return None
            if not isinstance(value, str):
                raise HarnessError(f"{what} is not a harness run report: {key!r} is missing "
                                   "or not a string")
            return value

        status = Status.parse(str(d.get("status")))
        if status is None:
            raise HarnessError(f"{what} has an unknown status {d.get('status')!r}")
        pytest = d.get("pytest")
        return cls(
            recipe=text("recipe"), subset=text("subset"), ref=text("ref"),
            backend=str(d.get("backend") or ""), started_at=text("started_at"),
            command=str(d.get("command") or ""), status=status,
            reason=str(d.get("reason") or ""), commit=text("commit", True),
            source=text("source", True), worktree=text("worktree", True),
            env_key=text("env_key", True), env_path=text("env_path", True),
            env_built=_opt_bool(d.get("env_built")), exit_code=_opt_int(d.get("exit_code")),
            tests=tuple(_test(t, what) for t in _list(d.get("tests"), "tests", what)),
            timings={str(k): float(v) for k, v in _map(d.get("timings"), "timings", what)},
            pytest=_pytest(pytest, what) if pytest is not None else None,
            log=text("log", True), junit=text("junit", True),
            run_id=_opt_int(d.get("run_id")),
            shard=_shard(d["shard"], what) if d.get("shard") is not None else None,
        )


def _opt_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _list(value: object, key: str, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise HarnessError(f"{what} is not a harness run report: {key!r} is not a list")
    return value


def _map(value: object, key: str, what: str) -> list[tuple[Any, Any]]:
    if value is None:
        return []
    if not isinstance(value, Mapping):
        raise HarnessError(f"{what} is not a harness run report: {key!r} is not an object")
    try:
        return [(k, float(v)) for k, v in value.items()]
    except (TypeError, ValueError) as e:
        raise HarnessError(f"{what} is not a harness run report: {key!r} holds a "
                           "non-number") from e


def _test(value: object, what: str) -> TestResult:
    if (not isinstance(value, Mapping) or not isinstance(value.get("id"), str)
            or value.get("outcome") not in OUTCOMES):
        raise HarnessError(f"{what} is not a harness run report: a test has no id or an "
                           "unknown outcome")
    try:
        duration = float(value.get("duration") or 0.0)
    except (TypeError, ValueError) as e:
        raise HarnessError(f"{what}: test {value['id']} has a non-number duration") from e
    return TestResult(value["id"], value["outcome"], duration, str(value.get("message") or ""))


def _shard(value: object, what: str) -> ShardInfo:
    try:
        return ShardInfo.from_json(value)
    except ValueError as e:
        raise HarnessError(f"{what} is not a harness run report: {e}") from None


def _pytest(value: object, what: str) -> PytestCall:
    if not isinstance(value, Mapping):
        raise HarnessError(f"{what} is not a harness run report: 'pytest' is not an object")
    env = value.get("env") or {}
    return PytestCall(tuple(str(a) for a in _list(value.get("argv"), "pytest.argv", what)),
                      {str(k): str(v) for k, v in (env.items() if isinstance(env, Mapping)
                                                   else ())},
                      int(value.get("workers") or 1), int(value.get("threads") or 1))


def durations_in(path: Path) -> Durations:
    """The tests' durations in a report harness wrote (``--json`` of a run or a merge)."""
    what = f"--durations {path}"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise HarnessError(f"{what}: not a harness JSON report ({e})") from None
    report = RunReport.from_json(doc, what=what)
    seconds = {t.id: t.duration for t in report.tests if t.message != MISSING_MESSAGE}
    if not seconds:
        raise HarnessError(f"{what}: the report has no test durations")
    return Durations(seconds, f"report {path.name}")
