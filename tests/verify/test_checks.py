"""The checks a pull request faces: real ruff in a real tool env, real git worktrees."""
from __future__ import annotations

import dataclasses
import os
import textwrap
import time
from pathlib import Path

import pytest

from harness import demo, recipes
from harness.errors import HarnessError
from harness.progress import Ui
from harness.verify import checks_env
from harness.verify.checks import (
    FLAKY,
    CheckOutcome,
    CheckStatus,
    introduced_failures,
    run_checks,
)
from tests.testing.repos import commit, git, make_repo

RUFF = "ruff==0.17.6"  # the demo recipe's pin
QUIET = Ui(quiet=True)

TARGET = {
    "pyproject.toml": """\
        [project]
        name = "lintme"
        version = "1.0"

        [tool.ruff.lint]
        select = ["E", "F"]
        """,
    "src/lintme/__init__.py": "",
    "src/lintme/core.py": """\
        def add(a, b):
            return a + b
        """,
    "tests/test_core.py": """\
        from lintme.core import add


        def test_add():
            assert add(1, 2) == 3
        """,
}

CHECKS = f"""\
    [checks]
    tools = ["{RUFF}"]

    [checks.ruff-check]
    name = "ruff check"
    run = ["ruff", "check"]
    paths = ["src", "tests", "examples"]
    fix = "make style"
    """


def recipe_with(tmp_path: Path, checks: str) -> recipes.Recipe:
    text = textwrap.dedent("""\
        name = "lintme"
        [source]
        url = "https://example.invalid/lintme.git"
        ref = "v1.0"
        [subsets.all]
        paths = ["tests"]
        """) + textwrap.dedent(checks)
    path = tmp_path / "lintme.toml"
    path.write_text(text)
    return recipes.load_file(path)


def trees(tmp_path: Path, base: dict[str, str], patch: dict[str, str]) -> tuple[Path, Path]:
    """Two worktrees of one real repository: the base, and the base with ``patch`` committed."""
    repo = make_repo(tmp_path / "repo", {**TARGET, **base})
    sha = commit(repo, patch, "the patch")
    before, after = tmp_path / "before", tmp_path / "after"
    git(repo, "worktree", "add", "-q", "--detach", str(before), "v1.0")
    git(repo, "worktree", "add", "-q", "--detach", str(after), sha)
    return before, after


def only(outcomes: tuple[CheckOutcome, ...]) -> CheckOutcome:
    assert len(outcomes) == 1, outcomes
    return outcomes[0]


def test_an_unused_import_fails_ruff_and_is_introduced(tmp_path: Path) -> None:
    before, after = trees(tmp_path, {}, {"src/lintme/core.py": "import os\n\n\ndef add(a, b):\n"
                                                                "    return a + b\n"})
    out = only(run_checks(recipe_with(tmp_path, CHECKS), before, after, QUIET))
    assert out.status == "failed" and out.introduced
    assert "F401" in out.output and "core.py" in out.output
    assert out.fix == "make style"
    # scoped like the Makefile, less the dirs this tree does not have
    assert out.command == "ruff check src tests"
    doc = out.to_json()
    assert doc["status"] == "failed" and doc["introduced"] is True
    assert introduced_failures((out,)) == (out,)


def test_a_clean_patch_passes(tmp_path: Path) -> None:
    before, after = trees(tmp_path, {}, {"src/lintme/extra.py": "def one():\n    return 1\n"})
    out = only(run_checks(recipe_with(tmp_path, CHECKS), before, after, QUIET))
    assert (out.status, out.introduced, out.output) == (CheckStatus.PASSED, False, "")


def test_a_failure_already_on_the_base_is_not_introduced(tmp_path: Path) -> None:
    dirty = {"src/lintme/old.py": "import sys\n"}
    before, after = trees(tmp_path, dirty, {"src/lintme/extra.py": "def one():\n    return 1\n"})
    out = only(run_checks(recipe_with(tmp_path, CHECKS), before, after, QUIET))
    assert out.status == "failed" and not out.introduced
    assert "old.py" in out.output
    assert introduced_failures((out,)) == ()


def test_a_new_failure_beside_an_old_one_is_introduced_and_shown_alone(tmp_path: Path) -> None:
    dirty = {"src/lintme/old.py": "import sys\n"}
    # the patch also shifts the old problem down a line: still the same problem
    patch = {"src/lintme/old.py": "\nimport sys\n", "src/lintme/new.py": "import json\n"}
    before, after = trees(tmp_path, dirty, patch)
    out = only(run_checks(recipe_with(tmp_path, CHECKS), before, after, QUIET))
    assert out.status == "failed" and out.introduced
    assert "new.py" in out.output and "old.py" not in out.output


