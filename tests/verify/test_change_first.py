"""verify around the change: its own tests decide, wherever they live; what cannot be
decided here is not a verdict; a budget; the PR checks.  Real git, uv envs and pytest."""
from __future__ import annotations

import json
import shlex
import textwrap
from pathlib import Path

import pytest
from rich.console import Console

from harness import recipes
from harness.cli import main
from harness.errors import HarnessError
from harness.progress import Ui
from harness.verify import commands, durations, report, select
from harness.verify.core import verify
from harness.verify.options import Options
from tests.verify.helpers import BUGGY, FIXED_MUL, VERIFY, make_patch, make_target

TEXT_ONLY = '[subsets.text]\npaths = ["tests/test_text.py"]\nworkers = 1\n'
NEG_TEST = ("from buggy.mathops import mul\n\n\ndef test_mul_negative():\n"
            "    assert mul(-2, 3) == -6\n")


def run(recipe: Path, **kwargs: object) -> dict[str, object]:
    return verify(Options(recipe=str(recipe), **kwargs), Ui(quiet=True)).to_json()  # type: ignore[arg-type]


def rows(doc: dict[str, object]) -> dict[str, tuple[str, bool, str]]:
    return {t["id"]: (t["change"], t["own"], t["note"]) for t in doc["tests"]}  # type: ignore[attr-defined]


def test_own_test_outside_every_subset_decides_and_budget_leaves_the_rest_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe, repo = make_target(tmp_path, subsets=TEXT_ONLY)
    fix = tmp_path / "fix.diff"
    fix.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL,
                                     "tests/unit/test_neg.py": NEG_TEST}, tmp_path / "w1"))
    # 0.6 s: the own test (2 s estimated) runs whatever the budget; test_mathops.py
    # (two tests, 4 s) does not fit and is listed with the command that runs it
    code = main(["verify", str(recipe), "--patch", str(fix), "--budget", "0.6", "--json", "-q"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["verdict"] == "ok", doc["reason"]
    assert [(t, c, own) for t, (c, own, _) in rows(doc).items()] == [
        ("tests/unit/test_neg.py::test_mul_negative", "fixed", True)]
    assert doc["own_tests"] == ["tests/unit/test_neg.py"]
    assert [x["path"] for x in doc["left_out"]] == ["tests/test_mathops.py"]
    assert "python -m pytest tests/test_mathops.py" in doc["commands"]["left_out"]
    assert doc["commands"]["left_out_harness"].endswith("--all")
    # the same test without the fix: the patch's own test still fails -> failing, exit 1
    alone = tmp_path / "test-only.diff"
    alone.write_text(make_patch(repo, {"tests/unit/test_neg.py": NEG_TEST}, tmp_path / "w2"))
    code = main(["verify", str(recipe), "--patch", str(alone), "--markdown", "-q"])
    md = capsys.readouterr().out
    assert code == 1
    assert md.startswith("### Tests: ❌ failing (")
    assert "| `tests/unit/test_neg.py::test_mul_negative` | failed | failed | still failing |" \
        in md


BIG = """\
import pytest

from buggy import add, mul


@pytest.mark.parametrize("a", range(300))
def test_add_many(a):
    assert add(a, 0) == a


@pytest.mark.parametrize("a,b,c", [(2, 2, 4), (0, 5, 0)])
def test_mul(a, b, c):
    assert mul(a, b) == c
"""


def test_with_own_tests_the_base_runs_those_and_what_fails_after_only(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    fix = tmp_path / "fix.diff"
    fix.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL,
                                     "tests/unit/test_neg.py": NEG_TEST}, tmp_path / "w1"))
    doc = run(recipe, patch=str(fix))
    assert doc["verdict"] == "ok", doc["reason"]
    found = {t["id"]: (t["before"], t["after"], t["change"]) for t in doc["tests"]}  # type: ignore[attr-defined]
    assert found.pop("tests/unit/test_neg.py::test_mul_negative") == ("failed", "passed", "fixed")
    # the importers' tests pass after the patch: not run on the base, and said so
    assert found and all(v == (None, "passed", "passing") for v in found.values()), found
    # a patch that breaks add(): test_add fails after it, so the base runs it (passed):
    # broken; test_mul[2-3-6] fails on both (the bug is still there): still failing
    breaking = BUGGY["src/buggy/mathops.py"].replace("return a + b\n", "return a - b\n", 1)
    bad = tmp_path / "bad.diff"
    bad.write_text(make_patch(repo, {"src/buggy/mathops.py": breaking,
                                     "tests/unit/test_neg.py": NEG_TEST}, tmp_path / "w2"))
    doc = run(recipe, patch=str(bad))
    found = {t["id"]: (t["before"], t["after"], t["change"]) for t in doc["tests"]}  # type: ignore[attr-defined]
    assert doc["verdict"] == "regressions", doc["reason"]
    assert found["tests/test_mathops.py::test_add"] == ("passed", "failed", "broken")
    assert found["tests/test_mathops.py::test_mul[2-3-6]"] == ("failed", "failed",
                                                               "still_failing")
    # the base ran test_mul whole (its cases may differ there): the other cases pass on both
    assert found["tests/test_mathops.py::test_mul[2-2-4]"] == ("passed", "passed", "passing")
    assert "before (failing after)" in doc["timings"]  # type: ignore[operator]
    # once stored as failing, the base runs them (all cases of test_mul) beside the own
    # tests: no second base run
    again = run(recipe, patch=str(bad))
    rows_again = {t["id"]: (t["before"], t["after"], t["change"]) for t in again["tests"]}  # type: ignore[attr-defined]
    assert rows_again == found
    assert "before (failing after)" not in again["timings"]  # type: ignore[operator]
    # a stored failure of a test this tree does not have is not run (pytest would refuse it)
    known = durations.Known({}, failing={"tests/test_mathops.py::test_gone": "boom",
                                         "tests/test_mathops.py::test_add[x]": "boom",
                                         "tests/test_text.py::test_shout": "boom"})
    tree = tmp_path / "w2"
    assert select.suspects(known, ["tests/test_mathops.py"], tree) == (
        "tests/test_mathops.py::test_add",)


