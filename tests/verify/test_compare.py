"""Classifying tests before vs after, flaky reruns and the verdict."""
from __future__ import annotations

from harness import results
from harness.verify import compare


def r(test_id: str, outcome: str, message: str = "") -> results.TestResult:
    return results.TestResult(test_id, outcome, 0.1, message)  # type: ignore[arg-type]


def test_every_kind_of_change() -> None:
    before = [r("t.py::fixed", "failed"), r("t.py::broken", "passed"),
              r("t.py::still", "error"), r("t.py::ok", "passed"), r("t.py::gone", "passed"),
              r("t.py::skip", "skipped")]
    after = [r("t.py::fixed", "passed"), r("t.py::broken", "failed", "boom"),
             r("t.py::still", "failed"), r("t.py::ok", "passed"), r("t.py::born", "passed"),
             r("t.py::skip", "failed")]
    rows = {row.id: row.change for row in compare.classify(before, after)}
    assert rows == {"t.py::fixed": "fixed", "t.py::broken": "broken",
                    "t.py::still": "still_failing", "t.py::ok": "passing",
                    "t.py::gone": "removed", "t.py::born": "new", "t.py::skip": "broken"}
    verdict = compare.verdict(compare.classify(before, after))
    assert verdict == ("regressions", "2 test(s) broken by the patch")


def test_a_test_skipped_after_the_patch_is_not_checked() -> None:
    """peft 3a90cd4ab (default options): "240 other test(s) checked, nothing broken", all
    240 skipped on both sides ("Set REGRESSION_CREATION_MODE=1 ...")."""
    why = "Set REGRESSION_CREATION_MODE=1 to create regression artifacts"
    before = [r("t.py::regr", "skipped", why), r("t.py::was_ok", "passed"),
              r("t.py::was_bad", "failed", "boom"), r("t.py::ok", "passed")]
    after = [r("t.py::regr", "skipped", why), r("t.py::was_ok", "skipped", "flaky on CI"),
             r("t.py::was_bad", "skipped"), r("t.py::ok", "passed"),
             r("t.py::born", "skipped", why)]
    rows = {x.id: (x.change, x.note) for x in compare.classify(before, after)}
    assert rows == {
        "t.py::regr": ("not_checked", f"skipped: {why}"),
        "t.py::born": ("not_checked", f"skipped: {why}"),
        # the patch (or its tree) stopped them: neither "passing" nor "fixed"
        "t.py::was_ok": ("not_checked", "skipped after the patch, passed before: flaky on CI"),
        "t.py::was_bad": ("not_checked",
                          "skipped after the patch, failed before: no reason given"),
        "t.py::ok": ("passing", "")}
    v = compare.verdict(compare.classify(before[:1], after[:1]))
    assert v.status == "unchecked" and v.reason.endswith(
        ": skipped: Set REGRESSION_CREATION_MODE=1 to create... (1)")
    # peft e84dd8f40: the word that reaches the limit stays whole
    moe = "Transformers patch_moe_parameter_targeting no longer exists; skipping the variant"
    v = compare.verdict(compare.classify([], [r("t.py::moe", "skipped", moe)], ["t.py::moe"]))
    assert v.reason.endswith(": skipped: Transformers patch_moe_parameter_targeting... (1)")
    # transformers e7e8b7fa16: its only own test 'could not run here: skipped (1)'
    vision = compare.classify([], [r("t.py::test_rgb", "skipped", "test requires vision")],
                              ["t.py::test_rgb"])
    assert compare.verdict(vision).reason == ("none of the patch's 1 own test(s) could run "
                                              "here: skipped: test requires vision (1)")
    many = compare.classify([], [r(f"t.py::test_{k}", "skipped", f"reason {k}")
                                 for k in range(6)])
    assert compare.verdict(many).reason.endswith(
        "skipped: reason 3 (1), 2 for 2 other reason(s)")
    ok = compare.verdict(compare.classify(before, after, ["t.py::ok"]))
    assert ok.reason == ("1 own test(s) pass after the patch (0 fixed); 0 other test(s) "
                         "checked, nothing broken; 4 not checked")


