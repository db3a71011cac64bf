"""The terminal table, JSON and the Markdown block for a pull request; the CLI's options."""
from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from rich.console import Console

from harness.cli import main, make_parser
from harness.status import Status
from harness.verify import report
from harness.verify.checks import CheckOutcome, CheckStatus
from harness.verify.compare import Row
from harness.verify.document import ChangeInfo, Commands, RunInfo, VerifyReport
from harness.verify.select import Pick


def rep(**overrides: Any) -> VerifyReport:
    base = VerifyReport(
        recipe="peft", subset="lora", scoped=False, ref="v0.20.0",
        commit="c702de402330f48c0d8b", source="x", started_at="now",
        change=ChangeInfo("patch", "patch fix.diff", ()),
        applied_with="git apply --3way", env_key="peft-0123", test_files=57,
        selection=(Pick("tests/test_loraplus.py::test_fix", "changed by the patch", True, 0),
                   Pick("tests/a.py", "imports src/peft/x.py", False, 1)),
        left_out=(Pick("tests/far.py", "imports src/peft/x.py (via y)", False, 2,
                       estimate=300.0),),
        budget=120.0,
        tests=(Row("tests/test_loraplus.py::test_fix[x|y]", "failed", "passed", "fixed",
                   "assert 1 == 2", True),
               Row("tests/a.py::test_ok", "passed", "passed", "passing"),
               Row("tests/a.py::test_bad", "passed", "failed", "broken", "boom"),
               Row("tests/a.py::test_net", "failed", "failed", "not_checked", "needs network"),
               Row("tests/a.py::test_gpu", "skipped", "skipped", "not_checked", "needs GPU")),
        checks=(CheckOutcome("ruff check", "ruff check src tests", CheckStatus.FAILED, True,
                             "F401 `os` imported but unused", "make style"),),
        checks_ran=True, verdict=Status.REGRESSIONS, reason="1 test(s) broken by the patch",
        commands=Commands("harness verify peft --patch fix.diff",
                          "nox -s verify -- peft --patch fix.diff",
                          "env HF_HUB_OFFLINE=1 python -m pytest tests/test_loraplus.py",
                          "env HF_HUB_OFFLINE=1 python -m pytest tests/far.py",
                          "harness verify peft --patch fix.diff --all"),
        timings={"before": 1.0, "after": 2.0, "total": 3.5},
        before=RunInfo(True, 7, "", None, "", 0.0),
    )
    return base.replace(**overrides)


def test_markdown_block_in_order_and_claims_only_what_ran() -> None:
    md = report.markdown(rep())
    assert md.splitlines()[0] == ("### Tests: ❌ regressions (1 broken, 1 fixed, 1 passing, "
                                  "2 not checked)")
    assert "recipe `peft` at `v0.20.0` (`c702de402330`), env `peft-0123`" in md
    assert "3 test(s) ran before and after the patch; nothing else is claimed." in md
    order = [md.index(h) for h in ("#### The patch's own tests", "#### Elsewhere",
                                   "#### Checks", "#### Not checked here",
                                   "#### Not run: left out by the time budget")]
    assert order == sorted(order)
    own = md.split("#### The patch's own tests")[1].split("####")[0]
    assert "| `tests/test_loraplus.py::test_fix[x\\|y]` | failed | passed | fixed |" in own
    elsewhere = md.split("#### Elsewhere")[1].split("####")[0]
    assert "test_bad" in elsewhere and "test_fix" not in elsewhere and "test_net" not in elsewhere
    assert "- `ruff check`: fails (introduced by the patch); fix: `make style`" in md
    assert "- 1 test(s): needs network" in md and "- 1 test(s): needs GPU" in md
    assert "- `tests/far.py`: imports src/peft/x.py (via y)" in md
    assert "# what the budget left out:\nharness verify peft --patch fix.diff --all" in md
    assert md.count("<details>") == md.count("</details>") == 2


