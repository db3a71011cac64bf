"""Benchmark verify on real fix commits: caught or not, wall time against pytest typed by hand.

For each commit (a fix that adds or changes a test failing before it), with verify's
default options (no --subset, no --all, no base cache):

* ``harness verify <recipe> --commit C --repo-path <clone> --source <mirror>``, as a user
  types it (a commit on main is verified on its parent): its verdict, the tests it ran, its
  wall time;
* the commit's test changes alone (``--patch`` of ``git diff C^ C -- tests``): must not
  be ``ok`` (exit 1);
* the floor: the commit's new or changed tests (``-k`` of the test functions its diff adds
  or touches) run by hand with ``python -m pytest`` in the same env, on the base with the
  test changes, then on the fix.  Caught: every test failing there before and passing
  after is ``fixed`` in verify's report.

The env is built by the test-only run first; the fix run is timed with the env built.

    python bench/verify.py --recipe peft --source /work/.mirror/huggingface+peft/repo
    python bench/verify.py --recipe diffusers --source /path/to/diffusers-mirror \\
        --commit d6726f38a0 --commit cca8af298f --json out.json
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness import config, proc, recipes, results
from harness.errors import HarnessError
from harness.progress import Ui
from harness.runner import import_root
from harness.verify.core import verify
from harness.verify.options import Options

# real fix commits, each adding or changing a test that fails before the fix (recent history)
COMMITS = {
    "peft": ["5f55a6331", "2735371fb", "b52ed1b54", "3af2ad701", "607895c99", "82f4c0241",
             "cf7256752", "9f1fe21d8", "b60f0552e"],
    "diffusers": ["d6726f38a0", "cca8af298f", "cee298c1f3", "de5fcf6fe3", "62bfa5a23e",
                  "afd7765470"],
}
DEF_RE = re.compile(r"^\+\s*(?:async\s+)?def (test\w*)\(", re.MULTILINE)
HUNK_DEF_RE = re.compile(r"^@@ .* @@.*def (test\w*)\(", re.MULTILINE)


def git(repo: Path, *args: str) -> str:
    return proc.run(["git", "-C", str(repo), *args]).stdout


def test_names(patch: str) -> list[str]:
    """The test functions a diff adds, else those its hunks are in."""
    return sorted(set(DEF_RE.findall(patch)) or set(HUNK_DEF_RE.findall(patch)))


def hand_run(recipe: recipes.Recipe, python: Path, tree: Path, files: list[str], k: str,
             out: Path) -> tuple[float, list[results.TestResult]]:
    """``python -m pytest <files> -k <k>`` as a user types it in a checkout with the env."""
    home = str(config.home())
    env = {**os.environ, **{n: v.replace("{home}", home) for n, v in recipe.env.items()},
           "PYTHONPATH": str(import_root(tree))}
    junit = out / "junit.xml"
    argv = [str(python), "-m", "pytest", *files, "-k", k, "-p", "no:cacheprovider",
            f"--junitxml={junit}", "-o", "junit_family=xunit1", "-q",
            *recipe.pytest_args]
    start = time.monotonic()
    proc.stream(argv, log_path=out / "pytest.log", cwd=tree, env=env)
    return time.monotonic() - start, results.parse_junit(junit)


def _key(test_id: str) -> str:
    """A JUnit id without the file's directory (hand runs rebuild ids from dotted names)."""
    return test_id.split("::", 1)[-1] if "::" in test_id else test_id


def floor(recipe: recipes.Recipe, clone: Path, commit: str, python: Path, work: Path
          ) -> dict[str, Any]:
    test_files = [f for f in git(clone, "diff", "--name-only", f"{commit}^", commit, "--",
                                 recipe.verify.tests_dir).split()
                  if Path(f).name.startswith("test_")]
    patch = git(clone, "diff", f"{commit}^", commit, "--", *test_files)
    names = test_names(patch)
    if not names:
        return {"names": [], "seconds": 0.0, "fail_pass": [], "error": "no test names"}
    before, after = work / "hand-before", work / "hand-after"
    git(clone, "worktree", "add", "-q", "--detach", str(before), f"{commit}^")
    git(clone, "worktree", "add", "-q", "--detach", str(after), commit)
    try:
        git(before, "checkout", commit, "--", *test_files)
        k = " or ".join(names)
        (work / "b").mkdir(exist_ok=True)
        (work / "a").mkdir(exist_ok=True)
        tb, rb = hand_run(recipe, python, before, test_files, k, work / "b")
        ta, ra = hand_run(recipe, python, after, test_files, k, work / "a")
    finally:
        for tree in (before, after):
            git(clone, "worktree", "remove", "--force", str(tree))
    bad = ("failed", "error")
    failed_before = {_key(r.id) for r in rb if r.outcome in bad}
    # a test file that cannot be imported before the fix (its tests import what the fix
    # adds) fails every test in it
    unimportable = {r.id for r in rb if r.outcome in bad and "::" not in r.id}
    failed_before |= {_key(r.id) for r in ra if r.id.split("::")[0] in unimportable}
    passed_after = {_key(r.id) for r in ra if r.outcome == "passed"}
    return {"names": names, "files": test_files, "seconds": round(tb + ta, 1),
            "before_s": round(tb, 1), "after_s": round(ta, 1), "tests": len(ra),
            "fail_pass": sorted(failed_before & passed_after)}


