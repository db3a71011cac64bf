"""The terminal table, JSON and the Markdown block for a pull request; the CLI's options."""
from __future__ import annotations

import json
from typing import Any

import pytest
from rich.console import Console

from harness.cli import main, make_parser
from harness.verify import report


def doc(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "recipe": "peft", "subset": "unit", "ref": "v0.20.0", "commit": "c702de402330f48c0d8b",
        "change": {"kind": "patch", "description": "patch fix.diff", "files": []},
        "applied_with": "git apply --3way", "env_key": "peft-0123", "env_note": None,
        "selection": [{"path": "tests/test_loraplus.py", "reason": "modified by the patch"}],
        "whole_subset": False, "whole_reason": "", "notes": [], "out_of_scope": [],
        "subset_files": 12,
        "tests": [
            {"id": "tests/a.py::test_ok", "before": "passed", "after": "passed",
             "change": "passing", "note": ""},
            {"id": "tests/a.py::test_fix[x|y]", "before": "failed", "after": "passed",
             "change": "fixed", "note": "assert 1 == 2"},
            {"id": "tests/a.py::test_bad", "before": "passed", "after": "failed",
             "change": "broken", "note": "boom"},
        ],
        "counts": {"broken": 1, "fixed": 1, "flaky": 0, "still_failing": 0, "new": 0,
                   "removed": 0, "passing": 1},
        "verdict": "regressions", "reason": "1 broken", "exit_code": 1,
        "commands": {"harness": "harness verify peft --patch fix.diff",
                     "nox": "nox -s verify -- peft --patch fix.diff",
                     "pytest": "HF_HUB_OFFLINE=1 python -m pytest tests/test_loraplus.py"},
        "timings": {"before": 1.0, "after": 2.0, "total": 3.5},
        "before": {"cached": True, "run_id": 7},
    }
    return {**base, **overrides}


def test_markdown_block() -> None:
    md = report.markdown(doc())
    assert md.splitlines()[0] == "### Tests: ❌ regressions (1 broken, 1 fixed, 1 passing)"
    assert "recipe `peft`, subset `unit`, at `v0.20.0` (`c702de402330`), env `peft-0123`" in md
    assert "applied with `git apply --3way`." in md
    table = md.split("| change | test | before | after |")[1]
    assert table.index("test_bad") < table.index("test_fix")  # broken first
    assert "| fixed | `tests/a.py::test_fix[x\\|y]` | failed | passed |" in md
    assert "1 other selected test(s) pass before and after." in md
    assert "<summary>Selected: 1 of 12 test file(s) of subset unit</summary>" in md
    assert "- `tests/test_loraplus.py`: modified by the patch" in md
    assert "```bash\nharness verify peft --patch fix.diff\n# or: nox -s verify" in md
    assert md.count("<details>") == md.count("</details>") == 2


def test_terminal_report() -> None:
    console = Console(record=True, width=150)
    report.show(doc(), console)
    text = console.export_text()
    assert "verify peft:unit at v0.20.0 (c702de402330): patch fix.diff" in text
    assert "tests/test_loraplus.py  modified by the patch" in text
    assert "broken" in text and "tests/a.py::test_bad" in text and "test_ok" not in text
    assert "before: cached base run #7" in text
    assert "regressions (1 broken)" in text
    assert json.loads(report.to_json(doc()))["verdict"] == "regressions"


def test_cli_needs_exactly_one_change(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        make_parser().parse_args(["verify", "demo"])
    with pytest.raises(SystemExit):
        make_parser().parse_args(["verify", "demo", "--patch", "x", "--pr", "3"])
    args = make_parser().parse_args(["verify", "peft", "--commit", "my-branch", "--repo-path",
                                     "../fork", "--base", "main", "--all", "--markdown"])
    assert (args.commit, args.repo_path, args.base, args.run_all, args.markdown) == (
        "my-branch", "../fork", "main", True, True)
    assert main(["verify", "demo", "--patch", "/nonexistent.diff", "-q"]) == 2
    assert "patch file /nonexistent.diff does not exist" in capsys.readouterr().err