def test_a_few_tests_of_a_big_parametrized_file_run_not_the_file(tmp_path: Path) -> None:
    files = {**BUGGY, "tests/test_mathops.py": BIG}
    subsets = '[subsets.quick]\npaths = ["tests/test_mathops.py"]\nk = "add_many and 1"\n' \
              'workers = 1\n'
    recipe, repo = make_target(tmp_path, files, subsets=subsets)
    new = BIG.replace("[(2, 2, 4), (0, 5, 0)]", "[(2, 2, 4), (0, 5, 0), (2, 3, 6)]")
    patch = tmp_path / "p.diff"
    patch.write_text(make_patch(repo, {"tests/test_mathops.py": new}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch), budget=0.1)
    assert doc["own_tests"] == ["tests/test_mathops.py::test_mul"]
    got = rows(doc)
    assert got["tests/test_mathops.py::test_mul[2-3-6]"][:2] == ("still_failing", True)
    assert all(t.startswith("tests/test_mathops.py::test_mul[") for t in got)  # not 300 more
    assert doc["verdict"] == "failing" and doc["exit_code"] == 1
    # with the fix the file is also impacted: narrowed by the one-file subset's -k
    fixed = tmp_path / "f.diff"
    fixed.write_text(make_patch(repo, {"tests/test_mathops.py": new,
                                       "src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w2"))
    doc = run(recipe, patch=str(fixed), run_all=True)
    assert doc["verdict"] == "ok"
    picks = {s["path"]: s["narrowed_by"] for s in doc["selection"]}  # type: ignore[attr-defined]
    assert picks == {"tests/test_mathops.py::test_mul": None, "tests/test_mathops.py": "quick"}
    ran = set(rows(doc))
    assert "tests/test_mathops.py::test_add_many[1]" in ran
    assert "tests/test_mathops.py::test_add_many[2]" not in ran  # -k "add_many and 1"
    assert rows(doc)["tests/test_mathops.py::test_mul[2-3-6]"][0] == "fixed"


UNDECIDABLE = """\
import socket
import time

import pytest


def test_download():
    socket.create_connection(("example.com", 80), timeout=5)


def test_wrapped_download():
    try:
        socket.getaddrinfo("huggingface.co", 443)
    except OSError:
        raise RuntimeError("could not fetch the model") from None


def test_retrying_download():
    for _ in range(5):  # a client's backoff: 100 s if the sleeps were real
        try:
            socket.create_connection(("huggingface.co", 443), timeout=5)
        except OSError:
            time.sleep(20)
    raise RuntimeError("gave up")


def test_on_gpu():
    pytest.skip("test requires a GPU")
"""


def test_network_and_gpu_tests_are_not_checked_and_decide_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "net.diff"
    patch.write_text(make_patch(repo, {"tests/test_hub.py": UNDECIDABLE}, tmp_path / "w"))
    code = main(["verify", str(recipe), "--patch", str(patch), "--json", "-q"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2 and doc["verdict"] == "unchecked"
    assert rows(doc) == {
        "tests/test_hub.py::test_download": ("not_checked", True, "needs network"),
        "tests/test_hub.py::test_wrapped_download": ("not_checked", True, "needs network"),
        "tests/test_hub.py::test_retrying_download": ("not_checked", True, "needs network"),
        "tests/test_hub.py::test_on_gpu": ("not_checked", True, "needs GPU"),
    }
    assert doc["reason"] == ("none of the patch's 4 own test(s) could run here: "
                             "needs network (3), needs GPU (1)")
    assert doc["timings"]["before+after"] < 50  # no retry backoff after a blocked connection


CHECKS = """
[checks]
tools = ["ruff==0.17.6"]

[checks.ruff-check]
name = "ruff check"
run = ["ruff", "check", "--select", "F"]
paths = ["src", "tests"]
fix = "ruff check --fix src tests"
"""


def test_an_unused_import_fails_the_checks_unless_skipped(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path, extra=VERIFY + CHECKS)
    test = BUGGY["tests/test_mathops.py"].replace("(0, 5, 0)]", "(0, 5, 0), (3, 3, 9)]")
    patch = tmp_path / "p.diff"
    two_unused = "import os\nimport sys\n" + FIXED_MUL
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": two_unused,
                                       "tests/test_mathops.py": test}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["verdict"] == "checks_failed" and doc["exit_code"] == 1
    check = doc["checks"][0]  # type: ignore[index]
    assert check["status"] == "failed" and check["introduced"] is True
    assert "F401" in check["output"]
    assert "own test(s) pass after the patch" in str(doc["reason"])
    # the terminal shows the problem's code and the fix, not only the end of the output
    console = Console(record=True, width=100)
    report.show(verify(Options(recipe=str(recipe), patch=str(patch)), Ui(quiet=True)), console)
    shown = console.export_text()
    assert "F401 [*] `os` imported but unused" in shown and "fix: ruff check --fix" in shown
    skipped = run(recipe, patch=str(patch), run_checks=False)
    assert skipped["verdict"] == "ok" and skipped["checks"] == []


def test_env_values_are_quoted_and_bad_env_names_rejected(tmp_path: Path) -> None:
    recipe_path, _ = make_target(tmp_path, extra='EVIL = "x;touch /tmp/pwn;y $(id)"\n' + VERIFY)
    recipe = recipes.load(str(recipe_path))
    line = commands.pytest_command(recipe, recipe.subset(None), ("tests/test_a.py",))
    words = shlex.split(line)
    assert words[0] == "env" and "EVIL=x;touch /tmp/pwn;y $(id)" in words
    start = words.index("python")
    assert words[start:start + 4] == ["python", "-m", "pytest", "tests/test_a.py"]
    for bad in ("A;touch /tmp/pwn;B", "A=B", "1X"):
        path = tmp_path / f"bad{len(bad)}.toml"
        path.write_text(textwrap.dedent(f"""\
            name = "bad"
            [source]
            url = "x"
            ref = "v1"
            [env]
            "{bad}" = "1"
            [subsets.all]
            paths = ["tests"]
            """))
        with pytest.raises(HarnessError, match="not a valid environment variable name"):
            recipes.load(str(path))


def test_the_trees_are_named_like_a_clone_of_the_target(tmp_path: Path) -> None:
    # some targets' tests look for "<name>/tests/..." in their own path (diffusers'
    # test_deprecate_stacklevel): the worktrees end in the recipe's name, as a clone would
    recipe, repo = make_target(tmp_path)
    where = "def test_where():\n    assert '/buggy/tests/unit/' in __file__\n"
    patch = tmp_path / "where.diff"
    patch.write_text(make_patch(repo, {"tests/unit/test_where.py": where}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert rows(doc)["tests/unit/test_where.py::test_where"][0] == "passing"
    assert doc["verdict"] == "ok", doc["reason"]


def _cases(mul_two_three: int) -> str:
    adds = "".join(f'    ("add {i} and zero", "add", {i}, 0, {i}),\n' for i in range(40))
    return ("import pytest\n\nfrom buggy import add, mul\n\nCASES = [\n" + adds
            + f'    (\n        "mul two three",\n        "mul",\n        2,\n        3,\n'
              f"        {mul_two_three},\n    ),\n]\n\n\n"
              '@pytest.mark.parametrize("name, op, a, b, c", CASES)\n'
              "def test_op(name, op, a, b, c):\n"
              '    assert (add if op == "add" else mul)(a, b) == c\n')


def test_a_changed_case_of_a_table_runs_that_case_only(tmp_path: Path) -> None:
    """A fix that corrects one case of a table of cases (peft's TEST_CASES feeds ~15,000
    tests): that case runs, on both sides, and decides; the table's 40 other cases do not
    run as the patch's own tests."""
    files = {**BUGGY, "tests/test_mathops.py": _cases(5)}  # the case agrees with the bug
    recipe, repo = make_target(tmp_path, files)
    fix = tmp_path / "fix.diff"
    fix.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL,
                                     "tests/test_mathops.py": _cases(6)}, tmp_path / "w"))
    doc = run(recipe, patch=str(fix), budget=0.1)
    assert doc["verdict"] == "ok", doc["reason"]
    assert doc["own_tests"] == ["tests/test_mathops.py::test_op"]
    own_rows = {t: c for t, (c, own, _) in rows(doc).items() if own}
    assert own_rows == {"tests/test_mathops.py::test_op[mul two three-mul-2-3-6]": "fixed"}
    assert "-k 'mul and two and three'" in doc["commands"]["pytest"]  # type: ignore[index]
    # with no budget the file runs whole too (it imports the changed module): the table's
    # other cases run as its tests, not as the patch's own, and the case is not run twice
    doc = run(recipe, patch=str(fix), run_all=True)
    assert doc["verdict"] == "ok", doc["reason"]
    got = rows(doc)
    assert {t: c for t, (c, own, _) in got.items() if own} == own_rows
    assert len(got) == 41 and got["tests/test_mathops.py::test_op[add 7 and zero-add-7-0-7]"][:2] \
        == ("passing", False)
    assert "-k" not in doc["commands"]["pytest"]  # type: ignore[index]
    # the same case change without the fix: that case fails after -> failing
    alone = tmp_path / "alone.diff"
    alone.write_text(make_patch(repo, {"tests/test_mathops.py": _cases(6)}, tmp_path / "w2"))
    doc = run(recipe, patch=str(alone), budget=0.1)
    assert doc["verdict"] == "failing", doc["reason"]


def test_a_change_adds_its_cases_to_a_file_a_subset_narrows(tmp_path: Path) -> None:
    """peft's lora subset keeps LoRA's cases of test_custom_models.py, and verify narrowed that
    file the same way: a real IA3 fix (peft a61925a47) ran LoRA's 2,810 tests, none of
    IA3's, and said nothing broke.  The recipe's ``[verify] cases`` adds the cases of what
    the patch changes."""
    quick = '[subsets.quick]\npaths = ["tests/test_mathops.py"]\nk = "test_add"\nworkers = 1\n'
    fix = {"src/buggy/mathops.py": FIXED_MUL}
    recipe, repo = make_target(tmp_path / "a", subsets=quick)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, fix, tmp_path / "w1"))
    narrowed = run(recipe, patch=str(patch))
    assert set(rows(narrowed)) == {"tests/test_mathops.py::test_add"}
    assert narrowed["verdict"] == "unchecked"
    cases = VERIFY + '[verify.cases]\n"src/buggy/mathops.py" = "test_mul"\n'
    recipe, repo = make_target(tmp_path / "b", extra=cases, subsets=quick)
    patch.write_text(make_patch(repo, fix, tmp_path / "w2"))
    widened = run(recipe, patch=str(patch))
    assert widened["verdict"] == "ok", widened["reason"]
    assert rows(widened)["tests/test_mathops.py::test_mul[2-3-6]"][0] == "fixed"
    assert "tests/test_mathops.py::test_add" in rows(widened)
    pick = next(s for s in widened["selection"]  # type: ignore[attr-defined]
                if s["path"] == "tests/test_mathops.py")
    assert (pick["narrowed_by"], pick["widened_by"]) == ("quick", "(test_mul)")
    assert "(test_add) or (test_mul)" in widened["commands"]["pytest"]  # type: ignore[index]