def test_terminal_report() -> None:
    console = Console(record=True, width=150)
    report.show(rep(), console)
    text = console.export_text()
    assert "verify peft at v0.20.0 (c702de402330): patch fix.diff" in text
    heads = [text.index(h) for h in ("The patch's own tests", "Elsewhere", "Checks",
                                     "Not checked here", "Left out by the budget")]
    assert heads == sorted(heads)
    # what ran and why, between the selection's counts and the results
    picked = text.split("selected: ")[1].split("The patch's own tests")[0]
    assert "  tests/test_loraplus.py::test_fix  changed by the patch" in picked
    assert "  tests/a.py  imports src/peft/x.py" in picked and "far.py" not in picked
    assert "tests/a.py::test_bad" in text and "test_ok" not in text
    assert "F401 `os` imported but unused" in text and "fix: make style" in text
    assert "run them: harness verify peft --patch fix.diff --all" in text
    assert "before: cached base run #7" in text
    assert "regressions (1 test(s) broken by the patch)" in text
    doc = json.loads(report.to_json(rep()))
    assert doc["verdict"] == "regressions" and doc["exit_code"] == 1
    assert doc["own_tests"] == ["tests/test_loraplus.py::test_fix"]
    assert doc["not_checked"] == {"needs network": 1, "needs GPU": 1}
    assert doc["left_out"][0]["path"] == "tests/far.py"
    assert doc["checks"][0]["introduced"] is True


def test_a_long_left_out_list_shows_the_nearest_and_the_command_that_runs_them() -> None:
    """diffusers d6726f38a0: 441 files left out; the report listed 50 of them over 100 lines,
    with no word of the rest, then one pytest command of 20,000 characters."""
    far = tuple(Pick(f"tests/t{k:03}.py", "imports src/x.py", False, 2, estimate=60.0)
                for k in range(441))
    long = "python -m pytest " + " ".join(p.target for p in far)
    many = rep(left_out=far, commands=Commands("h", "n", "p", long, "harness verify x --all"))
    console = Console(record=True, width=150)
    report.show(many, console)
    text = console.export_text()
    assert "tests/t009.py" in text and "tests/t010.py" not in text
    assert "  ... and 431 more (--json lists them all)" in text
    assert "run them: harness verify x --all" in text and long not in text
    assert len(json.loads(report.to_json(many))["left_out"]) == 441
    md = report.markdown(many)
    assert "- `tests/t009.py`" in md and "t010" not in md.split("<details>")[0]
    assert "- ... and 431 more" in md


def test_a_long_selection_shows_the_first_ten() -> None:
    """diffusers 2d0110f818: "2 test file(s) that import what it changes", all of whose tests
    wanted a download: the terminal never said which two files ran."""
    picks = tuple(Pick(f"tests/s{k:02}.py", f"imports src/x.py ({k})", False, 1)
                  for k in range(12))
    console = Console(record=True, width=150)
    report.show(rep(selection=picks), console)
    text = console.export_text()
    assert "  tests/s09.py  imports src/x.py (9)" in text and "tests/s10.py" not in text
    assert "  ... and 2 more (--json lists them all)" in text


def test_many_tests_undecided_for_one_reason_share_a_row() -> None:
    """transformers 1b20eb168c: 59 own tests "skipped: test requires SentencePiece" filled
    the table, and the three that failed were far below them."""
    why = "skipped: test requires SentencePiece"
    rows = tuple(Row(f"tests/t.py::T::test_{k:02}", "skipped", "skipped", "not_checked", why,
                     True) for k in range(59))
    rows += (Row("tests/t.py::I::test_decode", "failed", "failed", "still_failing", "'' != '.'",
                 True),
             Row("tests/t.py::T::test_hub", "failed", "failed", "not_checked",
                 "needs a Hub download", True))
    many = rep(tests=rows)
    console = Console(record=True, width=200)
    report.show(many, console)
    text = console.export_text()
    assert "test_02" in text and "test_03" not in text and "… and 56 more" in text
    assert "test_decode" in text and "test_hub" in text
    table = report.markdown(many).split("#### The patch's own tests")[1].split("####")[0]
    assert "| `… and 56 more` | skipped | skipped | not checked (" + why + ") |" in table
    assert len(json.loads(report.to_json(many))["tests"]) == 61
    # four of one reason: all four shown
    four = rep(tests=rows[:4])
    assert "test_03" in report.markdown(four) and "more" not in report.markdown(four)


