"""A branch for a check that compares against one (``[checks.X] base_branch``).

transformers' ``utils/check_modular_conversion.py`` checks only the models changed since
``git merge-base main HEAD`` (``git diff --name-only`` from there); a harness worktree has
no ``main`` (the mirror keeps its refs apart), so it failed the same on both trees and
checked nothing.  The check runs instead with a throwaway git dir of its own
(``GIT_DIR``/``GIT_WORK_TREE``): the mirror's objects borrowed (alternates), the
worktree's index copied, the patch's new files added to it, and the branch and ``HEAD``
at the tree's commit, the base.  Seen from the check, the patch is the branch's diff,
as on a contributor's own branch; nothing of the worktree or the mirror changes.
"""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from harness import git


def _dir(tree: Path, which: str) -> Path:
    found = Path(git.out(["rev-parse", which], cwd=tree))
    return found if found.is_absolute() else (tree / found).resolve()


@contextlib.contextmanager
def branch_at_base(tree: Path, branch: str) -> Iterator[dict[str, str]]:
    """The environment (``GIT_DIR``, ``GIT_WORK_TREE``) in which ``branch`` and ``HEAD``
    name ``tree``'s commit and the tree's changes, new files included, are its diff."""
    head = git.out(["rev-parse", "HEAD"], cwd=tree)
    common, private = _dir(tree, "--git-common-dir"), _dir(tree, "--git-dir")
    with tempfile.TemporaryDirectory(prefix="harness-branch-") as tmp:
        gitdir = Path(tmp) / "git"
        git.run(["init", "--quiet", "--bare", gitdir], what="cannot make a git dir")
        (gitdir / "objects" / "info" / "alternates").write_text(f"{common / 'objects'}\n")
        if (common / "shallow").is_file():  # history cut there: nothing below it is looked for
            shutil.copyfile(common / "shallow", gitdir / "shallow")
        if (private / "index").is_file():  # the tree's index: its skip-worktree entries too
            # with its time stamp: git reads a file again when its stat data are as old as
            # the index (a same-size edit made in the checkout's tick); a newer copy hid it
            shutil.copy2(private / "index", gitdir / "index")
        env = {"GIT_DIR": str(gitdir), "GIT_WORK_TREE": str(tree)}
        git.run(["config", "core.bare", "false"], env=env, cwd=tree)
        git.run(["update-ref", f"refs/heads/{branch}", head], env=env, cwd=tree,
                what=f"cannot make the {branch} branch")
        git.run(["update-ref", "--no-deref", "HEAD", head], env=env, cwd=tree)
        git.run(["add", "--all"], env=env, cwd=tree, what="cannot list the tree's changes")
        yield env
