"""The verify report as a typed value: :class:`VerifyReport` and its parts, with ``to_json()``.

The JSON keeps the keys of the untyped document it replaces (``verdict``, ``exit_code``,
``tests``, ``counts``, ``selection``, ``commands`` ...) and adds ``own_tests``,
``left_out``, ``budget``, ``checks`` and ``not_checked``.
"""
from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from dataclasses import dataclass, field

from harness.status import Status
from harness.verify import checks, compare
from harness.verify.checks import CheckOutcome
from harness.verify.select import Pick

GIST_ARGS = 24  # a call's arguments longer than this are a value's repr, not the reason
_DEPTH = {"(": 1, ")": -1}


@functools.lru_cache(maxsize=8192)  # a report asks again for each row, and notes repeat
def gist(note: str) -> str:
    """A reason without the reprs of values inside it (``Name(long arguments)`` →
    ``Name(...)``), so that tests skipped for one reason group
    (peft: "Test not applicable for GloraConfig(task_type='CAUSAL_LM', ..., r=8)" names
    each test's whole config)."""
    out: list[str] = []
    i = 0
    while (start := note.find("(", i)) >= 0:
        depth, end = 0, -1
        for j in range(start, len(note)):
            depth += _DEPTH.get(note[j], 0)
            if depth == 0:
                end = j
                break
        if end < 0:
            break
        # a call's repr (``Name(...)``), not words in brackets
        long = end - start - 1 > GIST_ARGS and start > 0 and (note[start - 1].isalnum()
                                                             or note[start - 1] == "_")
        out.append(note[i:start] + ("(...)" if long else note[start:end + 1]))
        i = end + 1
    return "".join(out) + note[i:]


@dataclass(frozen=True)
class ChangedFile:
    path: str
    status: str


@dataclass(frozen=True)
class ChangeInfo:
    kind: str
    description: str
    files: tuple[ChangedFile, ...]

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "description": self.description,
                "files": [{"path": f.path, "status": f.status} for f in self.files]}


@dataclass(frozen=True)
class RunInfo:
    """One side's run (``before``/``after``)."""

    cached: bool
    run_id: int | None
    status: str
    exit_code: int | None
    log: str
    seconds: float

    def to_json(self) -> dict[str, object]:
        doc: dict[str, object] = {"cached": self.cached, "run_id": self.run_id}
        if not self.cached:
            doc.update(status=self.status, exit_code=self.exit_code, log=self.log,
                       seconds=round(self.seconds, 3))
        return doc


@dataclass(frozen=True)
class Commands:
    harness: str
    nox: str
    pytest: str  # the tests that ran, in a checkout with the env active
    left_out: str = ""  # pytest command for what the budget left out
    left_out_harness: str = ""  # the same with harness (--all)
    gpu: str = ""  # the same verification with the recipe's CUDA subset ("": it has none)
    online: str = ""  # the same verification with --online ("": it was online)
    slow: str = ""  # with --slow --online, where a test skipped as slow ("": none did)

    def to_json(self) -> dict[str, object]:
        doc: dict[str, object] = {"harness": self.harness, "nox": self.nox,
                                  "pytest": self.pytest}
        if self.left_out:
            doc.update(left_out=self.left_out, left_out_harness=self.left_out_harness)
        if self.gpu:
            doc.update(gpu=self.gpu)
        if self.online:
            doc.update(online=self.online)
        if self.slow:
            doc.update(slow=self.slow)
        return doc


@dataclass(frozen=True)
class VerifyReport:
    recipe: str
    subset: str  # the subset whose run settings apply (the recipe's default, or --subset)
    scoped: bool  # --subset given: impacted files kept to its paths
    ref: str
    commit: str
    source: str
    started_at: str
    change: ChangeInfo
    verdict: Status = Status.UNCHECKED
    reason: str = ""
    applied_with: str = ""
    tests_applied_with: str | None = None
    selection: tuple[Pick, ...] = ()
    left_out: tuple[Pick, ...] = ()
    budget: float | None = None
    notes: tuple[str, ...] = ()
    # packages the recipe leaves out ([install] exclude): never offered as ones to add
    excluded: tuple[str, ...] = ()
    test_files: int = 0
    commands: Commands | None = None
    tests: tuple[compare.Row, ...] = ()
    checks: tuple[CheckOutcome, ...] = ()
    checks_ran: bool = False  # False: --no-checks, or nothing got that far
    env_key: str | None = None
    env_after_key: str | None = None
    env_note: str | None = None
    backend: str | None = None
    before: RunInfo | None = None
    after: RunInfo | None = None
    rerun: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    run_id: int | None = None

    def replace(self, **changes: object) -> VerifyReport:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code

    @property
    def own(self) -> tuple[compare.Row, ...]:
        return tuple(r for r in self.tests if r.own)

    @property
    def others(self) -> tuple[compare.Row, ...]:
        return tuple(r for r in self.tests if not r.own)

    def counts(self) -> dict[str, int]:
        return compare.counts(list(self.tests))

    def not_checked(self) -> dict[str, int]:
        """Tests this machine could not decide, by reason."""
        c = Counter(gist(r.note) for r in self.tests if r.change == "not_checked")
        return dict(c.most_common())

    def failed_checks(self) -> tuple[CheckOutcome, ...]:
        return checks.introduced_failures(self.checks)

    def to_json(self) -> dict[str, object]:
        return {
            "recipe": self.recipe, "subset": self.subset, "scoped": self.scoped,
            "ref": self.ref, "commit": self.commit, "source": self.source,
            "started_at": self.started_at, "change": self.change.to_json(),
            "applied_with": self.applied_with, "tests_applied_with": self.tests_applied_with,
            "selection": [p.to_json() for p in self.selection],
            "own_tests": [p.target for p in self.selection if p.own],
            "left_out": [p.to_json() for p in self.left_out],
            "budget": self.budget, "whole_subset": False, "whole_reason": "",
            "out_of_scope": [], "notes": list(self.notes),
            "targets": [p.target for p in self.selection], "subset_files": self.test_files,
            "commands": self.commands.to_json() if self.commands else {},
            "verdict": str(self.verdict), "exit_code": self.exit_code, "reason": self.reason,
            "tests": [r._asdict() for r in self.tests], "counts": self.counts(),
            "not_checked": self.not_checked(),
            "checks": [c.to_json() for c in self.checks], "checks_ran": self.checks_ran,
            "env_key": self.env_key, "env_after_key": self.env_after_key,
            "env_note": self.env_note, "backend": self.backend,
            "before": self.before.to_json() if self.before else None,
            "after": self.after.to_json() if self.after else None,
            "rerun": self.rerun, "timings": dict(self.timings), "run_id": self.run_id,
        }