def test_many_reasons_to_leave_tests_unchecked_show_the_commonest() -> None:
    """transformers 2ce158814b: 152 own tests skipped for 70 reasons, most of them once."""
    rows = tuple(Row(f"t.py::T::test_{k}", "skipped", "skipped", "not_checked",
                     "skipped: test is slow" if k < 20 else f"skipped: reason {k}", True)
                 for k in range(40))
    many = rep(tests=rows)
    assert report.reasons(many)[0] == "20 test(s): skipped: test is slow"
    assert report.reasons(many)[-1] == "13 test(s) for 13 other reasons (--json lists them)"
    assert len(report.reasons(many)) == report.REASONS_SHOWN + 1
    assert "- 13 test(s) for 13 other reasons (--json lists them)" in report.markdown(many)
    assert len(json.loads(report.to_json(many))["not_checked"]) == 21


def test_reasons_that_differ_only_in_the_class_they_name_are_told_as_one() -> None:
    """peft f8aca0a0c: eight lines of "skipped: Test not applicable for XConfig(...)", one
    per config, pushed the other reasons into "170 test(s) for 14 other reasons"."""
    told = report.families([
        ("needs a Hub download", 30),
        ("skipped: Test not applicable for <class 'peft.tuners.adalora.config.AdaLoraConfig'>",
         15),
        ("skipped: Test not applicable for BOFTConfig(...)", 13),
        ("skipped: Test not applicable for BoneConfig(...)", 13),
        ("skipped: Test not applicable for C3AConfig(...)", 13),
        ("skipped: Test not applicable for PeftType.WAVEFT", 35),
        ("skipped: Test does not work with model peft-internal-testing/tiny-dummy-qwen2", 21),
        ("skipped: Combining Gemma adapters with SVD is currently failing", 21),
        ("skipped: Test not applicable for BOFTConfig(...) with BoneConfig(...)", 2)])
    assert told == [
        ("skipped: Test not applicable for PeftType.WAVEFT, AdaLoraConfig, BOFTConfig(...) "
         "and 2 more", 89),
        ("needs a Hub download", 30),
        ("skipped: Test does not work with model peft-internal-testing/tiny-dummy-qwen2", 21),
        ("skipped: Combining Gemma adapters with SVD is currently failing", 21),
        ("skipped: Test not applicable for BOFTConfig(...) with BoneConfig(...)", 2)]


def test_tests_skipped_for_one_reason_group_whatever_value_the_reason_prints() -> None:
    """peft b60f0552e: "Test not applicable for GloraConfig(task_type='CAUSAL_LM', ...,
    base_model_name_or_path='...GPT2...', ...)" named each test's whole config, and 288
    tests were put down to 287 reasons."""
    def why(model: str) -> str:
        return (f"skipped: Test not applicable for GloraConfig(task_type='CAUSAL_LM', "
                f"base_model_name_or_path='{model}', r=8)")
    rows = tuple(Row(f"t.py::T::test_{k}", "skipped", "skipped", "not_checked", why(f"m{k}"),
                     True) for k in range(6))
    rows += (Row("t.py::T::test_slow", "skipped", "skipped", "not_checked",
                 "skipped: (slow, and needs a lot of memory)", True),)
    many = rep(tests=rows)
    assert report.reasons(many) == [
        "6 test(s): skipped: Test not applicable for GloraConfig(...)",
        "1 test(s): skipped: (slow, and needs a lot of memory)"]
    table = report.markdown(many).split("#### The patch's own tests")[1].split("####")[0]
    assert "`… and 3 more`" in table and "GloraConfig(...)" in table


