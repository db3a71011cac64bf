"""The harness mirror of a recipe's source: bases, ancestors, abbreviated shas, history.

Bases may be written ``v1.0``, a branch, a sha (also abbreviated, when it can be found),
a full ref, each optionally followed by ``^`` or ``~n``.  History is fetched only as deep
as needed (a pull request's merge-base), never into the user's checkout.
"""
from __future__ import annotations

import contextlib
import re

import git

from harness import cache, checkout, proc
from harness.errors import HarnessError


def git_in(url: str, *args: str) -> str:
    repo = checkout.mirror_git(checkout.mirror_path(url))
    try:
        out: str = repo.execute(["git", *args])
    except git.GitCommandError as e:
        raise HarnessError(f"git {args[0]} in the mirror failed: {checkout.last_line(e)}") from e
    return out


def deepen(url: str, refspecs: list[str], depth: int | None) -> None:
    path = checkout.mirror_path(url)
    repo = checkout.mirror_git(path)
    with cache.locked(path):
        if depth is None:
            if (path / "shallow").exists():
                repo.fetch("origin", *refspecs, unshallow=True)
        else:
            repo.fetch("origin", *refspecs, depth=depth)


def refspec(url: str, ref: str) -> str:
    """The one refspec of ``ref`` that the mirror holds (a tag or a branch)."""
    repo = checkout.mirror_git(checkout.mirror_path(url))
    pairs = checkout.refspecs(ref)
    for remote_ref, local_ref in pairs:
        try:
            repo.rev_parse("--verify", "--quiet", local_ref)
        except git.GitCommandError:
            continue
        return f"+{remote_ref}:{local_ref}"
    return "+" + ":".join(pairs[0])


def expand(url: str, rev: str) -> str:
    """An abbreviated sha made full: from the mirror, else from a local source (read only)."""
    if not re.fullmatch(r"[0-9a-f]{7,39}", rev):
        return rev
    places = [str(checkout.mirror_path(url))]
    if checkout.is_local(url):
        places.append(url.removeprefix("file://"))
    for place in places:
        out = proc.run(["git", "-C", place, "rev-parse", "--verify", "--quiet",
                        f"{rev}^{{commit}}"], check=False)
        if out.returncode == 0:
            return out.stdout.strip()
    return rev


def _ancestor(url: str, base: str) -> str | None:
    """``tip~n`` / ``tip^``: fetch ``tip`` with enough history and resolve it in the mirror."""
    m = re.fullmatch(r"(.+?)((?:[~^]\d*)+)", base)
    if m is None:
        return None
    steps = sum(int(n or 1) for n in re.findall(r"[~^](\d*)", m.group(2)))
    tip = expand(url, m.group(1))
    tip_sha = checkout.fetch(url, tip, depth=steps + 1)
    repo = checkout.mirror_git(checkout.mirror_path(url))
    for attempt in range(2):
        try:
            sha: str = repo.rev_parse("--verify", f"{tip_sha}{m.group(2)}^{{commit}}")
            return sha.strip()
        except git.GitCommandError as e:
            if attempt:
                raise HarnessError(f"cannot resolve base {base!r} in {url}") from e
            with contextlib.suppress(git.GitCommandError):
                deepen(url, [refspec(url, tip)], steps + 1)
    return None


def fetch_base(url: str, base: str, fallback: str | None = None) -> str:
    """The sha of ``base`` in the mirror of ``url``; else taken from the local ``fallback``.

    ``base`` is a tag, branch, sha or full ref, optionally followed by ``^`` or ``~n``.
    """
    ancestor = _ancestor(url, base)
    if ancestor is not None:
        return ancestor
    base = expand(url, base)
    try:
        return checkout.fetch(url, base)
    except HarnessError:
        if fallback is None or not checkout.SHA_RE.match(base):
            raise
    repo = checkout.mirror_git(checkout.mirror_path(url))
    with cache.locked(checkout.mirror_path(url)):
        try:
            repo.fetch(fallback, f"+{base}:refs/harness/commits/{base}", depth=1,
                           upload_pack=checkout.LOCAL_UPLOAD_PACK)
        except git.GitCommandError as e:
            raise HarnessError(f"base commit {base[:12]} is neither in {url} nor in "
                               f"{fallback}") from e
    return base


def merge_base(url: str, a: str, b: str) -> str | None:
    repo = checkout.mirror_git(checkout.mirror_path(url))
    try:
        found: str = repo.merge_base(a, b)
        return found.strip()
    except git.GitCommandError:
        return None
