"""How far verify's estimate of an untimed test file is from what it took.

    HARNESS_HOME=~/.cache/harness python bench/verify_estimates.py RECIPE WORKTREE

For every test file of RECIPE whose tests the store has timed (earlier reproduce and
verify runs), the file is estimated as if no run had timed it, from the others only
(leave one file out), and compared with the seconds stored for it: once with the
constant guess (``UNKNOWN_TEST_SECONDS`` per test function), once with the timed files
of its directory (``Known.per_test``).  WORKTREE is a checkout of the target, for the
test counts.  Prints the typical factor off (the median of max(est/real, real/est)), how
many files each way was more than 3 times too low (verify would overrun its budget) and
the totals.  No goal: a measure to compare two ways of estimating, on real stores.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.verify import compare, durations  # noqa: E402

SLACK = 0.5  # seconds added to both sides: a file of instant tests is no 100x error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("recipe")
    parser.add_argument("worktree", type=Path)
    args = parser.parse_args(argv)
    known = durations.load(args.recipe)
    by_file: dict[str, dict[str, float]] = {}
    for test_id, seconds in known.by_test.items():
        by_file.setdefault(compare.file_of(test_id), {})[test_id] = seconds
    rows = []
    for path, timed in sorted(by_file.items()):
        if not (args.worktree / path).is_file():
            continue
        found = durations._tests_of(args.worktree / path)
        if durations.unrecorded(known, path, found):  # only files whose tests are all timed
            continue
        real = sum(timed.values())
        n = durations.counted(found)
        others = {t: d for t, d in known.by_test.items() if compare.file_of(t) != path}
        rest = durations.Known(others, rates=durations._rates(others))
        rows.append((path, real, n * durations.UNKNOWN_TEST_SECONDS, n * rest.per_test(path)))
    if not rows:
        print(f"no fully timed test file of {args.recipe} in the store and {args.worktree}")
        return 1
    print(f"{args.recipe}: {len(rows)} fully timed test files, {sum(r[1] for r in rows):.0f}s "
          "stored in all")
    for name, col in (("constant", 2), ("directory", 3)):
        off = [math.exp(abs(math.log((r[col] + SLACK) / (r[1] + SLACK)))) for r in rows]
        low = sum((r[col] + SLACK) * 3 < r[1] + SLACK for r in rows)
        print(f"  {name:<10} typically {statistics.median(off):5.1f}x off; "
              f"{low} file(s) over 3x too low; {sum(r[col] for r in rows):.0f}s estimated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