def test_tests_skipped_for_one_reason_about_many_classes_share_a_row() -> None:
    """peft b60f0552e: 330 own tests "skipped: Test not applicable for XConfig(...)", for
    32 configs, took 90 rows of the table, four for each config; one for each class now, as
    the reasons under "Not checked here" are told."""
    configs = ["<class 'peft.tuners.adalora.config.AdaLoraConfig'>",
               *(f"{name}Config(task_type='CAUSAL_LM', peft_type=<PeftType.{name.upper()}: "
                 f"'{name.upper()}'>, r=8)" for name in
                 ("BOFT", "Glora", "Gralora", "Vera", "Hira", "Miss", "Road"))]
    rows = tuple(Row(f"t.py::T::test_{c}_{k}", "skipped", "skipped", "not_checked",
                     f"skipped: Test not applicable for {why}", True)
                 for c, why in enumerate(configs) for k in range(4))
    rows += (Row("t.py::T::test_net", "failed", "failed", "not_checked", "needs network",
                 True),)
    many = rep(tests=rows)
    table = report.markdown(many).split("#### The patch's own tests")[1].split("####")[0]
    assert table.count("| `t.py::T::test_") == report.UNDECIDED_SHOWN + 1
    assert "| `… and 29 more` | skipped | skipped | not checked (skipped: Test not applicable " \
           "for BOFTConfig(...), GloraConfig(...), GraloraConfig(...) and 5 more) |" in table
    assert "`t.py::T::test_net`" in table
    console = Console(record=True, width=200)
    report.show(many, console)
    assert "… and 29 more" in console.export_text()


def test_the_tests_of_one_file_fixed_past_one_failure_share_a_row() -> None:
    """peft 09ba20c4f, a new method: 274 new cases of tests/test_custom_models.py, each
    "collection error: ImportError: cannot import name 'SupertuningConfig'" on the base, took
    the table's 50 rows and 117 more; the first three of each file are shown, then a count.
    Broken tests are each shown."""
    why = ("collection error: ImportError: cannot import name 'SupertuningConfig' from 'peft' "
           "(/cache/verify/before/peft/src/peft/__init__.py)")
    rows = tuple(Row(f"tests/test_custom_models.py::T::test_{k:02}[SupertuningConfig]", "error",
                     "passed", "fixed", why, True) for k in range(10))
    rows += tuple(Row(f"tests/test_config.py::C::test_{k}[SupertuningConfig]", "error", "passed",
                      "fixed", why, True) for k in range(2))
    rows += tuple(Row(f"tests/test_custom_models.py::T::test_broken_{k}", "passed", "failed",
                      "broken", "assert 1 == 2", True) for k in range(6))
    many = rep(tests=rows)
    table = report.markdown(many).split("#### The patch's own tests")[1].split("####")[0]
    assert "| `… and 7 more in tests/test_custom_models.py` | error | passed | fixed |" in table
    assert "test_02[SupertuningConfig]" in table and "test_03[SupertuningConfig]" not in table
    assert "test_config.py::C::test_1" in table  # two of a file: both shown
    assert all(f"test_broken_{k}`" in table for k in range(6))
    assert len(json.loads(report.to_json(many))["tests"]) == 18


def test_commands_to_copy_stay_on_one_line_on_a_narrow_terminal() -> None:
    long = "env HF_HUB_OFFLINE=1 HF_HOME=/home/me/.cache/harness/hf python -m pytest " + \
        " ".join(f"tests/test_{k}.py" for k in range(12))
    console = Console(record=True, width=60)
    report.show(rep(commands=Commands("h", "n", "p", long, "harness verify peft --all")), console)
    lines = console.export_text().splitlines()
    assert f"  or: {long}" in lines  # pasted into a shell, it runs whole
    assert "    ruff check src tests" in lines


def test_no_checks_and_unchecked_read_plainly() -> None:
    md = report.markdown(rep(checks=(), checks_ran=False, verdict=Status.UNCHECKED,
                             reason="nothing selected could be checked here", tests=()))
    assert md.startswith("### Tests: ⚠️ unchecked (no tests run)")
    assert "0 test(s) ran before and after" in md and "Not run." in md
    assert "No test of the patch ran." in md


def test_elsewhere_claims_nothing_when_no_other_test_ran() -> None:
    """transformers e0aeab4c9f: the budget left every other file out, yet "Elsewhere" said
    "nothing broken or fixed"."""
    own_only = rep(tests=rep().tests[:1])
    assert "No other test ran (the budget left them out, below)." in report.markdown(own_only)
    console = Console(record=True, width=150)
    report.show(own_only.replace(left_out=()), console)
    assert "no other test ran\n" in console.export_text()
    assert "Nothing broken or fixed." in report.markdown(rep(tests=rep().tests[:2]))
    # transformers e0aeab4c9f again: the 5 other tests that ran all skipped
    skipped = rep(tests=(rep().tests[0], *rep().tests[3:]))
    assert "None of the 2 other selected test(s) could be checked here (not checked, " \
           "below)." in report.markdown(skipped)


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


