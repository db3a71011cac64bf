"""Where a change starts: the commit a branch or a pull request is compared with and applied on.

A contributor's branch starts from the upstream default branch, usually far ahead of the
recipe's pinned release.  Its merge-base with the release would pull every commit merged
since into "the change" (hundreds of files for peft a few months on).  GitHub shows a pull
request against its base branch; so does verify: of the candidate bases (the pinned ref
first, then the default branches known), the one whose merge-base is the fewest commits
behind the head wins.  The pinned ref keeps its old meaning (the change is applied on it);
a default branch's merge-base is where the branch starts, and the change is applied there.
A commit a candidate already holds (a fix that has landed) is its own change, on its parent.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import git
from harness.errors import HarnessError

DEFAULT_BRANCHES = ("main", "master")


@dataclass(frozen=True)
class Start:
    diff_from: str  # the change is what the head adds on top of this commit
    apply_on: str  # ... applied on this one
    label: str  # the base as the report and `harness runs` name it: a ref, or "<sha>^"
    commits: int  # commits from diff_from to the head

    def on_top(self) -> str:
        """``3 commits on top of 1a2b3c4d5e6f``."""
        many = "s" if self.commits != 1 else ""
        return f"{self.commits} commit{many} on top of {self.diff_from[:12]}"


def default_branches(repo: Path) -> list[tuple[str, str]]:
    """(name, sha) of the default branches a checkout knows: its remotes' ``main`` and
    ``master``, else (a bare mirror, a clone with no remote) its own."""
    out = git.run(["for-each-ref", "--format=%(refname) %(objectname)", "refs/remotes",
                   "refs/heads"], cwd=repo, what="git for-each-ref").stdout.split("\n")
    pairs = [line.split(" ", 1) for line in out if " " in line]
    remote = [(name.removeprefix("refs/remotes/"), sha) for name, sha in pairs
              if name.startswith("refs/remotes/")
              and name.rsplit("/", 1)[-1] in DEFAULT_BRANCHES]
    return remote or [(name.removeprefix("refs/heads/"), sha) for name, sha in pairs
                      if name in {f"refs/heads/{b}" for b in DEFAULT_BRANCHES}]


def nearest(cwd: Path, head: str, pinned: tuple[str, str] | None,
            branches: Sequence[tuple[str, str]] = (), *,
            landed_is_own: bool = True) -> Start | None:
    """Where ``head``'s change starts: on ``pinned`` ((label, sha): the recipe's ref or
    ``--base``), or at its merge-base with one of ``branches``, whichever is the fewest
    commits behind; None when it shares no history with any of them.

    A candidate that already holds ``head`` makes it its own change on its parent
    (``landed_is_own``), or is passed over (a merged pull request's head is in the branch
    it was merged into, and its last commit alone is not the pull request).
    """
    best: Start | None = None
    candidates = [(pinned, True)] if pinned is not None else []
    candidates += [(b, False) for b in branches]
    for (label, sha), is_pinned in candidates:
        found = git.run(["merge-base", head, sha], cwd=cwd, check=False).stdout.strip()
        if not found:
            continue
        if found == head:
            if not landed_is_own:
                continue
            parent = git.rev(cwd, f"{head}^^{{commit}}")
            if parent is None:
                raise HarnessError(f"{head[:12]} is a first commit: it has no parent to "
                                   f"compare with", hint="pass --base")
            return Start(parent, parent, f"{head[:12]}^", 1)
        count = git.out(["rev-list", "--count", f"{found}..{head}"], cwd=cwd,
                        what="git rev-list")
        commits = int(count) if count.isdigit() else 0
        if best is None or commits < best.commits:
            # a branch that has moved on since: name the point the change starts from
            where = label if is_pinned or found == sha else f"merge-base with {label}"
            best = Start(found, sha if is_pinned else found, where, commits)
    return best
