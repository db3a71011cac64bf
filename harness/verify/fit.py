"""Where a patch file is applied: the pinned release if it fits there, else ``main``.

A patch file carries no history.  Contributors make theirs on the upstream default
branch, often months past the recipe's pinned release, and such a patch may not apply to
the release; git's 3-way merge then leaves conflicts and ``patch --fuzz`` may fit a hunk in
the wrong place (a real peft fix, fitted to v0.20.0 that way, left its test file
unparsable and verify called the fix failing).  So, without ``--base``:

0. the commit the patch names as its base (``base-commit:``, written by ``git format-patch
   --base``), if the source has it and the patch applies there as it is;
1. the pinned ref, if the patch applies there as it is (``git apply --check``);
2. else the tip of the source's default branch, if it applies there as it is;
3. else the pinned ref with :mod:`.apply`'s fallbacks (3-way, then fuzz).

The check runs in the harness mirror against a throw-away index, never in a worktree.
"""
from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

from harness import checkout, git
from harness.errors import HarnessError
from harness.verify.apply import GIT_APPLY
from harness.verify.change import Change, default_branch


def applies_cleanly(mirror: Path, sha: str, text: str) -> bool:
    """Whether ``text`` applies to commit ``sha`` as it is (no merge, no fuzz)."""
    with tempfile.TemporaryDirectory(prefix="harness-fit-") as tmp:
        patch = Path(tmp) / "change.patch"
        patch.write_text(text, encoding="utf-8")
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if git.run(["read-tree", sha], cwd=mirror, env=env, check=False).returncode:
            return False
        return git.run([*GIT_APPLY, "--cached", "--check", str(patch)], cwd=mirror, env=env,
                       check=False).returncode == 0


def place(url: str, change: Change, pinned: str, pinned_sha: str) -> Change:
    """``change`` (a patch file with no ``--base``) with the base it fits, see above."""
    mirror = checkout.mirror_path(url)
    if change.made_on is not None:
        try:
            stated = checkout.fetch(url, change.made_on)
        except HarnessError:
            stated = None
        if stated is not None and applies_cleanly(mirror, stated, change.text):
            return dataclasses.replace(change, base=stated, base_label=stated[:12],
                                       description=f"{change.description} (on its base-commit)")
    if applies_cleanly(mirror, pinned_sha, change.text):
        return change
    for name, tip in default_branch(url, depth=1):
        if tip != pinned_sha and applies_cleanly(mirror, tip, change.text):
            return dataclasses.replace(
                change, base=tip, base_label=name,
                description=f"{change.description} (made on {name}: it does not apply to "
                            f"{pinned} as it is)")
    return change