def test_collection_error_stands_for_the_files_tests() -> None:
    before = [r("tests/test_a.py", "error", "ImportError: cannot import name 'sub'")]
    after = [r("tests/test_a.py::test_sub", "passed"), r("tests/test_a.py::test_add", "passed")]
    rows = compare.classify(before, after)
    assert [(x.id, x.before, x.change) for x in rows] == [
        ("tests/test_a.py::test_add", "error", "fixed"),
        ("tests/test_a.py::test_sub", "error", "fixed")]
    assert rows[0].note == "collection error: ImportError: cannot import name 'sub'"
    both = compare.classify(before, before)
    assert [(x.id, x.change) for x in both] == [("tests/test_a.py", "still_failing")]


def test_a_module_skipped_at_import_is_skipped_not_a_collection_error() -> None:
    """peft 3a90cd4ab: tests/test_torch_compile.py calls pytest.skip(allow_module_level=True)
    unless asked to run; verify called it 'still_failing: collection error: collection
    skipped' and counted it as one test checked."""
    skipped = [r("tests/test_c.py", "skipped", "collection skipped")]
    rows = compare.classify(skipped, skipped)
    assert [(x.id, x.before, x.after, x.change, x.note) for x in rows] == [
        ("tests/test_c.py", "skipped", "skipped", "not_checked", "skipped: collection skipped")]
    ran = compare.classify(skipped, [r("tests/test_c.py::test_a", "passed")])
    assert [(x.before, x.change) for x in ran] == [("skipped", "passing")]
    assert compare.verdict(compare.classify(skipped, skipped)).status == "unchecked"


def test_shifted_parametrized_ids_are_noted() -> None:
    before = [r("t.py::test_cfg[cfg3]", "passed")]
    after = [r("t.py::test_cfg[cfg4]", "passed"), r("t.py::test_other[x]", "passed")]
    notes = {row.id: row.note for row in compare.classify(before, after)}
    assert "ids shift" in notes["t.py::test_cfg[cfg3]"]
    assert "ids shift" in notes["t.py::test_cfg[cfg4]"]
    assert notes["t.py::test_other[x]"] == ""


def test_flaky_and_rerun_targets() -> None:
    rows = compare.classify([r("t.py::a", "passed"), r("t.py::b", "failed")],
                            [r("t.py::a", "failed"), r("t.py::b", "passed")])
    assert compare.to_rerun(rows) == ["t.py::a", "t.py::b"]
    # the patch's own fixed test is what it was written for: not rerun
    own = compare.classify([r("t.py::a", "passed"), r("t.py::b", "failed")],
                           [r("t.py::a", "failed"), r("t.py::b", "passed")], ["t.py::b"])
    assert compare.to_rerun(own) == ["t.py::a"]
    marked = compare.mark_flaky(own, [r("t.py::a", "passed")], [r("t.py::a", "passed")])
    assert [(x.id, x.change) for x in marked] == [("t.py::a", "flaky"), ("t.py::b", "fixed")]
    assert compare.verdict(marked) == ("ok", "1 own test(s) pass after the patch (1 fixed); "
                                       "1 other test(s) checked, nothing broken; 1 flaky")
    # an own test failing after the patch decides "failing": it runs again, and one that
    # passes then is flaky (transformers 136c621c00: random inputs, failed twice in three)
    still = compare.classify([r("t.py::c", "failed"), r("t.py::d", "failed")],
                             [r("t.py::c", "failed"), r("t.py::d", "failed")],
                             ["t.py::c", "t.py::d"])
    assert compare.to_rerun(still) == ["t.py::c", "t.py::d"]
    again = compare.mark_flaky(still, [r("t.py::c", "failed"), r("t.py::d", "failed")],
                               [r("t.py::c", "passed"), r("t.py::d", "failed")])
    assert [(x.id, x.change) for x in again] == [("t.py::c", "flaky"),
                                                 ("t.py::d", "still_failing")]
    assert compare.verdict(again).status == "failing"
    assert compare.verdict(again[:1]).status != "failing"
    many = [f"t{i % 3}.py::x{i}" for i in range(compare.RERUN_LIMIT + 1)]
    assert compare.rerun_targets(many) == ("t0.py", "t1.py", "t2.py")