PER_FILE = CHECKS.replace('paths = ["src", "tests", "examples"]',
                          'paths = ["src", "tests", "examples"]\n    per_file = [".py"]')


def test_a_per_file_check_reads_only_the_changed_files(tmp_path: Path) -> None:
    dirty = {"src/lintme/old.py": "import sys\n"}  # fails on the base, and is not changed
    patch = {"src/lintme/new.py": "import json\n", "README.md": "words\n"}
    before, after = trees(tmp_path, dirty, patch)
    recipe = recipe_with(tmp_path, PER_FILE)
    out = only(run_checks(recipe, before, after, QUIET,
                          changed=("src/lintme/new.py", "README.md")))
    assert out.status == "failed" and out.introduced and out.files == 1
    assert out.command == "ruff check src/lintme/new.py"
    assert "new.py" in out.output and "old.py" not in out.output
    # the whole tree when no list of changes is given (and the base is run as well)
    whole = only(run_checks(recipe, before, after, QUIET))
    assert whole.files is None and whole.command == "ruff check src tests"


def test_a_per_file_check_the_patch_does_not_reach_is_unaffected(tmp_path: Path) -> None:
    before, after = trees(tmp_path, {"src/lintme/old.py": "import sys\n"},
                          {"README.md": "words\n", "src/lintme/gone.py": "x = 1\n"})
    out = only(run_checks(recipe_with(tmp_path, PER_FILE), before, after, QUIET,
                          changed=("README.md", "docs/deleted.py")))
    assert (out.status, out.introduced, out.files) == (CheckStatus.UNAFFECTED, False, 0)


def test_a_changed_linter_config_runs_a_per_file_check_whole(tmp_path: Path) -> None:
    stricter = TARGET["pyproject.toml"].replace('["E", "F"]', '["E", "F", "B"]')
    base = {"src/lintme/loop.py": "def f(x=[]):\n    return x\n"}  # B006 once B is on
    before, after = trees(tmp_path, base, {"pyproject.toml": stricter})
    out = only(run_checks(recipe_with(tmp_path, PER_FILE), before, after, QUIET,
                          changed=("pyproject.toml",)))
    assert out.status == "failed" and out.introduced and out.files is None
    assert "B006" in out.output


def test_what_cannot_run_here_is_not_checked_with_its_reason(tmp_path: Path) -> None:
    checks = CHECKS + """\
        [checks.missing-tool]
        run = ["no-such-linter-xyz", "--check"]
        tools = []

        [checks.not-in-env]
        run = ["flake8", "src"]

        [checks.copies]
        run = ["python", "utils/check_copies.py"]
        fix = "python utils/check_copies.py --fix_and_overwrite"

        [checks.metadata]
        run = ["python", "utils/update_metadata.py", "--check-only"]
        network = true

        [checks.imports]
        run = ["python", "-c", "import lintme"]
        target = true

        [checks.docs]
        run = ["ruff", "check"]
        paths = ["docs"]
        """
    before, after = trees(tmp_path, {}, {"src/lintme/extra.py": "X = 1\n"})
    outs = {o.name: o for o in run_checks(recipe_with(tmp_path, checks), before, after, QUIET)}
    assert outs["ruff check"].status == "passed"
    reasons = {name: o.reason for name, o in outs.items() if o.status == "not_checked"}
    assert reasons == {
        "missing-tool": "no-such-linter-xyz not found on PATH",
        "not-in-env": f"flake8 not found in its tool env ({RUFF})",
        "copies": "utils/check_copies.py is not in the tree at this ref",
        "metadata": "needs network",
        "imports": "imports the target: needs its test env",
        "docs": "none of its paths (docs) are in the tree",
    }
    assert not any(o.introduced for o in outs.values())


def test_a_target_check_runs_with_the_target_python_and_the_tree_on_pythonpath(
        tmp_path: Path) -> None:
    import sys

    checks = """\
        [checks.imports]
        name = "import lintme"
        run = ["python", "-c", "import lintme.core"]
        target = true
        """
    before, after = trees(tmp_path, {}, {"src/lintme/core.py": "raise ImportError('broken')\n"})
    out = only(run_checks(recipe_with(tmp_path, checks), before, after, QUIET,
                          target_python=Path(sys.executable)))
    assert out.status == "failed" and out.introduced and "broken" in out.output


