"""The harness mirror of a recipe's source: bases, ancestors, abbreviated shas, history.

Bases may be written ``v1.0``, a branch, a sha (also abbreviated, when it can be found),
a full ref, each optionally followed by ``^`` or ``~n``.  History is fetched only as deep
as needed (a pull request's merge-base), never into the user's checkout.
"""
from __future__ import annotations

import contextlib
import re

from harness import cache, checkout, git
from harness.errors import HarnessError


def git_in(url: str, *args: str) -> str:
    return git.run(args, cwd=checkout.mirror_path(url),
                   what=f"git {args[0]} in the mirror failed").stdout


def deepen(url: str, refspecs: list[str], depth: int | None) -> None:
    path = checkout.mirror_path(url)
    with cache.locked(path):
        git.clear_stale_locks(path)
        if depth is None:
            if (path / "shallow").exists():
                git.run(["fetch", "--unshallow", "origin", *refspecs], cwd=path,
                        what="cannot fetch the history")
        else:
            git.run(["fetch", f"--depth={depth}", "origin", *refspecs], cwd=path,
                    what="cannot fetch the history")


def refspec(url: str, ref: str) -> str:
    """The one refspec of ``ref`` that the mirror holds (a tag or a branch)."""
    pairs = checkout.refspecs(ref)
    for remote_ref, local_ref in pairs:
        if git.rev(checkout.mirror_path(url), local_ref) is not None:
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
        found = git.rev(place, f"{rev}^{{commit}}")
        if found is not None:
            return found
    return rev


def _ancestor(url: str, base: str) -> str | None:
    """``tip~n`` / ``tip^``: fetch ``tip`` with enough history and resolve it in the mirror."""
    m = re.fullmatch(r"(.+?)((?:[~^]\d*)+)", base)
    if m is None:
        return None
    steps = sum(int(n or 1) for n in re.findall(r"[~^](\d*)", m.group(2)))
    tip = expand(url, m.group(1))
    tip_sha = checkout.fetch(url, tip, depth=steps + 1)
    mirror = checkout.mirror_path(url)
    for attempt in range(2):
        sha = git.rev(mirror, f"{tip_sha}{m.group(2)}^{{commit}}")
        if sha is not None:
            return sha
        if attempt:
            raise HarnessError(f"cannot resolve base {base!r} in {url}")
        with contextlib.suppress(HarnessError):
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
    new = not (checkout.mirror_path(url) / "HEAD").exists()  # removed when nothing came
    mirror = checkout.open_mirror(url)
    with cache.locked(mirror):
        git.clear_stale_locks(mirror)
        try:
            git.run(["fetch", "--depth=1", f"--upload-pack={checkout.LOCAL_UPLOAD_PACK}",
                     fallback, f"+{base}:refs/harness/commits/{base}"], cwd=mirror)
        except HarnessError as e:
            if new:
                cache.remove(mirror)
            raise HarnessError(f"base commit {base[:12]} is neither in {url} nor in "
                               f"{fallback}") from e
    return base