def test_a_crashed_worker_decides_nothing_and_a_flaky_own_test_is_no_failure() -> None:
    """diffusers 4c52cb267a: an xdist worker died (out of memory) under VidTok's tiling
    test on the base: the test was "fixed"; its sibling crashed after the patch, passed on
    the rerun, and the verdict was "failing"."""
    crash = ("worker 'gw1' crashed while running "
             "'tests/test_vidtok.py::TestVidTok::test_enable_disable_tiling'")
    own = ["t.py::tiling", "t.py::slicing"]
    rows = compare.classify([r("t.py::tiling", "error", crash), r("t.py::slicing", "passed")],
                            [r("t.py::tiling", "passed"), r("t.py::slicing", "passed")], own)
    assert [(x.id, x.change, x.note) for x in rows] == [
        ("t.py::slicing", "passing", ""), ("t.py::tiling", "not_checked", compare.CRASHED)]
    flaky = [compare.Row("t.py::slicing", "passed", "error", "flaky", "", True),
             compare.Row("t.py::tiling", "passed", "passed", "passing", "", True)]
    assert compare.verdict(flaky).status == "ok"
    assert compare.verdict(flaky).reason.endswith("; 1 flaky")


def test_a_test_that_skips_itself_without_the_hub_needs_a_hub_download() -> None:
    """diffusers d6bfaa71b8: 9 own tests skip themselves, "tiny DiffusionGemma checkpoint
    unavailable: We couldn't connect to 'https://huggingface.co' ...": the verdict said
    "skipped (9)", and offered no --online."""
    why = ("tiny DiffusionGemma checkpoint unavailable: We couldn't connect to "
           "'https://huggingface.co' to load the files, and couldn't find them in the cached "
           "files.")
    rows = compare.classify([r("t.py::a", "skipped", why)], [r("t.py::a", "skipped", why)],
                            ["t.py::a"])
    assert [(x.change, x.note) for x in rows] == [("not_checked", "needs a Hub download")]
    assert compare.verdict(rows).reason.endswith("needs a Hub download (1)")
    # transformers refuses offline itself (real: test_pipelines_common.py::test_check_task,
    # which verify transformers bc7772617f called still failing)
    said = "RuntimeError: You cannot infer task automatically within `pipeline` when using " \
           "offline mode"
    refused = compare.classify([r("t.py::a", "failed", said)], [r("t.py::a", "failed", said)])
    assert [(x.change, x.note) for x in refused] == [("not_checked", "needs a Hub download")]
    plain = compare.classify([r("t.py::a", "skipped", "not on this platform")],
                             [r("t.py::a", "skipped", "not on this platform")], ["t.py::a"])
    assert plain[0].note == "skipped: not on this platform"


def test_a_backend_transformers_says_is_missing_is_not_installed() -> None:
    """transformers 5068901e8d: an own test failed before and after with "ImportError: \n
    FuyuImageProcessor requires the PIL library but it was not found in your environment",
    and the verdict was "failing"."""
    why = ("ImportError: \nFuyuImageProcessor requires the PIL library but it was not found "
           "in your environment. You can install it with pip:\n`pip install pillow`.")
    rows = compare.classify([r("t.py::a", "failed", why)], [r("t.py::a", "failed", why)],
                            ["t.py::a"])
    assert [(x.change, x.note) for x in rows] == [("not_checked", "needs PIL (not installed)")]
    assert compare.verdict(rows).status == "unchecked"


