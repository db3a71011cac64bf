"""``--shard K/N``: parse it, hand pytest the store's per-test durations, read what it did.

The split itself happens inside pytest at collection (``harness_plugin``): it sees the
selection after ``-k``, ``-m`` and ``--deselect``, so every shard starts from the same list.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness import config
from harness.errors import HarnessError
from harness.results import MISSING_MESSAGE, Cause, TestResult, Verdict

MAX_SHARDS = 256  # GitHub Actions' matrix limit
INFO_FILE = "shard.json"  # written by the plugin next to the run's selected.txt


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse(text: str) -> Shard:
    """``"2/4"`` -> Shard(2, 4); anything else is one line, exit 2."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m:
        raise HarnessError(f"--shard {text!r}: expected K/N, e.g. --shard 2/4 (shard 2 of 4)")
    index, total = int(m[1]), int(m[2])
    if not 1 <= total <= MAX_SHARDS:
        raise HarnessError(f"--shard {text}: N must be between 1 and {MAX_SHARDS}")
    if not 1 <= index <= total:
        raise HarnessError(f"--shard {text}: K must be between 1 and {total} (shards count "
                           "from 1)")
    return Shard(index, total)


@dataclass(frozen=True)
class ShardInfo:
    """What a shard's report says about it: which shard, of what selection, split how."""

    index: int
    total: int
    selected: int | None = None  # tests in the whole selection (None: pytest never collected)
    selection: str | None = None  # digest of the whole selection's test ids
    plan: str | None = None  # digest of the test -> shard assignment
    balance: str | None = None  # "durations" or "counts"
    known: int = 0  # tests of the selection with a duration from earlier runs
    expected_seconds: tuple[float, ...] = ()  # each shard's expected test time
    durations_from: str | None = None  # Durations.source

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "total": self.total, "selected": self.selected,
                "selection": self.selection, "plan": self.plan, "balance": self.balance,
                "known": self.known, "expected_seconds": list(self.expected_seconds),
                "durations_from": self.durations_from}

    @classmethod
    def from_json(cls, data: Any) -> ShardInfo:
        """Raises ValueError on anything that is not a shard block harness wrote."""
        if not isinstance(data, dict):
            raise ValueError("'shard' is not an object")
        try:
            index, total = int(data["index"]), int(data["total"])
            selected = data.get("selected")
            return cls(index, total, None if selected is None else int(selected),
                       _str_or_none(data.get("selection")), _str_or_none(data.get("plan")),
                       _str_or_none(data.get("balance")), int(data.get("known") or 0),
                       tuple(float(x) for x in data.get("expected_seconds") or ()),
                       _str_or_none(data.get("durations_from")))
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"bad 'shard' block: {e}") from None

    @property
    def label(self) -> str:
        return f"{self.index}/{self.total}"


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


@dataclass(frozen=True)
class Durations:
    """Per-test seconds to balance the shards by, and where they come from."""

    seconds: dict[str, float]
    source: str  # "run 12", "report s.json" or "none (split by counts)"


def from_store(conn: sqlite3.Connection, recipe: str, subset: str) -> Durations:
    """The latest whole (unsharded) run of ``recipe``'s ``subset`` in the store.

    Only whole runs count: the shards of one fan-out then all see the same durations,
    whatever order they run in, and so the same split.
    """
    rows = conn.execute(
        "SELECT id, document FROM runs WHERE kind = 'reproduce' AND recipe = ? AND subset = ?"
        " AND status != 'infra_error' ORDER BY id DESC", (recipe, subset))
    for run_id, document in rows:
        if "shard" in json.loads(document):
            continue
        seconds = {str(test): float(t) for test, t in conn.execute(
            "SELECT test_id, duration FROM test_results WHERE run_id = ? AND message != ?",
            (run_id, MISSING_MESSAGE))}
        if seconds:
            return Durations(seconds, f"run {run_id}")
    return Durations({}, "none (split by counts)")


def durations_file(values: dict[str, float]) -> Path:
    """The durations as a file named by its content (kept, so a shard's argv reruns it)."""
    text = json.dumps(values, sort_keys=True)
    path = (config.home() / "shards" /
            f"durations-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def pytest_args(shard: Shard, durations_path: Path | None) -> tuple[str, ...]:
    args: tuple[str, ...] = (f"--harness-shard={shard}",)
    if durations_path is not None:
        args += (f"--harness-durations={durations_path}",)
    return args


def read_info(run_dir: Path, shard: Shard, durations_from: str) -> ShardInfo:
    """What the plugin wrote for this run (only K/N when pytest never reached collection)."""
    bare = ShardInfo(shard.index, shard.total, durations_from=durations_from)
    try:
        info = ShardInfo.from_json(json.loads((run_dir / INFO_FILE).read_text("utf-8")))
    except (OSError, ValueError):
        return bare
    if (info.index, info.total) != (shard.index, shard.total):
        return bare
    return dataclasses.replace(info, durations_from=durations_from)


def verdict(found: Verdict, info: ShardInfo, tests: list[TestResult]) -> Verdict:
    """An empty shard of a non-empty selection passed: there were more shards than tests; so
    did one whose tests all skipped (the GPU tests of a CPU machine's shard): the merged
    report says whether any test ran."""
    if found.cause == Cause.NO_TESTS and not tests and info.selected:
        return Verdict("passed", f"shard {info.label} is empty ({info.selected} test(s) "
                                 f"in {info.total} shards)")
    if found.cause == Cause.ALL_SKIPPED:  # the merge tells whether anything ran at all
        return Verdict("passed", f"shard {info.label}: {found.reason}")
    return found
