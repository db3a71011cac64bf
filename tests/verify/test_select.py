"""Selecting tests: the patch's own (by hunk), reverse imports nearest first, a budget."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness import history, recipes, results, store
from harness.recipes import Recipe
from harness.verify import basecache, compare, core, diff, durations, own, select
from tests.testing.repos import tiny_recipe, write_files
from tests.verify.helpers import BUGGY


def setup(tmp_path: Path, verify: str, subsets: str | None = None) -> tuple[Recipe, Path]:
    tree = tmp_path / "tree"
    write_files(tree, {**BUGGY, "tests/conftest.py": "", "tests/test_other.py": "x = 1\n"})
    path = tiny_recipe(tmp_path / "r.toml", str(tree), extra=verify, subsets=subsets)
    return recipes.load(str(path)), tree


def files(*paths: str, status: str = "modified") -> list[diff.FileDiff]:
    old = None if status == "added" else "{}"
    new = None if status == "deleted" else "{}"
    return [diff.FileDiff(old and old.format(p), new and new.format(p), "", False)
            for p in paths]


def real_diff(tmp_path: Path, path: str, old: str, new: str) -> diff.FileDiff:
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text(textwrap.dedent(old))
    b.write_text(textwrap.dedent(new))
    out = subprocess.run(["git", "diff", "--no-index", "-U1", str(a), str(b)],
                         check=False, capture_output=True, text=True).stdout
    header = f"--- a/{path}\n+++ b/{path}\n"
    return diff.parse(header + out[out.index("@@"):])[0]


def test_reasons_order_always_run_and_notes(tmp_path: Path) -> None:
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n'
                                   'always_run = ["tests/test_other.py"]\n')
    write_files(tree, {"tests/test_new.py": "def test_x():\n    pass\n"})
    sel = select.select(recipe, tree, files("src/buggy/util.py", "docs/x.md")
                        + files("tests/test_new.py", status="added"))
    assert [(p.target, p.reason, p.own, p.distance) for p in sel.run] == [
        ("tests/test_new.py", "added by the patch", True, 0),
        ("tests/test_other.py", "always run (recipe)", False, 1),
        ("tests/test_text.py", "imports src/buggy/util.py (via src/buggy/text.py)", False, 2),
    ]
    assert sel.notes == ("docs/x.md: no test imports it",) and not sel.left_out


def test_tests_that_run_a_changed_script_by_path_or_by_name(tmp_path: Path) -> None:
    """diffusers d44b5f86e6 fixes examples/dreambooth/train_dreambooth_lora_flux2.py, which
    examples/dreambooth/test_dreambooth_lora_flux2.py runs by its path: verify said "nothing
    to check: no test imports what it changes".  transformers' example tests import
    ``run_glue`` by name from a folder they put on sys.path."""
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n')
    write_files(tree, {
        "examples/dreambooth/train_flux.py": "print('train')\n",
        "examples/dreambooth/test_flux.py":
            'SCRIPT = "examples/dreambooth/train_flux.py"\n\ndef test_x():\n    pass\n',
        "examples/pytorch/run_glue.py": "def main():\n    pass\n",
        "examples/pytorch/test_examples.py": "import run_glue\n\ndef test_y():\n    pass\n",
        "examples/pytorch/utils.py": "x = 1\n",
        "examples/pytorch/test_utils_user.py": "import utils\n\ndef test_z():\n    pass\n",
        "scripts/convert.py": "x = 1\n"})
    sel = select.select(recipe, tree, files("examples/dreambooth/train_flux.py",
                                            "examples/pytorch/run_glue.py",
                                            "examples/pytorch/utils.py", "scripts/convert.py",
                                            "examples/pytorch/test_examples.py"))
    assert [(p.target, p.reason, p.own) for p in sel.run] == [
        ("examples/dreambooth/test_flux.py",
         "runs examples/dreambooth/train_flux.py (names its path)", False),
        ("examples/pytorch/test_examples.py", "imports run_glue (examples/pytorch/run_glue.py) "
         "by name", False)]
    # a name as common as "utils" is no sign; a script no test names is still noted
    assert sel.notes == ("examples/pytorch/test_examples.py: the patch changes no test in it "
                         "(imports or comments only)",
                         "examples/pytorch/utils.py: no test imports it",
                         "scripts/convert.py: no test imports it")


def test_scope_and_a_deleted_module(tmp_path: Path) -> None:
    subsets = '[subsets.text]\npaths = ["tests/test_text.py"]\n'
    recipe, tree = setup(tmp_path, "", subsets)  # package guessed: src/buggy
    after = tmp_path / "after"
    write_files(after, {**BUGGY, "src/buggy/util.py": "", "src/buggy/text.py": "x = 1\n"})
    (after / "src/buggy/util.py").unlink()
    changed = files("src/buggy/util.py", status="deleted") + files("src/buggy/mathops.py")
    sel = select.select(recipe, after, changed, before=tree)
    assert [p.target for p in sel.run] == ["tests/test_mathops.py", "tests/test_text.py"]
    scoped = select.select(recipe, after, changed, before=tree, scope=recipe.subset("text"))
    assert [(p.target, p.reason) for p in scoped.run] == [(
        "tests/test_text.py",
        "imports src/buggy/util.py (via src/buggy/text.py) (before the patch)")]
    assert "tests/test_mathops.py: not in subset text (imports src/buggy/mathops.py)" in \
        scoped.notes


BIG = """\
import pytest

CASES = [(i, i) for i in range(500)]


@pytest.mark.parametrize("a,b", CASES)
def test_same(a, b):
    assert a == b


class Base:
    def test_inherited(self):
        assert True


class TestOne(Base):
    def helper(self):
        return 1

    def test_uses_helper(self):
        assert self.helper() == 1

    def test_plain(self):
        assert True


class TestTwo(Base):
    pass
"""


VIDTOK = """\
from ..testing_utils import AutoencoderTesterMixin


class TestVidTokSlicing(AutoencoderTesterMixin):
    def test_forward_with_norm_groups(self):
        assert True

    def test_enable_disable_tiling(self):
        assert True

    def test_gone_for_good(self):
        assert True