def test_a_dependency_api_missing_on_both_sides_is_another_release() -> None:
    """peft f8aca0a0c (October 2025) mock-patches transformers.utils.hub._is_offline_mode, gone
    from the transformers 5.14.1 peft's recipe pins: 73 tests failed alike before and after,
    and the verdict was "failing (53 of the patch's 323 own tests fail after it)"."""
    site = "/home/u/.cache/harness/envs/peft-1/lib/python3.11/site-packages"
    patched = (f"AttributeError: <module 'transformers.utils.hub' from '{site}/transformers/"
               f"utils/hub.py'> does not have the attribute '_is_offline_mode'")
    imported = (f"ImportError: cannot import name 'is_offline_mode' from 'transformers.utils' "
                f"({site}/transformers/utils/__init__.py)")
    own = ["t.py::a", "t.py::b", "t.py::c"]
    rows = compare.classify(
        [r("t.py::a", "error", patched), r("t.py::b", "failed", imported),
         r("t.py::c", "failed", "boom")],
        [r("t.py::a", "error", patched), r("t.py::b", "failed", imported),
         r("t.py::c", "passed")], own)
    assert [(x.change, x.note) for x in rows] == [
        ("not_checked", "the env's transformers has no transformers.utils.hub._is_offline_mode: "
                        "this tree was written for another transformers release"),
        ("not_checked", "the env's transformers has no transformers.utils.is_offline_mode: this "
                        "tree was written for another transformers release"),
        ("fixed", "boom")]
    assert compare.verdict(rows).status == "ok"
    # after the patch only: the patch uses what the installed release lacks, and breaks
    broke = compare.classify([r("t.py::a", "passed")], [r("t.py::a", "failed", imported)])
    assert broke[0].change == "broken"
    # "module 'x' has no attribute": another package than the target's (diffusers
    # 5df02fc171: its datasets asks the env's pyarrow for PyExtensionType, gone since)
    arrow = "collection error: AttributeError: module 'pyarrow' has no attribute 'PyExtensionType'"
    both = compare.classify([r("t.py::a", "error", arrow)], [r("t.py::a", "error", arrow)],
                            ["t.py::a"], target="diffusers")
    assert both[0].change == "not_checked" and "the env's pyarrow" in both[0].note
    mine = "AttributeError: module 'diffusers.utils' has no attribute 'helper'"
    assert compare.classify([r("t.py::a", "failed", mine)], [r("t.py::a", "failed", mine)],
                            ["t.py::a"], target="diffusers")[0].change == "still_failing"
    # no path into site-packages: the tree's own module, a real failure
    own_module = "ImportError: cannot import name 'x' from 'peft.utils' (/src/peft/utils.py)"
    still = compare.classify([r("t.py::a", "failed", own_module)],
                             [r("t.py::a", "failed", own_module)], ["t.py::a"])
    assert still[0].change == "still_failing"


def test_new_failing_test_is_a_regression_and_nothing_run_is_unchecked() -> None:
    rows = compare.classify([], [r("t.py::new", "failed")])
    assert compare.verdict(rows) == ("regressions", "1 test(s) broken by the patch")
    assert compare.verdict([]) == ("unchecked", "nothing selected could be checked here: "
                                   "no test was selected")
    assert compare.verdict([]).status.exit_code == 2


def test_the_patch_own_tests_decide() -> None:
    own = ["t.py::test_new"]
    still = compare.classify([r("t.py::test_new", "failed"), r("t.py::other", "passed")],
                             [r("t.py::test_new", "failed"), r("t.py::other", "passed")], own)
    v = compare.verdict(still)
    assert v.status == "failing" and v.status.exit_code == 1
    assert v.reason == "1 of the patch's 1 own test(s) fail after it"
    # an own test that passed before and fails after is failing too, not somewhere else
    worse = compare.classify([r("t.py::test_new[a]", "passed")],
                             [r("t.py::test_new[a]", "failed")], own)
    assert worse[0].own and compare.verdict(worse).status == "failing"
    # something else broken wins
    both = compare.classify([r("t.py::test_new", "failed"), r("t.py::other", "passed")],
                            [r("t.py::test_new", "failed"), r("t.py::other", "failed")], own)
    assert compare.verdict(both).status == "regressions"
    good = compare.classify([r("t.py::test_new", "failed")], [r("t.py::test_new", "passed")],
                            own)
    assert compare.verdict(good).status == "ok"


