"""The change to verify: from a diff file, a commit in the user's checkout, or a pull request.

The user's checkout is only read (rev-parse, merge-base, diff), never modified.  A pull
request is fetched from the recipe's source into the harness mirror, deepening its history
until the merge-base with the base is found (see :mod:`harness.verify.mirror`).
"""
from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from harness import cache, checkout, config, git, proc
from harness.errors import HarnessError
from harness.verify import diff, mirror, start
from harness.verify.diff import FileDiff

PR_DEPTHS = (64, 512, 4096)
# what `git format-patch --base=...` writes under the patch
BASE_COMMIT = re.compile(r"^base-commit: ([0-9a-f]{40})$", re.MULTILINE)


@dataclass(frozen=True)
class Change:
    kind: str  # "patch", "commit" or "pr"
    description: str  # one line, for the report
    text: str  # the whole patch
    files: tuple[FileDiff, ...]
    base: str | None  # what to apply it on (ref or sha); None: the recipe's ref
    fetch_from: str | None = None  # where else the base commit can be fetched from
    base_label: str | None = None  # the base as the report names it; None: the recipe's ref
    made_on: str | None = None  # a patch file's own word (``base-commit:``) on its base
    notes: tuple[str, ...] = ()  # what the user should know about how it was read
    kept: str | None = None  # where a patch read from stdin was kept (the rerun reads it)

    def paths(self) -> list[str]:
        return sorted({p for f in self.files for p in f.paths()})


def check(files: list[FileDiff], what: str) -> tuple[FileDiff, ...]:
    """Refuse an empty or binary patch, naming what is wrong."""
    if not files:
        raise HarnessError(f"{what} changes no file: it holds no diff (the output of "
                           "`git diff` starts with 'diff --git')")
    binary = [f.path for f in files if f.binary]
    if binary:
        raise HarnessError(f"{what} changes binary file(s), which cannot be verified: "
                           f"{', '.join(binary)}")
    return tuple(files)


def from_patch(path: Path, base: str | None = None) -> Change:
    """A unified diff from the file ``path``, or from stdin for ``-`` (``git diff | ...``)."""
    stdin = str(path) == "-"
    name = "from stdin" if stdin else path.name
    if not stdin and not path.is_file():
        raise HarnessError(f"patch file {path} does not exist")
    try:
        text = sys.stdin.buffer.read().decode("utf-8") if stdin else \
            path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise HarnessError(f"patch {name} is not text (UTF-8): it looks binary") from e
    files = check(diff.parse(text), f"patch {name}")
    stated = BASE_COMMIT.search(text)
    kept = keep(text) if stdin else None
    return Change("patch", f"patch {name}", diff.join(files), files, base,
                  made_on=stated.group(1) if stated else None,
                  notes=(f"the patch read from stdin is kept as {kept}: the commands below "
                         "read it from there",) if kept else (), kept=kept)


def keep(text: str) -> str:
    """Keep a patch read from stdin under the harness home, named by its content (written
    aside, then renamed into place), so that a report's commands can run it again."""
    folder = config.home() / "patches"
    path = folder / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.diff"
    if path.is_file():
        path.touch()  # used again: `harness gc` keeps what was used lately
    else:
        folder.mkdir(parents=True, exist_ok=True)
        cache.write_atomic(path, text)
    return str(path)


def _git(repo: Path, *args: str, check_: bool = True) -> proc.Result:
    return git.run(args, cwd=repo, check=check_, what=f"git {args[0]}")


def _rev(repo: Path, rev: str) -> str | None:
    for candidate in (rev, f"refs/tags/{rev}", f"upstream/{rev}", f"origin/{rev}"):
        out = _git(repo, "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}",
                   check_=False)
        if out.returncode == 0:
            return out.stdout.strip()
    return None


