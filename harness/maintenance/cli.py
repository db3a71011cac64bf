"""``harness gc`` and ``harness doctor``."""
from __future__ import annotations

import argparse
import time

from harness import config
from harness.errors import HarnessError
from harness.maintenance import disk


def _days(text: str) -> float:
    try:
        days = float(text)
    except ValueError:
        days = -1.0
    if not days >= 0:  # also NaN
        raise argparse.ArgumentTypeError(f"expected a number of days >= 0, got {text!r}")
    return days


def cmd_gc(args: argparse.Namespace) -> int:
    from harness.maintenance import gc, sweep

    now = time.time()
    items = gc.plan(args.older_than, now)
    home = config.home()
    if not items:
        print(f"nothing to remove in {home} (nothing unused for {args.older_than:g} days)")
        return 0
    for item in items:
        shown = item.path.relative_to(home) if item.path.is_relative_to(home) else item.path
        print(f"{item.kind:<9} {disk.human(item.size):>9}  {shown}  ({item.reason})")
    total = sum(i.size for i in items)
    shared = sum(i.shared for i in items)
    if shared:
        print(f"(another {disk.human(shared)} of these envs are hard links into uv's cache: "
              "they stay there for the next build; `uv cache clean` frees them)")
    if args.dry_run:
        print(f"would free {disk.human(total)} ({total} bytes) in {len(items)} entries; "
              "run `harness gc` without --dry-run to remove them")
        return 0
    outcomes = sweep.collect(items, now - args.older_than * gc.DAY)
    for o in outcomes:
        if o.kept:
            print(f"kept {o.item.path}: {o.kept}")
    freed = sum(o.freed for o in outcomes)
    removed = sum(1 for o in outcomes if not o.kept)
    print(f"freed {disk.human(freed)} ({freed} bytes) in {removed} entries; "
          f"{disk.human(disk.free_space(home))} free now")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from harness.maintenance import doctor
    from harness.maintenance.check import Level

    checks = doctor.run_checks(args.recipe)
    print(doctor.python_line())
    for check in checks:
        print(check.line())
    failed = [c for c in checks if c.level is Level.FAIL]
    warned = [c for c in checks if c.level is Level.WARN]
    if failed:
        raise HarnessError(f"{len(failed)} problem(s) block a run; fix the FAIL lines above",
                           exit_code=2)
    print(f"ready ({len(warned)} warning(s))" if warned else "all good")
    return 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gc", help="remove unused envs, worktrees, mirrors, old runs, leftovers")
    p.add_argument("--older-than", type=_days, default=30.0, metavar="DAYS",
                   help="unused for this many days (default: 30)")
    p.add_argument("--dry-run", action="store_true",
                   help="list what would go, with sizes; remove nothing")
    p.set_defaults(func=cmd_gc)
    p = sub.add_parser("doctor", help="check disk, memory, GPU, uv, git, docker, the store")
    p.add_argument("recipe", nargs="?", help="also check what this recipe needs")
    p.set_defaults(func=cmd_doctor, needs_home=False)