def test_the_verdict_tells_how_many_test_functions_the_own_cases_are() -> None:
    """peft e611abe9e adds one test function, parametrized over 286 configs: the verdict
    said "286 own test(s) pass after the patch (286 fixed)" and no more."""
    own = ["t.py::test_new", "t.py::test_plain"]
    cases = [f"t.py::test_new[{c}]" for c in ("a", "b", "c")]
    rows = compare.classify([r(i, "failed") for i in cases] + [r("t.py::test_plain", "failed")],
                            [r(i, "passed") for i in cases] + [r("t.py::test_plain", "passed")],
                            own)
    assert compare.verdict(rows).reason == (
        "4 own test(s) pass after the patch (4 fixed; the cases of 2 test function(s)); "
        "0 other test(s) checked, nothing broken")
    plain = compare.classify([r("t.py::test_plain", "failed")], [r("t.py::test_plain", "passed")],
                             own)
    assert compare.verdict(plain).reason.startswith("1 own test(s) pass after the patch (1 fixed);")


def test_a_change_only_to_a_mixin_other_files_use_is_not_told_to_add_a_test() -> None:
    """transformers 9f66415aec changes GenerationTesterMixin in tests/generation/test_utils.py:
    the verdict said "the patch adds or changes no test ... add a test that fails without
    it", though it changed tests, in the model files that use the mixin."""
    rows = compare.classify([r("t.py::other", "passed")], [r("t.py::other", "passed")])
    plain = compare.verdict(rows)
    assert plain.status == "unchecked" and "add a test that fails without it" in plain.reason
    mixin = compare.verdict(rows, shared=["tests/generation/test_utils.py"])
    assert mixin.status == "unchecked" and "add a test" not in mixin.reason
    assert mixin.reason.startswith("the patch changes tests only in what other test files use "
                                   "(tests/generation/test_utils.py)")


def test_a_refactor_is_ok_when_tests_ran_before_and_after_and_nothing_broke() -> None:
    """peft a7d090d5b ("STY Remove unused local variables in src/peft"), as a user types it:
    59 selected tests passed before and after, and the verdict was unchecked, exit 2, "add a
    test that fails without it": a refactor has none.  ``--refactor`` says the change means
    to alter no behaviour; the tests that ran on both sides are then its proof."""
    rows = compare.classify([r("t.py::a", "passed"), r("t.py::b", "failed", "boom")],
                            [r("t.py::a", "passed"), r("t.py::b", "failed", "boom")])
    plain = compare.verdict(rows)
    assert plain.status == "unchecked" and "--refactor" in plain.reason
    ok = compare.verdict(rows, refactor=True)
    assert ok == ("ok", f"{compare.REFACTOR}: 2 selected test(s) ran before and after it, "
                        "none changed outcome, nothing broken")
    more = compare.classify([r("t.py::a", "passed")], [r("t.py::a", "passed"),
                                                       r("t.py::new", "passed")])
    assert compare.verdict(more, refactor=True).reason.endswith(
        "nothing broken (1 more after it only)")
    gone = compare.classify([r("t.py::a", "passed"), r("t.py::old", "passed")],
                            [r("t.py::a", "passed")])
    assert compare.verdict(gone, refactor=True).reason.endswith("none changed outcome, "
                                                                "nothing broken")
    # something broken is still a regression
    broken = compare.classify([r("t.py::a", "passed")], [r("t.py::a", "failed", "boom")])
    assert compare.verdict(broken, refactor=True).status == "regressions"
    # a test that ran after it only proves nothing about behaviour kept
    after_only = compare.classify([], [r("t.py::a", "passed")])
    assert compare.verdict(after_only, refactor=True).status == "unchecked"
    # nothing decided on both sides: unchecked
    skipped = compare.classify([r("t.py::a", "skipped")], [r("t.py::a", "skipped")])
    assert compare.verdict(skipped, refactor=True).status == "unchecked"
    # tests of its own still decide
    own = compare.classify([r("t.py::mine", "passed")], [r("t.py::mine", "failed", "x")],
                           ["t.py::mine"])
    assert compare.verdict(own, refactor=True).status == "failing"


