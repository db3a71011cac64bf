"""The one place for run and verify statuses, their exit codes and their styles."""
from __future__ import annotations

import enum


class Status(str, enum.Enum):
    """What a reproduce run or a verification concluded.

    A ``str`` enum: ``Status.OK == "ok"`` and JSON documents keep plain strings.
    """

    # reproduce
    PASSED = "passed"
    FAILED = "failed"
    INFRA_ERROR = "infra_error"
    # verify
    OK = "ok"
    FAILING = "failing"  # a test the change adds or changes still fails after it
    REGRESSIONS = "regressions"  # something that passed before fails after
    CHECKS_FAILED = "checks_failed"  # a lint/consistency check the change's PR faces fails
    UNCHECKED = "unchecked"  # nothing selected could be decided on this machine

    def __str__(self) -> str:
        return self.value

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self]

    @property
    def style(self) -> str:
        return STYLES[self]

    @classmethod
    def parse(cls, value: str) -> Status | None:
        """The status named ``value`` (None for a name no version of harness wrote)."""
        try:
            return cls(value)
        except ValueError:
            return None


EXIT_CODES: dict[Status, int] = {
    Status.PASSED: 0, Status.OK: 0,
    Status.FAILED: 1, Status.FAILING: 1, Status.REGRESSIONS: 1, Status.CHECKS_FAILED: 1,
    Status.INFRA_ERROR: 2, Status.UNCHECKED: 2,
}
STYLES: dict[Status, str] = {
    Status.PASSED: "green", Status.OK: "green bold",
    Status.FAILED: "red", Status.FAILING: "red bold", Status.REGRESSIONS: "red bold",
    Status.CHECKS_FAILED: "red bold",
    Status.INFRA_ERROR: "red bold", Status.UNCHECKED: "yellow bold",
}


def style_of(value: str) -> str:
    """A rich style for any status string, known or not (never raises)."""
    status = Status.parse(value)
    return status.style if status else ""