def from_commit(repo_path: Path, rev: str, pinned: str, base: str | None = None) -> Change:
    """What ``rev`` adds, read from ``repo_path``: on top of its merge-base with ``base``
    where given, else where it starts (:mod:`.start`: the pinned ref or a default branch)."""
    repo = repo_path.expanduser().resolve()
    if _git(repo, "rev-parse", "--git-dir", check_=False).returncode != 0:
        raise HarnessError(f"{repo_path} is not a git repository (--repo-path)")
    sha = _rev(repo, rev)
    if sha is None:
        raise HarnessError(f"commit {rev!r} not found in {repo}")
    against = base or pinned
    against_sha = _rev(repo, against)
    if against_sha is None and base is not None:
        raise HarnessError(f"base {base!r} not found in {repo}", hint="fetch it or pass "
                           "another --base")
    pin = (against, against_sha) if against_sha is not None else None
    branches = [] if base is not None else \
        [b for b in start.default_branches(repo) if b[1] != against_sha]
    where = start.nearest(repo, sha, pin, branches, landed_is_own=base is None)
    if where is None:
        if pin is None and not branches:
            raise HarnessError(f"base {against!r} not found in {repo}",
                               hint="fetch the upstream tags (git fetch upstream --tags) or "
                                    "pass --base")
        raise HarnessError(f"{rev} and {against} have no common history in {repo}")
    text = _git(repo, *diff.GIT_DIFF, where.diff_from, sha).stdout
    name = f"commit {sha[:12]}" if sha.startswith(rev) else f"commit {rev} ({sha[:12]})"
    what = f"{name}: {where.on_top()}"
    files = check(diff.parse(text), what)
    return Change("commit", what, diff.join(files), files, where.apply_on,
                  fetch_from=str(repo), base_label=where.label,
                  notes=_uncommitted(repo, sha, rev))


def _uncommitted(repo: Path, sha: str, rev: str) -> tuple[str, ...]:
    """A note when ``rev`` is the checkout's HEAD and it has uncommitted edits: they are not
    part of the commit (a student edits, then types ``--commit HEAD``)."""
    if _rev(repo, "HEAD") != sha:
        return ()
    status = _git(repo, "status", "--porcelain", "--untracked-files=no", check_=False)
    edited = [line for line in status.stdout.splitlines() if line.strip()]
    if not edited:
        return ()
    return (f"{len(edited)} uncommitted change(s) in {repo} are not part of {rev}: "
            f"commit them to verify them too",)


def from_pr(url: str, number: int, pinned: str, base: str | None = None) -> Change:
    """Pull request ``number`` (``refs/pull/N/head`` of ``url``): on top of its merge-base
    with ``base`` where given, else where it starts (the pinned ref or the default branch),
    fetching history as deep as that takes."""
    ref = f"refs/pull/{number}/head"
    head = checkout.fetch(url, ref, depth=PR_DEPTHS[0])
    against = base or pinned
    against_sha = mirror.fetch_base(url, against)
    branches = [] if base is not None else default_branch(url)
    local = [mirror.refspec(url, r) for r in (ref, against_sha, *(n for n, _ in branches))]

    def where_now() -> start.Start | None:  # with the history fetched so far
        return start.nearest(checkout.mirror_path(url), head, (against, against_sha),
                             branches, landed_is_own=False)

    where = where_now()
    for depth in (*PR_DEPTHS[1:], None):
        if where is not None:
            break
        try:
            mirror.deepen(url, local, depth)
        except git.GitError as e:
            raise HarnessError(f"cannot fetch the history of {ref} from {url}: "
                               f"{git.reason(e.stderr)}") from e
        where = where_now()
    if where is None:
        raise HarnessError(f"pull request #{number} and {against} have no common history "
                           f"(or it is already merged into them)")
    text = mirror.git_in(url, *diff.GIT_DIFF, where.diff_from, head)
    what = f"pull request #{number} ({head[:12]}): {where.on_top()}"
    files = check(diff.parse(text + "\n"), what)
    return Change("pr", what, diff.join(files), files, where.apply_on,
                  base_label=where.label)


def default_branch(url: str, depth: int = PR_DEPTHS[0]) -> list[tuple[str, str]]:
    """The source's default branch, (name, sha), fetched ``depth`` commits deep (by default
    as deep as a pull request's first try); [] where it has neither a ``main`` nor a
    ``master``."""
    for name in start.DEFAULT_BRANCHES:
        try:
            return [(name, checkout.fetch(url, name, depth=depth))]
        except HarnessError:
            continue
    return []