def test_a_require_decorators_skip_names_the_package_to_add() -> None:
    """transformers 0f33294af5 and 522975849c: every own test skipped "test requires PEFT",
    and the report had nothing to say of it; a package on PyPI is now named as one the env
    lacks (the report then says where a recipe adds it), flash-attention as a GPU's."""
    skips = {"peft": "test requires PEFT", "diffusers": "test requires PEFT backend",
             "timm": "test requires Timm", "faiss": "test requires `faiss`",
             "fa3": "test requires Flash Attention 3", "vision": "test requires vision",
             "newer": "test requires PEFT version >= 0.18.0",
             "speed": "test requires deepspeed"}
    rows = compare.classify([], [r(f"t.py::test_{k}", "skipped", m) for k, m in skips.items()],
                            [f"t.py::test_{k}" for k in skips])
    assert {x.id.rpartition("_")[2]: x.note for x in rows} == {
        "peft": "needs peft (not installed)", "diffusers": "needs peft (not installed)",
        "timm": "needs timm (not installed)", "faiss": "needs faiss-cpu (not installed)",
        "fa3": "needs GPU", "vision": "skipped: test requires vision",
        "newer": "skipped: test requires PEFT version >= 0.18.0",
        "speed": "skipped: test requires deepspeed"}


def test_a_program_the_env_lacks_is_not_a_failure_of_the_patch() -> None:
    """diffusers 7aa57aafff: its own tests/others/test_check_copies.py runs `ruff`, which the
    test env lacks; it failed alike on both sides and verify said "failing"."""
    gone = "FileNotFoundError: [Errno 2] No such file or directory: "
    rows = compare.classify(
        [r("t.py::test_ruff", "failed", gone + "'ruff'"),
         r("t.py::test_data", "failed", gone + "'config.json'")],
        [r("t.py::test_ruff", "failed", gone + "'ruff'"),
         r("t.py::test_data", "failed", gone + "'config.json'")],
        ["t.py::test_ruff", "t.py::test_data"])
    assert {x.id: (x.change, x.note) for x in rows} == {
        "t.py::test_ruff": ("not_checked", "needs the program ruff (not found)"),
        "t.py::test_data": ("still_failing", gone + "'config.json'")}


BLOCKED = ("harness_plugin.NetworkBlocked: [Errno -2] harness: network access blocked "
           "(lookup of huggingface.co)")


def test_what_cannot_be_decided_here_is_not_checked() -> None:
    own = ["t.py::test_net", "t.py::test_gpu", "t.py::test_hub", "t.py::test_slow"]
    before = [r("t.py::test_net", "failed", BLOCKED),
              r("t.py::test_gpu", "skipped", "test requires a GPU"),
              r("t.py::test_hub", "error", "huggingface_hub.errors.OfflineModeIsEnabled: x"),
              r("t.py::test_slow", "skipped", "test is slow"),
              r("t.py::other_gpu", "skipped", "CUDA not available"),
              r("t.py::other", "passed")]
    after = [r("t.py::test_net", "failed", BLOCKED), *before[1:]]
    rows = {x.id: (x.change, x.note) for x in compare.classify(before, after, own)}
    assert rows == {"t.py::test_net": ("not_checked", "needs network"),
                    "t.py::test_gpu": ("not_checked", "needs GPU"),
                    "t.py::test_hub": ("not_checked", "needs a Hub download"),
                    "t.py::test_slow": ("not_checked", "skipped: test is slow"),
                    "t.py::other_gpu": ("not_checked", "needs GPU"),
                    "t.py::other": ("passing", "")}
    v = compare.verdict(compare.classify(before, after, own))
    assert v.status == "unchecked" and v.status.exit_code == 2
    assert v.reason.startswith("none of the patch's 4 own test(s) could run here: ")
    assert "needs network (1)" in v.reason and "needs GPU (1)" in v.reason
    # a test that passes after but failed before only for the network is not "fixed"
    half = compare.classify([r("t.py::a", "failed", BLOCKED)], [r("t.py::a", "passed")])
    assert half[0].change == "not_checked"