def test_a_check_that_dies_importing_a_missing_module_on_both_trees_is_not_checked(
        tmp_path: Path) -> None:
    """transformers' check_modular_conversion.py imports libcst, which the test env lacks:
    it died on both trees and the report said "fails on the base too"."""
    import sys

    checks = """\
        [checks.modular]
        run = ["python", "utils/check_modular.py"]
        target = true

        [checks.new-import]
        run = ["python", "utils/check_other.py"]
        target = true
        """
    script = "import sys\nprint('checking')\nimport libcst_not_installed_xyz\n"
    before, after = trees(tmp_path, {"utils/check_modular.py": script,
                                     "utils/check_other.py": "print('fine')\n"},
                          {"src/lintme/extra.py": "X = 1\n",
                           "utils/check_other.py": "import other_missing_xyz\n"})
    outs = {o.name: o for o in run_checks(recipe_with(tmp_path, checks), before, after, QUIET,
                                          target_python=Path(sys.executable))}
    assert (outs["modular"].status, outs["modular"].reason) == (
        CheckStatus.NOT_CHECKED, "needs libcst_not_installed_xyz (not installed)")
    # the patch's own new import of a missing module is the patch's failure
    assert outs["new-import"].status == "failed" and outs["new-import"].introduced


def test_a_check_that_fails_once_beside_the_tests_is_run_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """transformers d1123114da: check_config_docstrings.py failed once on the patched tree
    (the tests run there meanwhile) and passed on the base: "fails (introduced by the
    patch)", checks_failed; run again, it passed."""
    monkeypatch.setenv("FIRST_RUN_MARK", str(tmp_path / "ran-once"))
    script = ("import os, sys\nmark = os.environ['FIRST_RUN_MARK']\n"
              "if not os.path.exists(mark):\n    open(mark, 'w').close()\n"
              "    sys.exit('failed the first time')\n")
    checks = """\
        [checks.once]
        run = ["python", "utils/check_once.py"]
        """
    before, after = trees(tmp_path, {"utils/check_once.py": script},
                          {"src/lintme/extra.py": "X = 1\n"})
    out = only(run_checks(recipe_with(tmp_path, checks), before, after, QUIET))
    assert (out.status, out.introduced, out.reason) == (CheckStatus.PASSED, False, FLAKY)
    # one that fails on the patched tree each time is still the patch's
    (tmp_path / "ran-once").unlink()
    always = script.replace("if not os.path.exists(mark):", "if 'after' in os.getcwd():")
    before, after = trees(tmp_path / "again", {"utils/check_once.py": always},
                          {"src/lintme/extra.py": "X = 1\n"})
    out = only(run_checks(recipe_with(tmp_path, checks), before, after, QUIET))
    assert out.status == CheckStatus.FAILED and out.introduced


BRANCH_CHECK = """\
import subprocess
import sys


def git(*args):
    return subprocess.check_output(["git", *args], text=True).strip()


fork = git("merge-base", "main", "HEAD")
changed = git("diff", "--diff-filter=d", "--name-only", fork).split()
print("changed:", changed, "branch:", repr(git("branch", "--show-current")))
sys.exit(1 if "src/lintme/extra.py" in changed else 0)
"""


def test_a_check_that_diffs_against_main_gets_main_at_the_base(tmp_path: Path) -> None:
    """transformers' check_modular_conversion.py checks the models changed since `git
    merge-base main HEAD`: a harness worktree (of a shallow mirror, the patch applied, not
    committed) has no main, so it died on both trees and checked nothing."""
    repo = make_repo(tmp_path / "repo", {**TARGET, "utils/check_branch.py": BRANCH_CHECK})
    mirror = tmp_path / "mirror.git"
    git(tmp_path, "clone", "-q", "--bare", "--depth", "1", f"file://{repo}", str(mirror))
    sha = git(mirror, "rev-parse", "HEAD").strip()
    before, after = tmp_path / "before", tmp_path / "after"
    for tree in (before, after):
        git(mirror, "worktree", "add", "-q", "--detach", str(tree), sha)
    for ref in git(mirror, "for-each-ref", "--format=%(refname)", "refs/heads").split():
        git(mirror, "update-ref", "-d", ref)  # as the harness's mirror: no branches
    (after / "src/lintme/core.py").write_text("def add(a, b):\n    return b + a\n")
    (after / "src/lintme/extra.py").write_text("X = 1\n")  # new: not in the index
    checks = """\
        [checks.modular]
        run = ["python", "utils/check_branch.py"]
        base_branch = "main"

        [checks.no-branch]
        run = ["python", "utils/check_branch.py"]
        """
    outs = {o.name: o for o in run_checks(recipe_with(tmp_path, checks), before, after, QUIET)}
    assert outs["modular"].status == "failed" and outs["modular"].introduced
    assert "changed: ['src/lintme/core.py', 'src/lintme/extra.py'] branch: ''" in \
        outs["modular"].output
    assert outs["no-branch"].status == "failed" and not outs["no-branch"].introduced
    # nothing of the worktree or the mirror changed
    assert [line.split() for line in git(after, "status", "--porcelain").splitlines()] == [
        ["M", "src/lintme/core.py"], ["??", "src/lintme/extra.py"]]
    assert git(mirror, "for-each-ref", "refs/heads").strip() == ""