"""


def test_a_test_method_deleted_for_the_one_it_inherits_is_the_patchs_own(
        tmp_path: Path) -> None:
    """diffusers 58eb52c080 drops VidTok's own tiling test for the mixin's: the class now
    runs AutoencoderTesterMixin.test_enable_disable_tiling, and verify ran the test beside
    the deleted lines instead."""
    path = "tests/models/autoencoders/test_vidtok.py"
    write_files(tmp_path / "tree", {
        "tests/models/__init__.py": "",
        "tests/models/testing_utils/__init__.py": "from .vae import AutoencoderTesterMixin\n",
        "tests/models/testing_utils/vae.py":
            "class AutoencoderTesterMixin:\n    def test_enable_disable_tiling(self):\n"
            "        assert True\n"})
    new = VIDTOK.replace("    def test_enable_disable_tiling(self):\n        assert True\n\n", "")
    new = new.replace("\n    def test_gone_for_good(self):\n        assert True\n", "")
    write_files(tmp_path / "tree", {path: new})
    found, _ = own.own_tests(real_diff(tmp_path, path, VIDTOK, new), tmp_path / "tree")
    inherited = [o for o in found if o.cases]
    assert [(o.target, o.cases) for o in inherited] == [
        (f"{path}::TestVidTokSlicing", ("test_enable_disable_tiling",))]
    assert "the one TestVidTokSlicing inherits runs in its place" in inherited[0].reason
    # test_gone_for_good is inherited from nowhere: nothing of that name runs


def test_own_tests_by_hunk(tmp_path: Path) -> None:
    path = "tests/test_big.py"

    def own_of(new: str) -> list[str]:
        write_files(tmp_path / "tree", {path: new})
        found, _ = own.own_tests(real_diff(tmp_path, path, BIG, new), tmp_path / "tree")
        return [o.target for o in found]

    added = BIG + "\n\ndef test_added():\n    assert 1\n"
    assert own_of(added) == [f"{path}::test_added"]
    method = BIG.replace("    def test_plain(self):\n        assert True",
                         "    def test_plain(self):\n        assert 1 + 1 == 2")
    assert own_of(method) == [f"{path}::TestOne::test_plain"]
    helper = BIG.replace("return 1\n", "return 2 - 1\n")
    assert own_of(helper) == [f"{path}::TestOne::test_uses_helper"]
    base = BIG.replace("    def test_inherited(self):\n        assert True",
                       "    def test_inherited(self):\n        assert not False")
    assert own_of(base) == [f"{path}::TestOne::test_inherited", f"{path}::TestTwo::test_inherited"]
    # a method added with its blank lines (as git shows it): that test, not the class
    appended = BIG.replace("    def test_plain(self):\n        assert True\n",
                           "    def test_plain(self):\n        assert True\n\n"
                           "    @pytest.mark.parametrize('x', [1, 2])\n"
                           "    def test_more(self, x):\n        assert x\n")
    assert own_of(appended) == [f"{path}::TestOne::test_more"]
    decorated = BIG.replace("class TestTwo(Base):", "@pytest.mark.slow\nclass TestTwo(Base):")
    assert own_of(decorated) == [f"{path}::TestTwo"]
    cases = BIG.replace("range(500)", "range(501)")
    assert own_of(cases) == [f"{path}::test_same"]
    imports = BIG.replace("import pytest\n", "import pytest\nimport os\n")
    assert own_of(imports) == []
    assert own.is_own(f"{path}::test_same[3-3]", [f"{path}::test_same"])
    assert not own.is_own(f"{path}::test_same_other", [f"{path}::test_same"])


def test_budget_fills_in_order_with_stored_durations(tmp_path: Path) -> None:
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n')
    write_files(tree, {"tests/test_new.py": "def test_x():\n    pass\n"})
    known = durations.Known({"tests/test_new.py::test_x": 5.0,
                             "tests/test_mathops.py::test_add": 5.0,
                             "tests/test_mathops.py::test_mul[2-2-4]": 6.0,
                             "tests/test_text.py::test_shout": 1.0})
    changed = files("src/buggy/util.py", "src/buggy/mathops.py") + \
        files("tests/test_new.py", status="added")
    sel = select.select(recipe, tree, changed, budget=10.0, known=known)
    # own 5 s first, then nearest first: 11 s of mathops (+3 s to import the file) does
    # not fit, 1 s of text (+3 s) does; mathops' file is the nearest to mathops.py, and runs
    # past the budget, own tests or not (transformers e0aeab4c9f: its own GPT-2 test ran,
    # test_modeling_gpt2.py did not)
    assert [(p.target, p.estimate, p.measured) for p in sel.run] == [
        ("tests/test_new.py", 5.0, True), ("tests/test_mathops.py", 14.0, True),
        ("tests/test_text.py", 4.0, True)]
    assert "tests/test_mathops.py: the test file nearest src/buggy/mathops.py, run although " \
           "the budget left it out (about 14s)" in sel.notes
    near = sel
    assert not near.left_out
    everything = select.select(recipe, tree, changed, budget=None, known=known)
    assert not everything.left_out and len(everything.run) == 3
    # no own test and nothing within the budget: the nearest file runs when it is within
    # NEAREST_BUDGETS budgets (diffusers d44b5f86e6: one 55 s example test, nothing ran)
    fix = files("src/buggy/mathops.py")
    nearest = select.select(recipe, tree, fix, budget=2.0, known=known)
    assert [p.target for p in nearest.run] == ["tests/test_mathops.py"]
    # ... for each changed file, also when other files fit: transformers ce5c8f5e43 fixes
    # the GPT-NeoX tokenizer, and four files that import it through transformers/__init__.py
    # ran, its own test file not; a5f41e095a changes Whisper and the candidate generator, and
    # only the generator's test file ran
    both = select.select(recipe, tree, files("src/buggy/util.py", "src/buggy/mathops.py"),
                         budget=5.0, known=known)
    assert [(p.target, p.distance) for p in both.run] == [("tests/test_mathops.py", 1),
                                                          ("tests/test_text.py", 2)]
    assert not both.left_out
    assert "tests/test_mathops.py: the test file nearest src/buggy/mathops.py, run although " \
           "the budget left it out (about 14s)" in both.notes
    # what runs past the budget stays within NEAREST_BUDGETS budgets in all (15 s here)
    capped = select.select(recipe, tree, files("src/buggy/mathops.py", "src/buggy/text.py"),
                           budget=1.5, known=known)
    assert [p.target for p in capped.run] == ["tests/test_mathops.py"]
    assert [p.target for p in capped.left_out] == ["tests/test_text.py"]
    too_big = select.select(recipe, tree, fix, budget=1.0, known=known)
    assert not too_big.run and [p.target for p in too_big.left_out] == ["tests/test_mathops.py"]
    assert core._nothing_run(too_big) == ("nothing ran: the budget left out the 1 test file(s) "
                                          "that could check it (about 14s; --all runs them)")
    assert core._nothing_run(select.select(recipe, tree, files("docs/x.md"))) == \
        core.NOTHING_TO_TEST
    # of the nearest, the quickest: a 40 s file first in order does not hide a 14 s one
    slow_first = durations.Known({**known.by_test, "tests/test_helpers.py::test_h": 37.0})
    write_files(tree, {"tests/test_helpers.py":
                       "from buggy.mathops import mul\n\n\ndef test_h():\n    pass\n"})
    nearest_two = select.select(recipe, tree, fix, budget=5.0, known=slow_first)
    assert [(p.target, p.estimate) for p in nearest_two.run] == [("tests/test_mathops.py", 14.0)]
    # the file named for the changed one first (test_modeling_whisper.py for
    # modeling_whisper.py: a5f41e095a ran the ASR pipeline's tests in its place), when it fits
    quick_other = durations.Known({**known.by_test, "tests/test_helpers.py::test_h": 1.0})
    named = select.select(recipe, tree, fix, budget=3.0, known=quick_other)
    assert [(p.target, p.estimate) for p in named.run] == [("tests/test_mathops.py", 14.0)]
    too_long = select.select(recipe, tree, fix, budget=1.0, known=quick_other)
    assert [(p.target, p.estimate) for p in too_long.run] == [("tests/test_helpers.py", 4.0)]
    # another nearest file within the budget does not stand for the one named for it
    # (diffusers 11a82a15fe: a LoRA test file of krea2 ran, all its tests wanting the Hub,
    # and test_models_transformer_krea2.py did not)
    both_near = select.select(recipe, tree, fix, budget=5.0, known=quick_other)
    assert [(p.target, p.estimate) for p in both_near.run] == [
        ("tests/test_helpers.py", 4.0), ("tests/test_mathops.py", 14.0)]
    assert select.named_for("tests/models/transformers/test_models_transformer_krea2.py",
                            "src/diffusers/models/transformers/transformer_krea2.py")
    assert select.named_for("tests/models/whisper/test_modeling_whisper.py",
                            "src/transformers/models/whisper/modeling_whisper.py")
    assert not select.named_for("tests/test_lora_layer.py", "src/peft/tuners/lora/layer.py")
    assert not select.named_for("tests/lora/test_lora_layers_krea2.py",
                                "src/diffusers/models/transformers/transformer_krea2.py")


def test_of_files_as_near_the_quickest_fill_the_budget_first(tmp_path: Path) -> None:
    """peft 607895c99, verified a second time: tests/test_common_gpu.py, first of its distance
    by name, never run here and estimated at 23 s, took the budget that three-second files,
    which had passed the first time, ran in; its 70 tests all need a GPU."""
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n')
    test = "from buggy.text import shout\n\n\ndef test_{0}():\n    assert shout('a')\n"
    write_files(tree, {f"tests/test_{n}.py": test.format(n) for n in ("a_slow", "b", "c")})
    known = durations.Known({"tests/test_a_slow.py::test_a_slow": 20.0,
                             "tests/test_b.py::test_b": 1.0, "tests/test_c.py::test_c": 1.0,
                             "tests/test_text.py::test_shout": 1.0,
                             "tests/test_text.py::test_upper": 1.0})
    sel = select.select(recipe, tree, files("src/buggy/util.py"), budget=25.0, known=known)
    assert {p.distance for p in [*sel.run, *sel.left_out]} == {2}
    assert [p.target for p in sel.run] == ["tests/test_b.py", "tests/test_c.py",
                                           "tests/test_text.py"]  # shown by name
    assert [p.target for p in sel.left_out] == ["tests/test_a_slow.py"]


def test_of_files_as_near_those_that_checked_nothing_last_time_go_last(tmp_path: Path) -> None:
    """peft 3a90cd4ab: the budget went to tests/regression/test_state_dict.py (first of its
    distance by name), whose 240 tests skip unless REGRESSION_CREATION_MODE is set, and to a
    file of Hub tests: nothing the patch could change ran."""
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n')
    blocked = "OSError: [Errno -2] harness: network access blocked (lookup of huggingface.co)"
    with store.opened() as conn:
        history.save(conn, {"recipe": recipe.name, "subset": "s", "ref": "v1",
                            "status": "failed", "started_at": "2026-12-01T00:00:00+00:00"},
                     [results.TestResult("tests/test_mathops.py::test_add", "skipped", 1.0,
                                         "Set REGRESSION_CREATION_MODE=1"),
                      results.TestResult("tests/test_mathops.py::test_mul", "failed", 1.0,
                                         blocked),
                      results.TestResult("tests/test_text.py::test_shout", "skipped", 1.0,
                                         "nope"),
                      results.TestResult("tests/test_text.py::test_upper", "passed", 1.0)])
    known = durations.load(recipe.name)
    assert known.idle == {"tests/test_mathops.py"}
    # with --online the network's failures are no reason: its test_mul will decide
    assert not durations.load(recipe.name, frozenset(compare.NEEDS_NETWORK)).idle
    assert known.by_test == {"tests/test_mathops.py::test_mul": 1.0,
                             "tests/test_text.py::test_upper": 1.0}  # skipped: no duration
    write_files(tree, {"tests/test_more.py": "from buggy import add\n\n\n"
                                             "def test_more():\n    assert add(1, 1) == 2\n"})
    fix = files("src/buggy/mathops.py")
    plain = select.select(recipe, tree, fix, budget=None, known=durations.Known({}))
    assert [(p.target, p.distance) for p in plain.run][:2] == [("tests/test_mathops.py", 1),
                                                               ("tests/test_more.py", 1)]
    sel = select.select(recipe, tree, fix, budget=None, known=known)
    assert [p.target for p in sel.run][:2] == ["tests/test_more.py", "tests/test_mathops.py"]
    assert "none of its tests ran or could decide anything here last time" in sel.run[1].reason
    assert "last time" not in sel.run[0].reason


def test_an_untimed_test_costs_what_the_timed_ones_of_its_directory_do(tmp_path: Path) -> None:
    """diffusers 6e8c8c4cac (four model files): test_models_transformer_helios.py, never run
    here, was estimated at 209 s (122 functions x 2 s) and left out, and a LoRA file ran in
    its place; it took 6 s, as the model files beside it had (about 0.06 s a function)."""
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n')
    timed = [results.TestResult(f"tests/models/test_{m}.py::TestA::test_{k}[{c}]", "passed", 0.03)
             for m in ("a", "b") for k in range(10) for c in (1, 2)]
    timed += [results.TestResult("tests/other/test_slow.py::test_s", "passed", 40.0),
              results.TestResult("tests/models/test_a.py::TestA::test_gpu", "skipped", 0.0, "GPU")]
    with store.opened() as conn:
        history.save(conn, {"recipe": recipe.name, "subset": "s", "ref": "v1",
                            "status": "passed", "started_at": "2026-12-01T00:00:00+00:00"},
                     timed)
    known = durations.load(recipe.name)
    # two files under tests/models: 1.2 s over 20 functions; tests/ pools the slow one too
    assert known.rates == {"tests/models": pytest.approx(0.06),
                           "tests": pytest.approx(41.2 / 21), "": pytest.approx(41.2 / 21)}
    assert known.per_test("tests/models/test_new.py") == durations.FLOOR_TEST_SECONDS
    assert known.per_test("tests/models/deep/test_new.py") == durations.FLOOR_TEST_SECONDS
    assert known.per_test("tests/other/test_new.py") == pytest.approx(41.2 / 21)
    assert durations.Known({}).per_test("tests/test_x.py") == durations.UNKNOWN_TEST_SECONDS
    write_files(tree, {"tests/models/test_new.py": "".join(
        f"def test_{k}():\n    pass\n\n\n" for k in range(30))})
    assert durations.estimate(known, "tests/models/test_new.py", tree) == (
        pytest.approx(30 * durations.FLOOR_TEST_SECONDS), False)
    assert durations.estimate(durations.Known({}), "tests/models/test_new.py", tree) == (
        30 * durations.UNKNOWN_TEST_SECONDS, False)
    # a timed file's untimed functions (the skipped GPU test) cost the directory's rate too
    write_files(tree, {"tests/models/test_a.py": "class TestA:\n" + "".join(
        f"    def test_{k}(self):\n        pass\n\n" for k in (*range(10), "gpu"))})
    a, measured = durations.estimate(known, "tests/models/test_a.py", tree)
    assert measured and a == pytest.approx(0.6 + durations.FLOOR_TEST_SECONDS)


def test_a_test_file_of_mixins_only_is_not_selected(tmp_path: Path) -> None:
    """transformers e0aeab4c9f: tests/test_modeling_common.py (ModelTesterMixin only) and
    tests/test_configuration_common.py fitted the budget and ran: no test, 6 s."""
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n')
    write_files(tree, {
        "tests/test_common.py": "from buggy import add\n\n\nclass AddTesterMixin:\n"
                                "    def test_add(self):\n        assert add(1, 1) == 2\n"})
    sel = select.select(recipe, tree, files("src/buggy/mathops.py"), budget=None)
    targets = [p.target for p in sel.run]
    assert "tests/test_common.py" not in targets and "tests/test_mathops.py" in targets
    write_files(tree, {"tests/test_common.py": "from buggy import add\n\n\n"
                                               "class TestAdd:\n    def test_add(self):\n"
                                               "        assert add(1, 1) == 2\n"})
    sel = select.select(recipe, tree, files("src/buggy/mathops.py"), budget=None)
    assert "tests/test_common.py" in [p.target for p in sel.run]


def test_a_file_a_subset_narrows_is_narrowed_and_runs_apart(tmp_path: Path) -> None:
    subsets = ('[subsets.small]\npaths = ["tests/test_mathops.py"]\nk = "add"\n'
               'deselect = ["tests/test_mathops.py::test_mul[0-5-0]"]\n'
               '[subsets.all]\npaths = ["tests"]\n')
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n', subsets)
    write_files(tree, {"tests/test_new.py": "def test_x():\n    pass\n"})
    changed = files("src/buggy/mathops.py") + files("tests/test_new.py", status="added")
    sel = select.select(recipe, tree, changed)
    assert [(p.target, p.narrow) for p in sel.run] == [("tests/test_new.py", None),
                                                       ("tests/test_mathops.py", "small")]
    # other runs stored fewer of its tests: a narrowed file counts its subset's run only
    known = durations.Known({"tests/test_mathops.py::test_add": 0.1},
                            {("small", "tests/test_mathops.py"): 7.0})
    narrowed = select.select(recipe, tree, changed, known=known).run[1]
    assert (narrowed.estimate, narrowed.measured) == (10.0, True)  # + 3 s for the file
    unknown = select.select(recipe, tree, changed, known=durations.Known(
        {"tests/test_mathops.py::test_add": 0.1})).run[1]
    assert (unknown.estimate, unknown.measured) == (7.0, False)  # 2 tests x 2 s + 3 s
    assert select.batches(recipe, sel.run) == (
        select.Batch(("tests/test_new.py",)),
        select.Batch(("tests/test_mathops.py",), "add", None,
                     ("tests/test_mathops.py::test_mul[0-5-0]",)))


def test_inherited_tests_are_guessed_for_foreign_base_classes(tmp_path: Path) -> None:
    path = tmp_path / "test_model.py"
    path.write_text("import unittest\nfrom .common import ModelTesterMixin\n\n\n"
                    "class Base:\n    def test_a(self):\n        pass\n\n\n"
                    "class TestModel(ModelTesterMixin, Base, unittest.TestCase):\n"
                    "    def test_b(self):\n        pass\n")
    # two defined here, ModelTesterMixin's guessed; Base and TestCase add nothing
    assert durations.count_tests(path) == 2 + durations.INHERITED_TESTS
    assert durations.count_tests(path, "Base") == 1


def test_a_mixin_counts_only_in_the_classes_that_inherit_it(tmp_path: Path) -> None:
    """transformers 240b8330b9: ``test_modeling_common.py`` (a ``ModelTesterMixin`` of
    hundreds of tests, run by other files' classes) was estimated at 267 s; its 18 tests
    ran in 34 s."""
    path = tmp_path / "tests" / "test_common.py"
    path.parent.mkdir()
    methods = "".join(f"    def test_{k}(self):\n        pass\n\n" for k in range(30))
    helpers = methods.replace("test_", "test_h")
    path.write_text("import unittest\n\n\nclass ModelTesterMixin:\n" + methods
                    + "\nclass HelperMixin(ModelTesterMixin):\n" + helpers
                    + "\nclass UtilsTest(unittest.TestCase):\n    def test_a(self):\n        pass\n"
                    + "\n\ndef test_free():\n    pass\n")
    assert durations.count_tests(path) == 2  # the mixins run elsewhere
    assert durations.count_tests(path, "HelperMixin") == 60
    both = path.read_text() + "\n\nclass LocalTest(HelperMixin, unittest.TestCase):\n    pass\n"
    path.write_text(both)
    assert durations.count_tests(path) == 62  # a class of the file that runs them
    path.write_text(both.replace("unittest.TestCase):\n    pass", "TestCasePlus):\n    pass")
                    .replace("class UtilsTest(unittest.TestCase)", "class UtilsTest(OtherTests)")
                    + "\n\nclass Block(nn.Module):\n    pass\n")
    # another file's test class may hold tests; TestCasePlus and a helper class (a module)
    # hold none
    assert durations.count_tests(path) == 62 + durations.INHERITED_TESTS
    # diffusers' model tests: a config class from elsewhere, then a mixin per class
    path.write_text("from ..testing_utils import BaseModelTesterConfig, ModelTesterMixin\n\n\n"
                    "class Krea2Config(BaseModelTesterConfig):\n    pass\n\n\n"
                    "class TestKrea2(Krea2Config, ModelTesterMixin):\n    pass\n\n\n"
                    "class TestKrea2Training(Krea2Config, TrainingTesterMixin):\n"
                    "    def test_x(self):\n        pass\n")
    assert durations.count_tests(path) == 1 + 2 * durations.INHERITED_TESTS
    known = durations.Known({"tests/test_common.py::UtilsTest::test_a": 1.0,
                             "tests/test_common.py::test_free": 1.0})
    path.write_text(both.replace("\n\nclass LocalTest(HelperMixin, unittest.TestCase):\n    pass\n",
                                 ""))
    # both tests pytest collects were timed: nothing is left to guess
    assert durations.estimate(known, "tests/test_common.py", tmp_path) == (2.0, True)


def test_own_tests_follow_a_patch_applied_at_an_offset(tmp_path: Path) -> None:
    """A patch made on a later commit (here: 8 more lines above) lands at an offset; the
    tests it adds are read from where it landed, not from its hunk headers."""
    path = "tests/test_big.py"
    tree = tmp_path / "tree"
    write_files(tree, {path: BIG})
    for args in (["init", "-q"], ["add", "-A"],
                 ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=tree, check=True)
    later = BIG.replace("class Base:", "def test_later_one():\n    assert 1\n\n\n"
                                       "def test_later_two():\n    assert 2\n\n\nclass Base:")
    added = later.replace("    def test_plain(self):\n        assert True\n",
                          "    def test_new(self):\n        assert 3\n\n"
                          "    def test_plain(self):\n        assert True\n")
    patch = real_diff(tmp_path, path, later, added)
    subprocess.run(["git", "apply", "-"], cwd=tree, input=patch.text, text=True, check=True)
    assert own.changed_lines(patch.text) != own.changed_lines(own.applied(patch, tree) or "")
    found, _ = own.own_tests(patch, tree)
    assert [o.target for o in found] == [f"{path}::TestOne::test_new"]


CASES = """\
import pytest

TEST_CASES = [
    ("Vanilla MLP 1 LoRA", "MLP", {"r": 8}),
    # a comment between cases
    (
        "BD-LoRA A only",
        "MLP",
        {"r": 4},
    ),
    pytest.param("x", {"r": 2}, id="param with id"),
]


@pytest.mark.parametrize("name, model, kwargs", TEST_CASES)
def test_forward(name, model, kwargs):
    assert kwargs


@pytest.mark.parametrize("name, model, kwargs", TEST_CASES, ids=lambda v: str(v))
def test_custom_ids(name, model, kwargs):
    assert kwargs


def test_all_cases_in_a_loop():
    for case in TEST_CASES:
        assert case


class TestClass:
    @pytest.mark.parametrize("name, model, kwargs", TEST_CASES)
    def test_method(self, name, model, kwargs):
        assert model


@pytest.mark.parametrize("case", TEST_CASES)
def test_one_name(case):
    assert case
"""


def test_a_changed_case_narrows_the_tests_that_take_the_table_as_parameters(
        tmp_path: Path) -> None:
    """peft's TEST_CASES feeds ~15,000 tests: a change to one case runs that case's
    parametrizations of the tests that take it through parametrize, and the whole of a test
    that does anything else with the table (custom ids, a loop)."""
    path = "tests/test_cases.py"

    def own_of(new: str) -> list[tuple[str, tuple[str, ...]]]:
        write_files(tmp_path / "tree", {path: new})
        found, _ = own.own_tests(real_diff(tmp_path, path, CASES, new), tmp_path / "tree")
        return [(o.target, o.cases) for o in found]

    one = [(f"{path}::test_forward", ("BD-LoRA A only",)), (f"{path}::test_custom_ids", ()),
           (f"{path}::test_all_cases_in_a_loop", ()),
           (f"{path}::TestClass::test_method", ("BD-LoRA A only",)),
           (f"{path}::test_one_name", ())]  # its ids are case0, case1 ...
    assert own_of(CASES.replace('{"r": 4}', '{"r": 5}')) == one
    both = own_of(CASES.replace('{"r": 4}', '{"r": 5}').replace('{"r": 8}', '{"r": 9}'))
    assert both[0] == (f"{path}::test_forward", ("Vanilla MLP 1 LoRA", "BD-LoRA A only"))
    # (a changed line's neighbour may add the case above it: more, never fewer)
    by_id = own_of(CASES.replace('id="param with id"', 'id="param with an id"'))
    assert "param with an id" in by_id[0][1]
    # a comment between cases: no case (a replaced line marks itself, not its neighbours)
    assert own_of(CASES.replace("# a comment between", "# another comment between")) == []
    # a case added at the end (the closing bracket's neighbour): that case
    added = CASES.replace('id="param with id"),\n',
                          'id="param with id"),\n    ("new one", "MLP", {"r": 1}),\n')
    assert own_of(added)[0] == (f"{path}::test_forward", ("new one",))
    # a case with no name: every test whole
    unnamed = CASES.replace('("Vanilla MLP 1 LoRA", "MLP", {"r": 8})', '(1, 2, {"r": 8})')
    assert own_of(unnamed.replace('{"r": 8}', '{"r": 9}'))[0] == (f"{path}::test_forward", ())

    assert own.case_filter(["BD-LoRA A only"]) == "BD-LoRA and A and only"
    assert own.case_filter(["a or b", "c (d)"]) == "(a and b) or (c and d)"
    assert own.case_filter(["()"]) is None
    # words any pytest since 6.0 reads: no / or \ (7.x), no None (a constant in 8.x)
    assert own.case_filter(["org/tiny-llama None"]) == "org and tiny-llama"


CLASS_CASES = """\
import pytest

from configs import AdaConfig, LoraConfig, RandConfig
from configs import Other as Renamed
from configs import DEFAULTS


class LocalConfig:
    pass


ALL_CONFIGS = [
    (AdaConfig, {"r": 8}),
    (LoraConfig, {"r": 8}),
    (LoraConfig, {"r": 16}),
    (Renamed, {"r": 4}),
    (DEFAULTS, {"r": 2}),
]


@pytest.mark.parametrize("model_id", ["m1", "m2"])
@pytest.mark.parametrize("config_cls, config_kwargs", ALL_CONFIGS)
def test_forward(model_id, config_cls, config_kwargs):
    assert config_kwargs
"""


def test_a_case_named_by_its_class_narrows_to_that_class(tmp_path: Path) -> None:
    """peft dbb064a56 adds ``(RandLoraConfig, {...})`` to the ALL_CONFIGS of four test files:
    pytest shows a class by its name in the ids (``test_x[RandLoraConfig-config_kwargs12-...]``),
    so the own tests are that case's, not the 13,053 tests of every config (312 s)."""
    path = "tests/test_configs.py"

    def own_of(new: str) -> list[tuple[str, tuple[str, ...]]]:
        write_files(tmp_path / "tree", {path: new})
        found, _ = own.own_tests(real_diff(tmp_path, path, CLASS_CASES, new), tmp_path / "tree")
        return [(o.target, o.cases) for o in found]

    test = f"{path}::test_forward"
    added = CLASS_CASES.replace('    (DEFAULTS, {"r": 2}),\n',
                                '    (DEFAULTS, {"r": 2}),\n    (RandConfig, {"r": 1}),\n')
    assert own_of(added) == [(test, ("RandConfig",))]
    local = CLASS_CASES.replace('    (DEFAULTS, {"r": 2}),\n',
                                '    (DEFAULTS, {"r": 2}),\n    (LocalConfig, {"r": 1}),\n')
    assert own_of(local) == [(test, ("LocalConfig",))]
    assert own_of(CLASS_CASES.replace('{"r": 8}', '{"r": 9}', 1)) == [(test, ("AdaConfig",))]
    # twice in the table, imported under another name, or not a class: every case
    assert own_of(CLASS_CASES.replace('{"r": 16}', '{"r": 32}')) == [(test, ())]
    assert own_of(CLASS_CASES.replace('{"r": 4}', '{"r": 5}')) == [(test, ())]
    assert own_of(CLASS_CASES.replace('{"r": 2}', '{"r": 3}')) == [(test, ())]


def test_pytest_shows_a_class_case_by_its_name(tmp_path: Path) -> None:
    """What the narrowing above stands on, asked of pytest itself: ``-k`` on the class's name
    keeps that case's tests, for each model."""
    write_files(tmp_path, {
        "configs.py": "class AdaConfig: ...\nclass LoraConfig: ...\nclass RandConfig: ...\n"
                      "class Other: ...\nDEFAULTS = 'd'\n",
        "test_configs.py": CLASS_CASES})
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                           "-p", "no:cacheprovider", "-k", own.case_filter(["AdaConfig"]) or "",
                           "test_configs.py"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    ids = [ln for ln in proc.stdout.splitlines() if "::" in ln]
    assert ids == ["test_configs.py::test_forward[AdaConfig-config_kwargs0-m1]",
                   "test_configs.py::test_forward[AdaConfig-config_kwargs0-m2]"], proc.stdout


EXPANDED = """\
import unittest

from parameterized import parameterized


class CacheTest(unittest.TestCase):
    @parameterized.expand([(4, 8), (4, 4)])
    def test_indices(self, block, window):
        self.assertLess(block, window + 1)

    def test_plain(self):
        self.assertTrue(self.helper())

    def helper(self):
        return True


@parameterized.expand([("a",), ("b",)])
def test_top(name):
    assert name
"""


def test_a_changed_parameterized_expand_test_runs_its_copies(tmp_path: Path) -> None:
    """transformers 8c62d6f8d3 changes a ``@parameterized.expand`` method: only its copies
    ``test_sliding_attention_get_indices_0`` ... are collected, and pytest refused the node
    id of the method itself ("not found"), so verify ended with nothing checked."""
    path = "tests/test_expanded.py"

    def own_of(new: str) -> list[tuple[str, tuple[str, ...]]]:
        write_files(tmp_path / "tree", {path: new})
        found, _ = own.own_tests(real_diff(tmp_path, path, EXPANDED, new), tmp_path / "tree")
        return [(o.target, o.cases) for o in found]

    assert own_of(EXPANDED.replace("window + 1", "window + 2")) == [
        (f"{path}::CacheTest", ("test_indices",))]
    assert own_of(EXPANDED.replace("[(4, 8), (4, 4)]", "[(4, 8), (4, 4), (2, 2)]")) == [
        (f"{path}::CacheTest", ("test_indices",))]
    assert own_of(EXPANDED.replace("assert name", "assert name.strip()")) == [
        (path, ("test_top",))]
    assert own_of(EXPANDED.replace("self.assertTrue(", "self.assertIs(True, ")) == [
        (f"{path}::CacheTest::test_plain", ())]  # not expanded: its node id, as before
    targets, cases = [f"{path}::CacheTest"], {f"{path}::CacheTest": ("test_indices",)}
    assert own.is_own(f"{path}::CacheTest::test_indices_1", targets, cases)
    assert not own.is_own(f"{path}::CacheTest::test_plain", targets, cases)
    recipe, _ = setup(tmp_path, "")
    pick = select.Pick(f"{path}::CacheTest", "changed", True, 0, cases=("test_indices",))
    assert select.batches(recipe, [pick]) == (
        select.Batch((f"{path}::CacheTest",), "test_indices"),)

GUARDED = """\
import unittest

from lib import is_torch_available

if is_torch_available():
    import torch

    from lib.models import Model
else:
    torch = None


class ModelTest(unittest.TestCase):
    def test_forward(self):
        self.assertTrue(Model)
"""


def test_an_import_under_a_module_level_if_is_an_import(tmp_path: Path) -> None:
    """transformers 13190137d6 adds ``CLIPMLP`` to the imports under
    ``if is_torch_available():`` and one test: that was a module-level change, so the
    whole file (295 tests, 129 s) ran as the patch's own."""
    path = "tests/test_guarded.py"

    def own_of(new: str) -> list[str]:
        write_files(tmp_path / "tree", {path: new})
        found, _ = own.own_tests(real_diff(tmp_path, path, GUARDED, new), tmp_path / "tree")
        return [o.target for o in found]

    added = GUARDED.replace("import Model\n", "import Model, Other\n").replace(
        "self.assertTrue(Model)\n", "self.assertTrue(Model)\n\n    def test_other(self):\n"
        "        self.assertTrue(Other)\n")
    assert own_of(added) == [f"{path}::ModelTest::test_other"]
    # what else such a block does is still a module-level change
    assert own_of(GUARDED.replace("torch = None", "torch = False")) == [path]

MIXIN = """\
import unittest

SKIPS = {"dynamo": {"Sam2Model": "too slow"}}


class ExportTesterMixin:
    def _should_skip(self, name):
        return name in SKIPS["dynamo"]

    def test_export(self):
        assert not self._should_skip(self.name)
"""


def test_a_mixin_changed_in_a_test_file_says_where_its_tests_are(tmp_path: Path) -> None:
    """transformers cf8572d34e changes ``EXPORT_SKIPS`` and a method of
    ``ExportTesterMixin`` in tests/exporters/test_export.py, whose tests live in the model
    test files that import it: the note said "imports or comments only"."""
    path = "tests/test_export.py"

    def note_of(new: str) -> str | None:
        write_files(tmp_path / "tree", {path: new})
        found, note = own.own_tests(real_diff(tmp_path, path, MIXIN, new), tmp_path / "tree")
        assert found == []
        return note

    changed = MIXIN.replace('"too slow"}', '"too slow", "Sam2Vision": "same"}').replace(
        'SKIPS["dynamo"]', 'SKIPS.get("dynamo", {})')
    assert note_of(changed) == (
        f"{path}: no test in it uses what the patch changes there (ExportTesterMixin, SKIPS); "
        "the test files that import it count as impacted")
    assert note_of(MIXIN.replace("import unittest\n", "import os\nimport unittest\n")) == (
        f"{path}: the patch changes no test in it (imports or comments only)")


PLUS = """\
from transformers.testing_utils import TestCasePlus


class TrainerIntegrationCommon:
    def check(self):
        pass


class TrainerGradientAccumulationTest(TestCasePlus, TrainerIntegrationCommon):
    def test_grad_norm(self):
        self.check()
"""


def test_a_test_case_built_on_an_imported_test_case_is_collected(tmp_path: Path) -> None:
    """transformers 2da6655ef1 adds a test to ``TrainerGradientAccumulationTest(TestCasePlus,
    ...)``: pytest collects it (TestCasePlus is a unittest.TestCase), verify did not and
    said the patch "changes no test in it"."""
    path = "tests/test_trainer.py"
    added = PLUS + "\n    def test_with_label_smoothing(self):\n        self.check()\n"
    write_files(tmp_path / "tree", {path: added})
    found, note = own.own_tests(real_diff(tmp_path, path, PLUS, added), tmp_path / "tree")
    assert [o.target for o in found] == [
        f"{path}::TrainerGradientAccumulationTest::test_with_label_smoothing"] and note is None


def test_a_narrowed_case_runs_in_a_batch_of_its_own(tmp_path: Path) -> None:
    recipe, _ = setup(tmp_path, "")
    picks = [select.Pick("tests/test_cases.py::test_forward", "case", True, 0,
                         cases=("BD-LoRA A only",), share=0.1),
             select.Pick("tests/test_cases.py::test_custom_ids", "uses", True, 0),
             select.Pick("tests/test_text.py", "imports", False, 1)]
    assert select.batches(recipe, picks) == (
        select.Batch(("tests/test_cases.py::test_custom_ids", "tests/test_text.py")),
        select.Batch(("tests/test_cases.py::test_forward",), "BD-LoRA and A and only"))


def test_a_file_whose_runs_timed_a_few_of_its_tests_counts_the_others_too(
        tmp_path: Path) -> None:
    """peft 625c9e3f2's own tests timed 15 of test_decoder_models.py's ~100 test methods;
    the next verify took their 4 s as the whole file's cost and ran it within a 30 s budget
    (10,789 tests)."""
    path = tmp_path / "tests" / "test_many.py"
    path.parent.mkdir()
    path.write_text("import pytest\n\n\ndef test_free():\n    pass\n\n\n"
                    "class TestMany:\n" + "".join(
                        f"    def test_{k}(self):\n        pass\n\n" for k in range(10)))
    known = durations.Known({"tests/test_many.py::TestMany::test_0[a]": 1.0,
                             "tests/test_many.py::TestMany::test_0[b]": 1.0,
                             "tests/test_many.py::TestMany::test_1": 2.0})
    # 4 s timed; test_2..test_9 and test_free were never timed: 9 x 2 s more
    assert durations.estimate(known, "tests/test_many.py", tmp_path) == (
        4.0 + 9 * durations.UNKNOWN_TEST_SECONDS, True)
    timed_all = durations.Known({**known.by_test, "tests/test_many.py::test_free": 0.5, **{
        f"tests/test_many.py::TestMany::test_{k}": 0.5 for k in range(2, 10)}})
    assert durations.estimate(timed_all, "tests/test_many.py", tmp_path) == (8.5, True)


def test_the_base_run_is_cached_per_sparse_checkout(tmp_path: Path) -> None:
    """A base run on a checkout that lacked files (a narrower sparse checkout) is not reused
    for one that has them: it had failed for want of them."""
    recipe, _ = setup(tmp_path, "")
    subset = recipe.subset(recipe.default_subset)
    narrow, wide = ("/*", "/tests/"), ("/*", "/tests/", "/tests/models/one/")
    keys = {basecache.key(recipe, subset, "a" * 40, ("t",), "env", "", s)
            for s in (narrow, wide, ())}
    assert len(keys) == 3
    assert basecache.key(recipe, subset, "a" * 40, ("t",), "env", "", narrow) in keys


def test_changed_lines_of_replaced_and_deleted_lines() -> None:
    replaced = "@@ -6,3 +6,3 @@\n class A:\n-    @deco(1)\n+    @deco(2)\n     def f():\n"
    assert own.changed_lines(replaced) == {7}  # not the class line above it
    deleted = "@@ -6,4 +6,3 @@\n class A:\n-    @skip\n     def test_f():\n"
    assert own.changed_lines(deleted) == {6, 7}  # what was around it
    at_end = "@@ -6,2 +6,1 @@\n x = 1\n-y = 2\n\\ No newline at end of file\n"
    assert own.changed_lines(at_end) == {6, 7}


GEN_COMMON = """\
SKIPS = {"beam": ["Bert"]}


class GenerationTesterMixin:
    max_length = 4

    def _check(self, out):
        assert len(out) <= self.max_length

    def _skipped(self, name):
        return type(self).__name__ in SKIPS[name]

    def test_generate(self):
        self._check([1, 2])

    def test_beam(self):
        assert self._skipped("beam") or True
"""
INHERITING = {
    "tests/__init__.py": "",
    "tests/causal_tester.py": (
        "from tests.test_gen_common import GenerationTesterMixin\n\n\n"
        "class CausalLMModelTest(GenerationTesterMixin):\n    pass\n"),
    "tests/test_gpt.py": (
        "import unittest\n\nfrom tests.causal_tester import CausalLMModelTest\n\n\n"
        "class GPTModelTest(CausalLMModelTest, unittest.TestCase):\n    pass\n"),
    "tests/test_bert.py": (
        "import unittest\n\nfrom tests.test_gen_common import GenerationTesterMixin\n\n\n"
        "class BertModelTest(GenerationTesterMixin, unittest.TestCase):\n    pass\n\n\n"
        "class BertTokenizerTest(unittest.TestCase):\n    def test_x(self):\n        pass\n"),
}


def test_a_changed_mixin_runs_in_the_classes_that_inherit_it(tmp_path: Path) -> None:
    """transformers 9f66415aec adds a test to GenerationTesterMixin
    (tests/generation/test_utils.py): its tests are GPT2ModelTest's and BertModelTest's,
    in other files (gpt2 through causal_lm_tester); verify ran none of them as the
    patch's own."""
    recipe, tree = setup(tmp_path, "")
    path = "tests/test_gen_common.py"

    def own_of(new: str) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
        write_files(tree, {**INHERITING, path: new})
        sel = select.select(recipe, tree, [real_diff(tmp_path, path, GEN_COMMON, new)])
        return [(p.target, p.reason) for p in sel.run if p.own], sel.shared

    why = f"inherits GenerationTesterMixin, changed by the patch in {path}"
    found, shared = own_of(GEN_COMMON.replace("self._check([1, 2])", "self._check([1])"))
    assert found == [("tests/test_bert.py::BertModelTest::test_generate", why),
                     ("tests/test_gpt.py::GPTModelTest::test_generate", why)]
    assert shared == (path,)
    # a helper: the tests that call it
    found, _ = own_of(GEN_COMMON.replace("<= self.max_length", "< self.max_length + 1"))
    assert [t for t, _ in found] == ["tests/test_bert.py::BertModelTest::test_generate",
                                     "tests/test_gpt.py::GPTModelTest::test_generate"]
    # a module-level table a helper of the mixin reads (transformers' EXPORT_SKIPS)
    found, _ = own_of(GEN_COMMON.replace('["Bert"]', '["Bert", "GPT"]'))
    assert [t for t, _ in found] == ["tests/test_bert.py::BertModelTest::test_beam",
                                     "tests/test_gpt.py::GPTModelTest::test_beam"]
    # an attribute: every test of the inheriting classes
    found, _ = own_of(GEN_COMMON.replace("max_length = 4", "max_length = 5"))
    assert [t for t, _ in found] == ["tests/test_bert.py::BertModelTest",
                                     "tests/test_gpt.py::GPTModelTest"]



def test_a_mixin_in_a_helper_module_of_the_tests_runs_in_its_inheritors(tmp_path: Path) -> None:
    """diffusers keeps its LoRA mixin in tests/lora/utils.py, not a test_*.py file."""
    recipe, tree = setup(tmp_path, "")
    path = "tests/lora_utils.py"
    old = GEN_COMMON.replace("GenerationTesterMixin", "PeftLoraLoaderMixinTests")
    new = old.replace("self._check([1, 2])", "self._check([1])")
    write_files(tree, {
        "tests/__init__.py": "", path: new,
        "tests/test_lora_sd.py": (
            "import unittest\n\nfrom tests.lora_utils import PeftLoraLoaderMixinTests\n\n\n"
            "class StableDiffusionLoRATests(PeftLoraLoaderMixinTests, unittest.TestCase):\n"
            "    pass\n")})
    sel = select.select(recipe, tree, [real_diff(tmp_path, path, old, new)])
    assert [(p.target, p.own) for p in sel.run if p.own] == [
        ("tests/test_lora_sd.py::StableDiffusionLoRATests::test_generate", True)]
    assert sel.shared == ()  # not a test file: the verdict's advice stays as it was


PEFT_COMMON = """\
class PeftCommonTester:
    def _test_merge(self, name):
        assert name


    def _test_save(self, name):
        assert name
"""


def test_a_changed_helper_of_a_mixin_runs_the_inheritors_tests_that_call_it(
        tmp_path: Path) -> None:
    """peft's PeftCommonTester (tests/testing_common.py) holds helpers only; the classes
    that inherit it call them from their own tests.  b60f0552e changed
    ``_test_weighted_combination_of_adapters``: verify ran four inheriting classes whole
    (28,769 tests), where the tests that call it would do."""
    recipe, tree = setup(tmp_path, "")
    path = "tests/testing_common.py"
    new = PEFT_COMMON.replace("assert name\n\n", "assert name, 'merge'\n\n", 1)
    write_files(tree, {
        "tests/__init__.py": "", path: new,
        "tests/test_custom.py": (
            "import pytest\n\nfrom tests.testing_common import PeftCommonTester\n\n\n"
            "class TestCustom(PeftCommonTester):\n"
            "    @pytest.mark.parametrize('name', ['a', 'b'])\n"
            "    def test_merge(self, name):\n        self._test_merge(name)\n\n"
            "    def test_save(self):\n        self._test_save('a')\n"),
        "tests/test_decoder.py": (
            "from tests.testing_common import PeftCommonTester\n\n\n"
            "class TestDecoder(PeftCommonTester):\n"
            "    def test_save(self):\n        self._test_save('a')\n"),
        # the test that calls it is in a base class of the file
        "tests/test_encoder.py": (
            "from tests.testing_common import PeftCommonTester\n\n\n"
            "class _Base(PeftCommonTester):\n"
            "    def test_merge(self):\n        self._test_merge('a')\n\n\n"
            "class TestEncoder(_Base):\n    pass\n")})
    sel = select.select(recipe, tree, [real_diff(tmp_path, path, PEFT_COMMON, new)])
    why = f"inherits PeftCommonTester, changed by the patch in {path}"
    assert [(p.target, p.reason) for p in sel.run if p.own] == [
        ("tests/test_custom.py::TestCustom::test_merge", why),
        ("tests/test_encoder.py::TestEncoder::test_merge", why)]
    assert not [n for n in sel.notes if "more test class" in n]


ALIASED = """\
import unittest

from parameterized import parameterized

SHAPES = parameterized.expand([(False,), (True,)])


class ExportTest(unittest.TestCase):
    @SHAPES
    def test_export(self, dynamic):
        assert dynamic in (False, True)
"""


def test_a_parameterized_expand_bound_to_a_name_is_expanded(tmp_path: Path) -> None:
    """transformers' ``DYNAMIC_EXPORT_PARAMS = parameterized.expand(...)``, used as
    ``@DYNAMIC_EXPORT_PARAMS``: the node id ``ExportTest::test_export`` names nothing, and
    pytest refused the run (cf8572d34e: infra_error, "not found")."""
    path = "tests/test_aliased.py"
    new = ALIASED.replace("(False, True)", "(True, False)")
    write_files(tmp_path / "tree", {path: new})
    found, _ = own.own_tests(real_diff(tmp_path, path, ALIASED, new), tmp_path / "tree")
    assert [(o.target, o.cases) for o in found] == [(f"{path}::ExportTest", ("test_export",))]


def test_a_changed_test_file_outside_the_tests_folder_is_the_patchs_own(
        tmp_path: Path) -> None:
    """diffusers 2919c50962 adds two tests to examples/dreambooth/test_*.py, in a class built
    on ``ExamplesTestsAccelerate`` (a TestCase it imports from examples/): verify left the
    file to the budget ("a test file the patch changes"), then took the class for a mixin,
    said the patch added no test, and the base never got them."""
    from harness.verify import worktrees
    from harness.verify.change import Change

    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n')
    head = ("import sys\nsys.path.append('..')\n"
            "from test_examples_utils import ExamplesTestsAccelerate, Mixin\n\n\n")
    old = (head + "class DreamBoothFlux(ExamplesTestsAccelerate):\n    def test_old(self):\n"
           "        pass\n\n\nclass Shared(Mixin):\n    def test_shared(self):\n"
           "        pass\n")
    new = old.replace("        pass\n\n\nclass Shared", "        pass\n\n"
                      "    def test_buckets(self):\n        assert True\n\n\nclass Shared"
                      ).replace("test_shared(self):\n        pass",
                                "test_shared(self):\n        assert 1")
    write_files(tree, {"examples/dreambooth/test_flux.py": new,
                       "examples/test_examples_utils.py":
                           "import unittest\n\n\nclass Base(unittest.TestCase):\n    pass\n"
                           "\n\nclass ExamplesTestsAccelerate(Base):\n    pass\n\n\n"
                           "class Mixin:\n    pass\n",
                       "examples/dreambooth/train_flux.py": "x = 1\n",
                       "src/buggy/test_helpers.py": "x = 1\n"})
    test = real_diff(tmp_path, "examples/dreambooth/test_flux.py", old, new)
    sel = select.select(recipe, tree, [test, *files("examples/dreambooth/train_flux.py",
                                                    "src/buggy/test_helpers.py")])
    # a class on an imported mixin is no test class: its change is left to the importers
    assert [(p.target, p.own) for p in sel.own] == [
        ("examples/dreambooth/test_flux.py::DreamBoothFlux::test_buckets", True)]
    change = Change("patch", "x", "", (test, *files("examples/dreambooth/train_flux.py",
                                                     "src/buggy/test_helpers.py")), None)
    # the base gets the new test before the fix; a test-named module of the package is code
    package = select.package_dir(recipe, tree)
    assert [f.path for f in worktrees.test_part(recipe, change, package)] == [
        "examples/dreambooth/test_flux.py"]