def test_a_missing_package_is_not_checked_and_a_collection_error_is_own() -> None:
    own = ["tests/lora/test_x.py::test_new"]
    before = [r("tests/lora/test_x.py", "error", "ModuleNotFoundError: No module named 'peft'")]
    rows = compare.classify(before, before, own)
    assert [(x.id, x.change, x.note, x.own) for x in rows] == [
        ("tests/lora/test_x.py", "not_checked", "needs peft (not installed)", True)]
    assert compare.verdict(rows).status == "unchecked"
    # a module the fix adds is a real failure before it
    new = [r("tests/lora/test_x.py", "error", "No module named 'diffusers.new_mod'")]
    after = [r("tests/lora/test_x.py::test_new", "passed")]
    fixed = compare.classify(new, after, own)
    assert [(x.change, x.own) for x in fixed] == [("fixed", True)]


def test_after_first_a_test_missing_on_the_base_passing_after_is_passing() -> None:
    own = ["t.py::test_new"]
    before = [r("t.py::test_new", "failed")]
    after = [r("t.py::test_new", "passed"), r("o.py::ok", "passed"), r("o.py::bad", "failed"),
             r("o.py::blocked", "failed", "harness: network access blocked")]
    rows = {x.id: (x.before, x.change) for x in compare.classify(before, after, own,
                                                                after_first=True)}
    assert rows == {"t.py::test_new": ("failed", "fixed"), "o.py::ok": (None, "passing"),
                    "o.py::bad": (None, "new"), "o.py::blocked": (None, "not_checked")}
    # the one the base must run: failing after, not the patch's own, decidable
    assert compare.base_wanted(compare.classify(before, after, own, after_first=True)) == [
        "o.py::bad"]
    # without after_first a test missing before is new, whatever its outcome
    assert {x.id: x.change for x in compare.classify(before, after, own)}["o.py::ok"] == "new"


def test_a_hub_repo_missing_from_the_offline_cache_is_not_checked() -> None:
    hub = "OSError: hf-internal-testing/tiny-flux does not appear to have a file named config.json."
    local = "OSError: /tmp/tmpa1/model does not appear to have a file named config.json."
    assert compare.undecidable("failed", hub) == "needs a Hub download"
    assert compare.undecidable("failed", local) is None  # a local folder: the code's fault


def test_a_test_stopped_by_its_time_limit_is_not_checked_unless_it_passed_before() -> None:
    """diffusers 7564fb016d (LTX 2.5): two of its new tiling tests ran past pytest-timeout's
    120 s with both sides running on 2 cores, and verify said "failing"."""
    slow = "Failed: Timeout (>120.0s) from pytest-timeout."
    own = ["t.py::test_new_tiling", "t.py::test_was_error"]
    rows = compare.classify(
        [r("t.py::test_was_error", "error", "ImportError: cannot import name 'LTX2'"),
         r("t.py::test_hangs_now", "passed"), r("t.py::test_plain", "failed", "assert 1 == 2")],
        [r("t.py::test_new_tiling", "failed", slow), r("t.py::test_was_error", "failed", slow),
         r("t.py::test_hangs_now", "failed", slow), r("t.py::test_plain", "failed", slow)],
        own)
    too_slow = ("ran past the per-test time limit (120 s) here (the subset's timeout; a copy "
                "of the recipe can raise it)")
    assert {x.id: (x.change, x.note) for x in rows} == {
        "t.py::test_new_tiling": ("not_checked", too_slow),
        "t.py::test_was_error": ("not_checked", too_slow),
        "t.py::test_plain": ("not_checked", too_slow),
        # it passed before the patch: hanging after it is the patch's
        "t.py::test_hangs_now": ("broken", slow)}
    assert compare.verdict(rows).status == "regressions"
