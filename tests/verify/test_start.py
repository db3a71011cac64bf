"""Where a commit or a pull request starts: a branch off a main far ahead of the pin is
its own commits, not everything merged since the release (real git repos)."""
from __future__ import annotations

from pathlib import Path

import pytest

from harness import config
from harness.cli import main
from harness.errors import HarnessError
from harness.verify import change, start
from tests.testing.repos import commit, git
from tests.verify.helpers import BUGGY, FIXED_MUL, leftover_worktrees, make_patch, make_target
from tests.verify.test_verify_e2e import run


def _ahead(repo: Path, n: int = 3) -> None:
    """Upstream main moves on after the pinned release: files the fix does not touch."""
    for i in range(n):
        commit(repo, {"README.md": f"release notes {i}\n", f"src/buggy/extra{i}.py": "X = 1\n"},
               f"later {i}")


def _fork(tmp_path: Path, repo: Path) -> Path:
    fork = tmp_path / "fork"
    git(tmp_path, "clone", "-q", str(repo), str(fork))
    return fork


def test_a_branch_off_main_is_its_own_commits_on_where_it_starts(tmp_path: Path) -> None:
    _, repo = make_target(tmp_path)
    _ahead(repo)
    fork = _fork(tmp_path, repo)
    git(fork, "checkout", "-q", "-b", "my-fix")
    commit(fork, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    main = git(repo, "rev-parse", "main")
    got = change.from_commit(fork, "my-fix", "v1.0")
    assert got.paths() == ["src/buggy/mathops.py"]  # not the 6 files main changed since
    assert got.base == main
    assert got.base_label == "origin/main"
    _ahead(repo)
    git(fork, "fetch", "-q", "origin")  # main moves on: the label says where it starts
    moved = change.from_commit(fork, "my-fix", "v1.0")
    assert (moved.base, moved.base_label) == (main, "merge-base with origin/main")
    assert got.description.endswith(f"1 commit on top of {main[:12]}")
    # --base keeps its meaning: everything on top of the merge-base with it
    given = change.from_commit(fork, "my-fix", "v1.0", base="v1.0")
    assert "README.md" in given.paths() and given.base == git(repo, "rev-parse", "v1.0")


def test_a_clone_without_the_release_tag_starts_where_the_branch_does(tmp_path: Path) -> None:
    """No tags fetched (a fork, a shallow clone): main alone decides, and the change is
    applied where the branch leaves it, not on main's newer tip."""
    _, repo = make_target(tmp_path)
    _ahead(repo, 2)
    fork = _fork(tmp_path, repo)
    git(fork, "tag", "-d", "v1.0")
    branch_point = git(fork, "rev-parse", "HEAD")
    git(fork, "checkout", "-q", "-b", "my-fix")
    commit(fork, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    _ahead(repo, 2)
    git(fork, "fetch", "-q", "--no-tags", "origin")  # origin/main moves past the branch
    got = change.from_commit(fork, "my-fix", "v1.0")
    assert got.base == branch_point and got.paths() == ["src/buggy/mathops.py"]


def test_a_branch_off_the_pinned_release_applies_on_it(tmp_path: Path) -> None:
    _, repo = make_target(tmp_path)
    _ahead(repo)
    fork = _fork(tmp_path, repo)
    git(fork, "checkout", "-q", "-b", "my-fix", "v1.0")
    commit(fork, {"README.md": "mine\n"}, "docs")
    commit(fork, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    got = change.from_commit(fork, "my-fix", "v1.0")
    assert got.base == git(repo, "rev-parse", "v1.0") and got.base_label == "v1.0"
    assert got.paths() == ["README.md", "src/buggy/mathops.py"]
    assert got.description.endswith("2 commits on top of " + got.base[:12])


def test_a_landed_commit_is_its_own_change_on_its_parent(tmp_path: Path) -> None:
    _, repo = make_target(tmp_path)
    _ahead(repo, 2)
    fix = commit(repo, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    _ahead(repo, 1)
    got = change.from_commit(repo, fix[:9], "v1.0")  # a bare sha on main, as a user pastes it
    assert got.paths() == ["src/buggy/mathops.py"]
    assert got.base == git(repo, "rev-parse", f"{fix}^")
    assert got.base_label == f"{fix[:12]}^"
    first = git(repo, "rev-list", "--max-parents=0", "HEAD")
    with pytest.raises(HarnessError, match="first commit"):
        change.from_commit(repo, first, "v1.0")


def test_default_branches_prefer_the_remotes(tmp_path: Path) -> None:
    _, repo = make_target(tmp_path)
    fork = _fork(tmp_path, repo)
    git(fork, "checkout", "-q", "-b", "topic")
    assert [name for name, _ in start.default_branches(fork)] == ["origin/main"]
    assert [name for name, _ in start.default_branches(repo)] == ["main"]


def test_a_pull_request_based_on_main_verifies_its_own_commits(tmp_path: Path) -> None:
    _, work = make_target(tmp_path / "t")
    _ahead(work)
    bare = tmp_path / "upstream.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    main = git(work, "rev-parse", "main")
    commit(work, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    git(work, "push", "-q", str(bare), "HEAD:refs/pull/7/head")
    recipe = make_target(tmp_path / "r")[0]
    recipe.write_text(recipe.read_text().replace(str(tmp_path / "r" / "src-repo"), str(bare)))
    doc = run(recipe, pr=7)
    assert doc["ref"] == "main" and doc["commit"] == main
    files = [f["path"] for f in doc["change"]["files"]]  # type: ignore[index]
    assert files == ["src/buggy/mathops.py"]
    assert doc["verdict"] == "ok" and doc["counts"]["fixed"] == 2  # type: ignore[index]


def test_offline_verify_from_inside_the_users_checkout_leaves_it_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No network: the recipe's source cannot be fetched, so the base comes from the user's
    checkout (read only) into the harness mirror, never into the checkout itself."""
    recipe, repo = make_target(tmp_path)
    _ahead(repo)
    fork = _fork(tmp_path, repo)
    git(fork, "checkout", "-q", "-b", "my-fix")
    commit(fork, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    recipe.write_text(recipe.read_text().replace(str(repo), str(tmp_path / "unreachable")))
    (tmp_path / "unreachable").mkdir()  # a source that is not a repository: fetch fails
    monkeypatch.chdir(fork)  # the README's `--repo-path .`
    refs, worktrees = git(fork, "for-each-ref"), git(fork, "worktree", "list")
    doc = run(recipe, commit="my-fix")
    assert doc["verdict"] == "ok" and doc["counts"]["fixed"] == 2  # type: ignore[index]
    assert git(fork, "for-each-ref") == refs
    assert git(fork, "worktree", "list") == worktrees


def test_a_patch_made_on_main_goes_on_main_when_it_does_not_fit_the_release(
        tmp_path: Path) -> None:
    """main has moved on around the bug since the release: the fix, made on main, does not
    apply to the release as written, so it is verified on main's tip (not fuzzed onto the
    release); one that fits the release still goes there."""
    recipe, repo = make_target(tmp_path)
    on_main = BUGGY["src/buggy/mathops.py"].replace(
        "def mul(a, b):\n", 'def mul(a, b):\n    """The product of a and b."""\n')
    commit(repo, {"src/buggy/mathops.py": on_main}, "document mul")
    tip = git(repo, "rev-parse", "main")
    fixed = on_main.replace("a + b  # the bug", "a * b")
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": fixed}, tmp_path / "w"))
    doc = run(recipe, patch=str(patch))
    assert doc["ref"] == "main" and doc["commit"] == tip
    assert doc["applied_with"] == "git apply"
    assert "made on main: it does not apply to v1.0 as it is" in str(doc["change"])
    assert doc["verdict"] == "ok" and doc["counts"]["fixed"] == 2  # type: ignore[index]
    fits = tmp_path / "fits.diff"  # a change to a file main did not touch
    fits.write_text(make_patch(repo, {"src/buggy/util.py": "def bang():\n    return '!'\n"},
                               tmp_path / "w2"))
    assert run(recipe, patch=str(fits))["ref"] == "v1.0"


def test_a_patch_that_names_its_base_commit_goes_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`git format-patch --base=...` writes `base-commit: <sha>`: the fix was made on a
    main that has since moved on over the same line, so it fits neither the release nor
    main's tip, but it fits the commit it names."""
    recipe, repo = make_target(tmp_path)
    on_main = BUGGY["src/buggy/mathops.py"].replace(
        "def mul(a, b):\n", 'def mul(a, b):\n    """The product of a and b."""\n')
    commit(repo, {"src/buggy/mathops.py": on_main}, "document mul")
    made_on = git(repo, "rev-parse", "main")
    work = _fork(tmp_path, repo)
    commit(work, {"src/buggy/mathops.py": on_main.replace("a + b  # the bug", "a * b")}, "fix")
    text = git(work, "format-patch", "-1", "--stdout", f"--base={made_on}")
    assert f"base-commit: {made_on}" in text
    commit(repo, {"src/buggy/mathops.py": on_main.replace("# the bug", "# the bug, see #1")},
           "note the bug")
    patch = tmp_path / "fix.patch"
    patch.write_text(text)
    doc = run(recipe, patch=str(patch))
    assert doc["commit"] == made_on and doc["ref"] == made_on[:12]
    assert doc["applied_with"] == "git apply"
    assert doc["verdict"] == "ok" and doc["counts"]["fixed"] == 2  # type: ignore[index]
    # the base is named once, not as "<sha> (<sha>)"
    assert main(["verify", str(recipe), "--patch", str(patch), "--markdown", "-q"]) == 0
    md = capsys.readouterr().out
    assert f"at `{made_on[:12]}`, env" in md and f"(`{made_on[:12]}`)" not in md


def test_uncommitted_edits_are_named_not_silently_left_out(tmp_path: Path) -> None:
    recipe, repo = make_target(tmp_path)
    fork = _fork(tmp_path, repo)
    git(fork, "checkout", "-q", "-b", "my-fix")
    commit(fork, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")
    (fork / "src/buggy/util.py").write_text("def bang():\n    return '!!'\n")  # not committed
    doc = run(recipe, commit="HEAD", repo_path=str(fork))
    assert doc["verdict"] == "ok"
    assert f"1 uncommitted change(s) in {fork} are not part of HEAD: commit them to verify " \
           "them too" in doc["notes"]  # type: ignore[operator]
    git(fork, "checkout", "--", ".")
    notes = run(recipe, commit="HEAD", repo_path=str(fork))["notes"]
    assert not any("uncommitted" in n for n in notes)  # type: ignore[attr-defined]


def test_a_patch_already_in_the_base_is_refused_not_called_ok(tmp_path: Path) -> None:
    """A fix merged and released before the recipe's pin: ``git apply --3way`` merges the
    patch into itself and changes nothing, so both sides run the same code. That is one
    line and a hint, not "ok"; the worktrees are cleaned up."""
    recipe, repo = make_target(tmp_path)
    patch = tmp_path / "fix.diff"
    patch.write_text(make_patch(repo, {"src/buggy/mathops.py": FIXED_MUL}, tmp_path / "w"))
    neg = "from buggy.mathops import mul\n\n\ndef test_neg():\n    assert mul(-2, 3) == -6\n"
    other = tmp_path / "other.diff"
    other.write_text(make_patch(repo, {"tests/unit/test_neg.py": neg}, tmp_path / "w2"))
    # a first verify on the buggy release: the harness mirror now holds its blobs, so
    # --3way can merge the fix later (as in a mirror used for a while)
    assert run(recipe, patch=str(other))["verdict"] == "failing"
    commit(repo, {"src/buggy/mathops.py": FIXED_MUL}, "fix mul")  # merged on main
    with pytest.raises(HarnessError, match=r"already in the base \(\w{12}\)") as e:
        run(recipe, patch=str(patch), base="main")
    assert "--base" in (e.value.hint or "")
    assert leftover_worktrees(str(repo), config.home()) == []
    # it changes something there
    assert run(recipe, patch=str(other), base="main")["verdict"] == "ok"
