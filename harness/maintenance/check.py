"""One finding of ``harness doctor``: its level, what was found, and the fix."""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(enum.Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    level: Level
    what: str
    fix: str = ""

    def line(self) -> str:
        fix = f" -> {self.fix}" if self.fix and self.level is not Level.OK else ""
        return f"{self.level.value:<4}  {self.what}{fix}"


def ok(what: str) -> list[Check]:
    return [Check(Level.OK, what)]
