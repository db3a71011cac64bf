"""Stress: N rounds of 4 processes opening (and so creating) one new store at once.

    python bench/store_race.py 60      # prints how many of the 240 opens failed

Before the store set itself up under a lock, a few percent of such opens failed.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.synchronize
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import store


def _open(path: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait()
    with store.opened(Path(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    ctx = multiprocessing.get_context("spawn")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(rounds):
            barrier = ctx.Barrier(4)
            procs = [ctx.Process(target=_open, args=(f"{tmp}/r{i}.db", barrier))
                     for _ in range(4)]
            for p in procs:
                p.start()
            for p in procs:
                p.join(60)
            failed += sum(p.exitcode != 0 for p in procs)
    print(f"failed opens: {failed} of {4 * rounds}")


if __name__ == "__main__":
    main()