@pytest.mark.parametrize("value", ["0", "-5", "soon", "inf", "nan"])
def test_a_bad_budget_is_one_line_exit_2(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        make_parser().parse_args(["verify", "demo", "--patch", "x", "--budget", value])
    assert e.value.code == 2
    assert "--budget" in capsys.readouterr().err
    args = make_parser().parse_args(["verify", "demo", "--patch", "x", "--budget", "30",
                                     "--no-checks"])
    assert (args.budget, args.no_checks) == (30.0, True)


def test_the_cases_of_one_parametrized_test_share_a_row_where_they_agree() -> None:
    own = tuple(Row(f"tests/t.py::T::test_f[{c}Config]", None, "passed", "new", "", True)
                for c in ("Lora", "IA3", "LoHa", "OFT"))
    fixed = (Row("tests/t.py::T::test_g[a]", "failed", "passed", "fixed", "", True),
             Row("tests/t.py::T::test_g[b]", "failed", "passed", "fixed", "", True),
             Row("tests/t.py::T::test_g[c]", "failed", "failed", "still_failing", "boom", True),
             Row("tests/t.py::test_h", "failed", "passed", "fixed", "", True))
    md = report.markdown(rep(tests=own + fixed, verdict=Status.FAILING, reason="1 still fails"))
    table = md.split("#### The patch's own tests")[1].split("####")[0]
    assert "| `tests/t.py::T::test_f[IA3Config, LoHaConfig, … (4 cases)]` | - | passed | new |" \
        in table
    assert "| `tests/t.py::T::test_g[a, b]` | failed | passed | fixed |" in table
    # a case with another outcome keeps its own row; so does an unparametrized test
    assert "| `tests/t.py::T::test_g[c]` | failed | failed | still failing |" in table
    assert "| `tests/t.py::test_h` | failed | passed | fixed |" in table
    assert len([line for line in table.splitlines() if line.startswith("| `")]) == 4
    # the counts and the JSON stay per test
    assert md.splitlines()[0] == "### Tests: ❌ failing (3 fixed, 1 still failing, 4 new)"
    assert len(json.loads(report.to_json(rep(tests=own + fixed)))["tests"]) == 8
    console = Console(width=250, record=True)
    report.show(rep(tests=own + fixed), console)
    assert "test_f[IA3Config, LoHaConfig, … (4 cases)]" in console.export_text()



def test_the_copies_of_an_expanded_test_share_a_row_where_they_agree() -> None:
    """transformers 8c62d6f8d3: 15 rows ``test_sliding_attention_get_indices_3`` ... for two
    ``@parameterized.expand`` tests."""
    cls = "tests/t.py::CacheTest"
    rows = (
        *(Row(f"{cls}::test_indices_{k}", "failed", "passed", "fixed", f"Lists differ {k}", True)
          for k in (3, 4, 6)),  # each failed its own way before: one row all the same
        Row(f"{cls}::test_indices_0_small", "passed", "passed", "passing", "", True),
        Row(f"{cls}::test_indices_1_big", "passed", "passed", "passing", "", True),
        Row(f"{cls}::test_other_1", "failed", "passed", "fixed", "", True),
        Row(f"{cls}::test_other_2", "failed", "passed", "fixed", "", True))
    pick = Pick(cls, "changed by the patch (its @parameterized.expand copies)", True, 0,
                cases=("test_indices",))
    md = report.markdown(rep(tests=rows, selection=(pick,)))
    table = md.split("#### The patch's own tests")[1].split("####")[0]
    assert f"| `{cls}::test_indices[3, 4, 6]` | failed | passed | fixed |" in table
    assert f"| `{cls}::test_indices[0_small, 1_big]` | passed | passed | passing |" in table
    # test_other is not expanded by the patch's own: its rows stay apart
    assert f"| `{cls}::test_other_1` | failed | passed | fixed |" in table

def test_tests_that_need_a_gpu_come_with_the_command_for_a_gpu_machine() -> None:
    gpu = "harness verify peft --patch fix.diff --gpu"
    commands = rep().commands
    assert commands is not None
    with_gpu = rep(commands=dataclasses.replace(commands, gpu=gpu))
    md = report.markdown(with_gpu)
    assert f"On a machine with a CUDA GPU: `{gpu}`" in md.split("#### Not checked here")[1]
    console = Console(width=250, record=True)
    report.show(with_gpu, console)
    assert f"on a machine with a CUDA GPU: {gpu}" in console.export_text()
    # no test wanted a GPU: no such line
    cpu_only = with_gpu.replace(tests=tuple(t for t in with_gpu.tests if t.note != "needs GPU"))
    assert "CUDA GPU" not in report.markdown(cpu_only)
    assert json.loads(report.to_json(with_gpu))["commands"]["gpu"] == gpu


def test_a_package_the_env_lacks_comes_with_where_a_recipe_adds_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """transformers 279dbcf4d6: its own tests "need librosa (not installed)", and the
    report said nothing of how to check them."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    rows = (Row("tests/a.py::test_audio", "error", "error", "not_checked",
                "needs librosa (not installed)"),
            Row("tests/a.py::test_image", "error", "error", "not_checked",
                "needs PIL (not installed)"),
            # transformers 298ae85455: "No module named 'git'" is GitPython's, not "git"
            Row("tests/a.py::test_repo", "failed", "failed", "not_checked",
                "needs git (not installed)"),
            Row("tests/b.py::test_vision", "error", "error", "not_checked",
                "needs the vision backend (not installed)"))
    console = Console(width=250, record=True)
    report.show(rep(tests=rows), console)
    text = console.export_text()
    assert (f"to check them: add librosa, Pillow and GitPython to [install] packages of a "
            f"copy of the recipe at {tmp_path}/harness/recipes/peft.toml") in text
    console = Console(width=250, record=True)
    report.show(rep(), console)  # nothing wanted a package
    assert "to check them" not in console.export_text()
    # one the recipe leaves out on purpose is not offered (transformers fe95f5423d: "add ...
    # Pillow", which breaks `from transformers import *` without torchvision)
    console = Console(width=250, record=True)
    report.show(rep(tests=rows, excluded=("torchvision", "pillow")), console)
    text = console.export_text()
    assert "to check them: add librosa and GitPython to [install] packages" in text
    assert "Pillow: left out by the recipe ([install] exclude; its comments say why)" in text


def test_the_gpu_command_runs_the_same_selection_on_the_gpu() -> None:
    """diffusers cca8af298f (a LoRA loader fix): the command offered for a GPU machine was
    `--subset unet2d-gpu`, which would have kept the other tests to the UNet file."""
    from harness.recipes import load
    from harness.verify import commands
    from harness.verify.options import Options
    from harness.verify.select import Selection

    sel = Selection((Pick("tests/lora/test_x.py::test_a", "changed by the patch", True, 0),),
                    (), (), 30.0, 400)
    diffusers = load("diffusers")
    opts = Options("diffusers", commit="cca8af298f", source="/m")
    gpu = commands.of(opts, diffusers, diffusers.subset(None), sel).gpu
    assert gpu == ("harness verify diffusers --commit cca8af298f --repo-path . "
                   "--source /m --gpu")
    scoped = Options("peft", patch="fix.diff", subset="offline")
    peft = load("peft")
    assert commands.of(scoped, peft, peft.subset("offline"), sel).gpu == (
        "harness verify peft --patch fix.diff --subset offline --gpu")
    # already on the GPU: nothing more to offer
    on_gpu = dataclasses.replace(opts, gpu=True)
    assert commands.of(on_gpu, diffusers, diffusers.subset(None), sel).gpu == ""
    assert commands.of(opts, peft, peft.subset("lora-gpu"), sel).gpu == ""


def test_gpu_on_a_machine_without_one_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from harness import torch_source

    if torch_source.has_nvidia_gpu():
        pytest.skip("this machine has an NVIDIA GPU")
    assert main(["verify", "demo", "--patch", "/nonexistent.diff", "--gpu", "-q"]) == 2
    err = capsys.readouterr().err
    assert "--gpu: this machine has no CUDA GPU" in err and "run it without --gpu" in err