def one(recipe_name: str, source: str, clone: Path, commit: str, work: Path,
        budget: float | None = None) -> dict[str, Any]:
    recipe = recipes.load(recipe_name)
    tests_patch = work / f"{commit}-tests.diff"
    tests_patch.write_text(git(clone, "diff", f"{commit}^", commit, "--",
                               recipe.verify.tests_dir))
    common: dict[str, Any] = {"recipe": recipe_name, "source": source, "base": f"{commit}^",
                              "use_cache": False}
    if budget is not None:
        common["budget"] = budget
    row: dict[str, Any] = {"recipe": recipe_name, "commit": commit,
                           "subject": git(clone, "log", "-1", "--format=%s", commit)[:60]}
    try:
        alone = verify(Options(patch=str(tests_patch), **common), Ui(quiet=True))
        row.update(tests_only=str(alone.verdict), tests_only_exit=alone.exit_code)
        start = time.monotonic()
        as_typed = {k: v for k, v in common.items() if k != "base"}  # no --base
        rep = verify(Options(commit=commit, repo_path=str(clone), **as_typed), Ui(quiet=True))
        wall = time.monotonic() - start
    except HarnessError as e:
        row["error"] = e.message.splitlines()[0]
        return row
    fixed = {_key(r.id) for r in rep.tests if r.change == "fixed"}
    row.update(verdict=str(rep.verdict), exit=rep.exit_code, reason=rep.reason,
               on_parent=rep.commit == git(clone, "rev-parse", f"{commit}^").strip(),
               wall=round(wall, 1), tests=sum(r.change != "not_checked" for r in rep.tests),
               own=len(rep.own), fixed_own=sum(r.change == "fixed" for r in rep.own),
               broken=sum(r.change == "broken" for r in rep.tests),
               not_checked=rep.not_checked(), left_out=len(rep.left_out),
               timings=rep.timings)
    python = config.home() / "envs" / str(rep.env_after_key) / "bin" / "python"
    hand = floor(recipe, clone, commit, python, work)
    row["floor"] = hand
    fp = set(hand["fail_pass"])
    row["caught"] = bool(fp) and fp <= fixed and rep.verdict == "ok" and row["on_parent"]
    row["ratio"] = round(wall / hand["seconds"], 2) if hand["seconds"] else None
    return row


def show(rows: list[dict[str, Any]]) -> None:
    table = Table(title="verify on real fix commits (default options) vs pytest by hand",
                  show_edge=False)
    for col in ("commit", "verdict", "own fixed/own", "fail->pass caught", "tests only",
                "tests run", "left out", "verify s", "by hand s", "ratio"):
        table.add_column(col)
    for r in rows:
        if "error" in r:
            table.add_row(f"{r['recipe']} {r['commit']}", f"error: {r['error']}", *[""] * 8)
            continue
        fp = r["floor"]["fail_pass"]
        table.add_row(f"{r['recipe']} {r['commit']}", f"{r['verdict']} ({r['exit']})",
                      f"{r['fixed_own']}/{r['own']}",
                      f"{'yes' if r['caught'] else 'NO'} ({len(fp)})",
                      f"{r['tests_only']} ({r['tests_only_exit']})", str(r["tests"]),
                      str(r["left_out"]), str(r["wall"]), str(r["floor"]["seconds"]),
                      f"{r['ratio']}x" if r["ratio"] else "-")
    console = Console(width=170)
    console.print(table)
    ok = [r for r in rows if "error" not in r]
    caught = sum(r["caught"] for r in ok)
    not_ok = sum(r["tests_only_exit"] == 1 for r in ok)
    ratios = [r["ratio"] for r in ok if r.get("ratio")]
    console.print(f"caught: {caught}/{len(rows)}; test changes alone not ok (exit 1): "
                  f"{not_ok}/{len(rows)}; median verify/by-hand wall: "
                  f"{statistics.median(ratios) if ratios else float('nan'):.2f}x; median verify "
                  f"wall {statistics.median([r['wall'] for r in ok]) if ok else 0:.0f}s")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # so verify's worktrees are removed


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--recipe", default="peft", choices=sorted(COMMITS))
    p.add_argument("--source", required=True, help="a mirror of the recipe's repository")
    p.add_argument("--commit", action="append", default=[],
                   help="a fix commit (repeatable; default: the recipe's list in this script)")
    p.add_argument("--json", type=Path, help="append the rows to this JSON file")
    p.add_argument("--budget", type=float, help="verify's --budget (default: verify's own)")
    args = p.parse_args(argv)
    commits = args.commit or COMMITS[args.recipe]
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as tmp:
        clone = Path(tmp) / "clone"
        proc.run(["git", "clone", "-q", "--shared", "--no-checkout", args.source, str(clone)])
        for commit in commits:
            work = Path(tmp) / commit
            work.mkdir()
            rows.append(one(args.recipe, args.source, clone, commit, work, args.budget))
            print(json.dumps(rows[-1]), flush=True)
            if args.json:
                old = json.loads(args.json.read_text()) if args.json.exists() else []
                args.json.write_text(json.dumps([*old, rows[-1]], indent=2))
    show(rows)
    return 0 if all(r.get("caught") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