def test_a_same_size_edit_made_as_the_tree_was_checked_out_is_in_the_branchs_diff(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A patch applied in the same clock tick as the checkout, leaving a file's size as it
    was (``a + b`` -> ``b + a``), looks unchanged by its stat data: git reads such a
    "racily clean" file again only while the index is no newer than it.  The check's copy
    of the index was new, so git trusted the stale stat and the check missed the file
    (seen as a flaky test here).  ctime is set aside so that the tick can be replayed."""
    core_check = BRANCH_CHECK.replace("src/lintme/extra.py", "src/lintme/core.py")
    repo = make_repo(tmp_path / "repo", {**TARGET, "utils/check_branch.py": core_check})
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[core]\n\ttrustctime = false\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    tree = tmp_path / "tree"
    git(repo, "worktree", "add", "-q", "--detach", str(tree), "HEAD")
    core = tree / "src/lintme/core.py"
    was = core.stat()
    core.write_text(core.read_text().replace("a + b", "b + a"))
    assert core.stat().st_size == was.st_size
    index = Path(git(tree, "rev-parse", "--git-dir").strip()) / "index"
    for path in (core, index):  # the edit and the index in the checkout's tick
        os.utime(path, ns=(was.st_atime_ns, was.st_mtime_ns))
    checks = """\
        [checks.modular]
        run = ["python", "utils/check_branch.py"]
        base_branch = "main"
        """
    outs = {o.name: o for o in run_checks(recipe_with(tmp_path, checks), repo, tree, QUIET)}
    assert outs["modular"].status == "failed" and outs["modular"].introduced
    assert "changed: ['src/lintme/core.py'] branch: ''" in outs["modular"].output
    assert git(tree, "status", "--porcelain").split() == ["M", "src/lintme/core.py"]


def test_a_whole_tree_check_is_not_run_in_a_sparse_checkout(tmp_path: Path) -> None:
    checks = """\
        [checks.repo]
        run = ["python", "-c", "print('every model has its tests')"]
        whole_tree = true
        tools = []
        """
    before, after = trees(tmp_path, {}, {"src/lintme/extra.py": "X = 1\n"})
    whole = recipe_with(tmp_path, checks)
    assert only(run_checks(whole, before, after, QUIET)).status == "passed"
    sparse = dataclasses.replace(whole, source=dataclasses.replace(whole.source,
                                                                   sparse=("/*", "/src/")))
    out = only(run_checks(sparse, before, after, QUIET))
    assert out.status == "not_checked" and "[source] sparse" in out.reason

def test_a_check_past_its_timeout_is_not_checked(tmp_path: Path) -> None:
    checks = """\
        [checks.slow]
        run = ["python", "-c", "import time; time.sleep(30)"]
        timeout = 1
        """
    before, after = trees(tmp_path, {}, {"src/lintme/extra.py": "X = 1\n"})
    start = time.monotonic()
    out = only(run_checks(recipe_with(tmp_path, checks), before, after, QUIET))
    assert (out.status, out.reason) == ("not_checked", "slow timed out after 1s")
    assert time.monotonic() - start < 20  # killed, not waited for


def test_an_uninstallable_tool_is_not_checked(tmp_path: Path) -> None:
    checks = """\
        [checks.lint]
        run = ["nolint", "."]
        tools = ["this-package-does-not-exist-harness==0.0.1"]
        """
    before, after = trees(tmp_path, {}, {"src/lintme/extra.py": "X = 1\n"})
    out = only(run_checks(recipe_with(tmp_path, checks), before, after, QUIET))
    assert out.status == "not_checked"
    assert out.reason.startswith("could not install this-package-does-not-exist-harness")


def test_ruff_follows_the_version_the_tree_requires(tmp_path: Path) -> None:
    """A change based on a later commit than the recipe's pin: ruff refuses to run at any
    version but its pyproject's required-version, so that one is installed."""
    pin = f'[tool.ruff]\nrequired-version = "{RUFF.removeprefix("ruff==")}"\n'
    required = {"pyproject.toml": TARGET["pyproject.toml"] + pin}
    before, after = trees(tmp_path, required, {"src/lintme/x.py": "import os\n"})
    old_pin = CHECKS.replace(RUFF, "ruff==0.0.1")
    out = only(run_checks(recipe_with(tmp_path, old_pin), before, after, QUIET))
    assert out.status == "failed" and out.introduced and "F401" in out.output
    # the recipe's date no longer holds: the tools resolve as of the tree's commit
    day = checks_env.commit_day(after)
    assert day is not None and day > "2026-01-01"
    assert checks_env.at_tree_pin(("ruff==0.0.1", "black"), "2026-01-01", after) == (
        (RUFF, "black"), day)
    assert checks_env.commit_day(tmp_path) is None  # not a git checkout
    assert checks_env.at_tree_pin((RUFF, "black"), "2026-01-01", after) == (
        (RUFF, "black"), "2026-01-01")


def test_ruff_follows_the_version_the_tree_s_setup_pins(tmp_path: Path) -> None:
    """peft a691a14a3 (April 2026) pins ruff~=0.12.8 in setup.py's quality extra and has no
    required-version; the recipe's ruff 0.15 flagged a getattr its CI never did, and
    verify said checks_failed."""
    version = RUFF.removeprefix("ruff==")
    setup = f'from setuptools import setup\n\nextras = {{"quality": ["ruff == {version}"]}}\n'
    before, after = trees(tmp_path, {"setup.py": setup}, {"src/lintme/x.py": "import os\n"})
    assert checks_env.ruff_required(after) == f"=={version}"
    old_pin = CHECKS.replace(RUFF, "ruff==0.0.1")
    out = only(run_checks(recipe_with(tmp_path, old_pin), before, after, QUIET))
    assert out.status == "failed" and out.introduced and "F401" in out.output
    # required-version outranks a pin elsewhere; neither: the recipe's own
    pinned = after / "pyproject.toml"
    pinned.write_text(pinned.read_text() + '[tool.ruff]\nrequired-version = "0.9.10"\n')
    assert checks_env.ruff_required(after) == "==0.9.10"
    (tmp_path / "plain").mkdir()
    assert checks_env.ruff_required(tmp_path / "plain") is None


def test_the_tool_env_is_built_once_and_reused() -> None:
    first = checks_env.ensure((RUFF,))
    again = checks_env.ensure((RUFF,))
    assert first.built and not again.built and first.path == again.path
    assert (first.bin / "ruff").is_file()


def test_the_demo_passes_its_own_checks_at_its_pin() -> None:
    recipe = recipes.load("demo")
    assert [c.name for c in recipe.checks.items] == ["ruff check"]
    repo = demo.repo_path()
    out = only(run_checks(recipe, repo, repo, QUIET))
    assert out.status == "passed", out.output
    assert git(repo, "status", "--porcelain", "--ignored") == ""  # nothing written in the tree


@pytest.mark.parametrize(("table", "message"), [
    ('[checks.lint]\nrun = "ruff check"\n',
     "checks.lint.run: expected a list of strings, got str"),
    ("[checks.lint]\nname = \"x\"\n", "checks.lint.run: required field is missing"),
    ('[checks.lint]\nrun = ["ruff"]\ntool = ["ruff"]\n',
     "checks.lint.tool: unknown field; did you mean 'tools'?"),
    ('[checks]\ntool = ["ruff"]\n', "checks.tool: expected a check table [checks.tool] or "
     "one of exclude_newer, pythonpath, tools; did you mean 'tools'?"),
    ('[checks.lint]\nrun = ["ruff"]\ntimeout = 0\n', "checks.lint.timeout: must be at least 1"),
    ('[checks]\nexclude_newer = "last year"\n', "checks.exclude_newer: 'last year' does not"),
])
def test_bad_tables_name_the_file_and_the_field(tmp_path: Path, table: str,
                                                message: str) -> None:
    with pytest.raises(HarnessError) as e:
        recipe_with(tmp_path, table)
    assert str(e.value).startswith(f"{tmp_path / 'lintme.toml'}: {message}")


def test_every_shipped_recipe_declares_pinned_checks() -> None:
    """Tools at the target's pin: a version in the requirement, or resolved as of the tag."""
    for name in ("demo", "peft", "diffusers", "transformers"):
        checks = recipes.load(name).checks
        assert checks.items, name
        for check in checks.items:
            assert check.network or check.tools or check.target, (name, check.id)
            pinned = all(any(op in t for op in ("==", "~=")) for t in check.tools)
            assert pinned or checks.exclude_newer, (name, check.id)
