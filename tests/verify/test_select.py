"""Selecting test files: patch tests, reverse imports, always-run, core files, scope."""
from __future__ import annotations

from pathlib import Path

from harness import recipes
from harness.recipes import Recipe
from harness.verify import diff, select
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


def test_reasons_always_run_and_notes(tmp_path: Path) -> None:
    recipe, tree = setup(tmp_path, '[verify]\npackage = "src/buggy"\n'
                                   'always_run = ["tests/test_other.py"]\n')
    sel = select.select(recipe, recipe.subset(None), tree,
                        files("src/buggy/util.py", "docs/x.md")
                        + files("tests/test_new.py", status="added"))
    assert sel.files == (
        select.Selected("tests/test_new.py", "added by the patch"),
        select.Selected("tests/test_other.py", "always run (recipe)"),
        select.Selected("tests/test_text.py", "imports src/buggy/util.py (via src/buggy/text.py)"),
    )
    assert not sel.whole and sel.notes == ("docs/x.md: no selected test imports it",)
    assert sel.targets(recipe.subset(None)) == ("tests/test_new.py", "tests/test_other.py",
                                                "tests/test_text.py")


def test_whole_subset_for_core_files_threshold_and_all(tmp_path: Path) -> None:
    recipe, tree = setup(tmp_path, '[verify]\ncore_files = ["src/buggy/util.py"]\n'
                                   'max_files = 1\n')
    subset = recipe.subset(None)
    core = select.select(recipe, subset, tree, files("src/buggy/util.py"))
    assert core.whole and core.whole_reason == "core file changed: src/buggy/util.py"
    assert core.targets(subset) == ("tests",)
    big = select.select(recipe, subset, tree, files("tests/conftest.py"))
    assert big.whole and big.whole_reason == "3 test files selected, more than max_files=1"
    assert big.files[0].reason == "tests/conftest.py changed"
    everything = select.select(recipe, subset, tree, files("README.md"), run_all=True)
    assert everything.whole and everything.whole_reason == "--all"


def test_scope_and_a_deleted_module(tmp_path: Path) -> None:
    subsets = '[subsets.text]\npaths = ["tests/test_text.py"]\n'
    recipe, tree = setup(tmp_path, "", subsets)  # package guessed: src/buggy
    after = tmp_path / "after"
    write_files(after, {**BUGGY, "src/buggy/util.py": "", "src/buggy/text.py": "x = 1\n"})
    (after / "src/buggy/util.py").unlink()
    sel = select.select(recipe, recipe.subset(None), after,
                        files("src/buggy/util.py", status="deleted")
                        + files("src/buggy/mathops.py"), before=tree)
    assert sel.files == (select.Selected(
        "tests/test_text.py",
        "imports src/buggy/util.py (via src/buggy/text.py) (before the patch)"),)
    assert sel.out_of_scope == (select.Selected("tests/test_mathops.py",
                                                "imports src/buggy/mathops.py"),)
