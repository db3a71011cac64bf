"""Benchmark verify's test selection: the selected tests vs the whole subset.

For each change, ``harness verify`` runs twice with no base cache: once with its
selection and once with ``--all``.  The table shows test files and tests run, the wall
time of each, and whether the selection caught every test the whole subset broke.

    python bench/verify.py                    # the demo recipe: one-line bugs in six modules
    python bench/verify.py --recipe peft --subset unit \\
        --source /path/to/peft-mirror --commit 5f55a6331 --repo-path /path/to/peft-mirror \\
        --base 5f55a6331^                     # a real change on a real repo
    python bench/verify.py --json out.json    # also write the figures as JSON
"""
from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from harness import demo, proc
from harness.progress import Ui
from harness.verify.core import Options, verify

# (module, old text, new text): a one-line bug local to one module of the demo target
DEMO_BUGS = [
    ("src/tinyhf/schedulers/scheduling_cosine.py",
     "math.cos(math.pi * self.num_cycles * 2.0 * progress)",
     "math.cos(math.pi * self.num_cycles * progress)"),
    ("src/tinyhf/schedulers/scheduling_linear.py", "float(remaining) /", "float(remaining + 1) /"),
    ("src/tinyhf/tokenization_utils.py", "list(text.lower() if self.do_lower_case else text)",
     "list(text if self.do_lower_case else text.lower())"),
    ("src/tinyhf/models/tiny_gpt/modeling_tiny_gpt.py", ".tril()", ".triu()"),
    ("src/tinyhf/activations.py", "0.044715", "0.05"),
    ("src/tinyhf/generation_utils.py", ".logits[:, -1]", ".logits[:, 0]"),
]


def demo_patch(repo: Path, path: str, old: str, new: str, out: Path) -> Path:
    text = proc.run(["git", "-C", str(repo), "show", f"{demo.TAG}:{path}"]).stdout
    if old not in text:
        raise SystemExit(f"bench: {old!r} is not in {path} any more; update DEMO_BUGS")
    changed = text.replace(old, new, 1)
    lines = difflib.unified_diff(text.splitlines(keepends=True),
                                 changed.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    out.write_text("".join(lines))
    return out


def measure(opts: Options) -> dict[str, Any]:
    start = time.monotonic()
    doc = verify(opts, Ui(quiet=True))
    tests = doc.get("tests", [])
    return {
        "verdict": doc["verdict"],
        "files": len({t["id"].split("::")[0] for t in tests}),
        "selected_files": len(doc.get("selection", [])),
        "whole": doc.get("whole_subset", False),
        "tests": len(tests),
        "broken": sorted(t["id"] for t in tests if t["change"] == "broken"),
        "fixed": sorted(t["id"] for t in tests if t["change"] == "fixed"),
        "wall": round(time.monotonic() - start, 1),
        "test_time": round(sum(v for k, v in doc["timings"].items()
                               if k in ("before", "after", "rerun")), 1),
    }


def compare(name: str, opts: Options) -> dict[str, Any]:
    picked = measure(opts)
    whole = measure(dataclasses.replace(opts, run_all=True))
    caught = set(whole["broken"]) <= set(picked["broken"]) and \
        set(whole["fixed"]) <= set(picked["fixed"])
    return {"change": name, "selected": picked, "whole": whole, "caught_all": caught}


def show(rows: list[dict[str, Any]]) -> None:
    table = Table(title="verify: selected tests vs the whole subset", show_edge=False)
    for col in ("change", "files sel/all", "tests sel/all", "wall s sel/all", "pytest s sel/all",
                "broken sel/all", "fixed sel/all", "same catch", "verdict"):
        table.add_column(col)
    for r in rows:
        s, w = r["selected"], r["whole"]
        table.add_row(r["change"], f"{s['files']}/{w['files']}", f"{s['tests']}/{w['tests']}",
                      f"{s['wall']}/{w['wall']}", f"{s['test_time']}/{w['test_time']}",
                      f"{len(s['broken'])}/{len(w['broken'])}",
                      f"{len(s['fixed'])}/{len(w['fixed'])}",
                      "yes" if r["caught_all"] else "NO", f"{s['verdict']}/{w['verdict']}")
    console = Console(width=160)
    console.print(table)
    tests = sum(r["selected"]["tests"] for r in rows) / max(1, sum(r["whole"]["tests"]
                                                                    for r in rows))
    wall = sum(r["selected"]["wall"] for r in rows) / max(1e-9, sum(r["whole"]["wall"]
                                                                     for r in rows))
    caught = sum(r["caught_all"] for r in rows)
    console.print(f"selected tests: {tests:.0%} of the whole subset's; wall time: {wall:.0%}; "
                  f"caught everything the whole subset caught: {caught}/{len(rows)}")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # so verify's worktrees are removed


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _interrupt)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipe", default="demo")
    p.add_argument("--subset")
    p.add_argument("--source")
    p.add_argument("--patch", action="append", default=[], help="a diff file (repeatable)")
    p.add_argument("--commit")
    p.add_argument("--repo-path", default=".")
    p.add_argument("--base")
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args(argv)
    common: dict[str, Any] = {"recipe": args.recipe, "subset": args.subset,
                              "source": args.source, "base": args.base, "use_cache": False}
    rows = []
    if args.commit:
        opts = Options(commit=args.commit, repo_path=args.repo_path, **common)
        rows.append(compare(f"commit {args.commit}", opts))
    for patch in args.patch:
        rows.append(compare(Path(patch).name, Options(patch=patch, **common)))
    if not rows:
        if args.recipe != "demo":
            p.error("give --commit or --patch for a recipe other than demo")
        with tempfile.TemporaryDirectory() as tmp:
            repo = demo.repo_path()
            for i, (path, old, new) in enumerate(DEMO_BUGS):
                patch = demo_patch(repo, path, old, new, Path(tmp) / f"bug{i}.diff")
                rows.append(compare(path.removeprefix("src/tinyhf/"),
                                    Options(patch=str(patch), **common)))
    show(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0 if all(r["caught_all"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
