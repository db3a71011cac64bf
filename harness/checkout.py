"""Checkouts: one shared bare mirror per repository, one worktree per (repository, commit).

Only what a checkout needs is downloaded: the mirror is a partial clone (``blob:none``) and
refs are fetched shallow, so the blobs of the one commit checked out (and, with a sparse
recipe, only of the paths it names) are all that cross the network.
"""
from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import NamedTuple

from harness import cache, config, demo, git
from harness.errors import HarnessError

log = logging.getLogger("harness.checkout")

SHA_RE = re.compile(r"^[0-9a-f]{40}$")
SHORT_SHA_RE = re.compile(r"^[0-9a-f]{4,39}$")
# Local sources do not advertise partial clone or fetching by id unless told to.
LOCAL_UPLOAD_PACK = (
    "git -c uploadpack.allowFilter=true -c uploadpack.allowAnySHA1InWant=true upload-pack"
)


class Checkout(NamedTuple):
    path: Path
    commit: str
    ref: str
    url: str
    mirror: Path


def resolve_url(recipe_name: str, url: str, override: str | None = None,
                settings: config.Settings | None = None) -> str:
    """The URL to clone from: ``--source``, then the user config, then the recipe."""
    settings = settings or config.load_settings()
    chosen = override or settings.sources.get(recipe_name) or url
    if chosen.startswith("builtin:"):
        return str(demo.repo_path(chosen.removeprefix("builtin:")))
    if "://" in chosen or re.match(r"^[\w.-]+@[\w.-]+:", chosen):
        return chosen
    path = Path(chosen).expanduser().resolve()
    if not path.exists():
        raise HarnessError(f"source {chosen} does not exist")
    return str(path)


def is_local(url: str) -> bool:
    return url.startswith(("/", "file://"))


def _safe(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-")[:60] or "x"


def mirror_path(url: str) -> Path:
    name = _safe(Path(url.rstrip("/")).name.removesuffix(".git"))
    return config.home() / "repos" / f"{name}-{cache.key_of({'url': url}, 12)}.git"


def open_mirror(url: str) -> Path:
    """The bare partial mirror of ``url`` (created empty on first use)."""
    path = mirror_path(url)
    with cache.locked(path):
        git.clear_stale_locks(path)
        if not (path / "HEAD").exists():
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            cache.remove(tmp)
            git.run(["init", "-q", "--bare", tmp], what="cannot create the mirror")
            for key, value in (
                ("remote.origin.url", url), ("remote.origin.promisor", "true"),
                ("remote.origin.partialclonefilter", "blob:none"),
                ("extensions.partialClone", "origin"), ("core.repositoryformatversion", "1"),
                *((("remote.origin.uploadpack", LOCAL_UPLOAD_PACK),) if is_local(url) else ()),
            ):
                git.run(["config", key, value], cwd=tmp, what="cannot configure the mirror")
            cache.remove(path)
            os.rename(tmp, path)
    return path


def _resolve_local(mirror: Path, ref: str) -> str | None:
    # never a bare sha: in a partial clone rev-parse would fetch it lazily, history and all
    local = f"refs/harness/commits/{ref}" if SHA_RE.match(ref) else f"refs/tags/{ref}"
    return git.rev(mirror, f"{local}^{{commit}}")


def refspecs(ref: str) -> list[tuple[str, str]]:
    """Where ``ref`` may live on the remote and where to keep it locally."""
    if SHA_RE.match(ref):
        return [(ref, f"refs/harness/commits/{ref}")]
    if ref.startswith("refs/"):
        return [(ref, "refs/harness/" + ref.removeprefix("refs/"))]
    return [
        (f"refs/tags/{ref}", f"refs/tags/{ref}"),
        (f"refs/heads/{ref}", f"refs/remotes/origin/{ref}"),
    ]


NOT_FOUND = re.compile(r"couldn't find remote ref|not our ref|no such remote ref|"
                       r"remote error: .*not found")


def fetch(url: str, ref: str, *, depth: int | None = 1) -> str:
    """Make sure ``ref`` (tag, branch, sha or full ref name) is in the mirror; return its sha.

    Tags and shas already present are not fetched again; branches always are.
    """
    if not ref.strip():
        raise HarnessError("the ref is empty", hint="give a tag, branch, sha or "
                           "refs/pull/N/head, or leave --ref out to use the recipe's pin")
    if SHORT_SHA_RE.match(ref) and (full := _full_sha(url, ref)):
        return fetch(url, full, depth=depth)  # a remote fetches whole shas only
    new = not (mirror_path(url) / "HEAD").exists()
    mirror = open_mirror(url)
    known = _resolve_local(mirror, ref)
    if known:
        return known
    errors: list[str] = []
    with cache.locked(mirror):
        git.clear_stale_locks(mirror)
        for remote_ref, local_ref in refspecs(ref):
            depth_args = [f"--depth={depth}"] if depth is not None else []
            result = git.run(["fetch", *depth_args, "origin", f"+{remote_ref}:{local_ref}"],
                             cwd=mirror, check=False)
            if result.returncode != 0:
                errors.append(result.stderr)
                continue
            return git.out(["rev-parse", "--verify", f"{local_ref}^{{commit}}"], cwd=mirror)
        if new and not git.run(["for-each-ref", "--count=1"], cwd=mirror).stdout.strip():
            cache.remove(mirror)  # nothing came: leave no empty mirror behind
    text = "\n".join(errors)
    if NOT_FOUND.search(text):
        short = SHORT_SHA_RE.match(ref) is not None
        raise HarnessError(f"ref {ref!r} not found in {url}",
                           hint="a remote fetches a commit by its whole sha: give all 40 "
                           "characters" if short else "check the recipe's source.ref, or the ref "
                           "given (reproduce's --ref, verify's --base)")
    raise HarnessError(f"cannot fetch from {url}: {git.reason(text)}",
                       hint="check the URL or --source, and the network")


def _full_sha(url: str, short: str) -> str | None:
    """The whole sha of the commit ``short`` names in a local repository at ``url`` (a
    fork, a mirror); None for a remote or when it names none (it may be a branch)."""
    source = Path(url).expanduser()
    if not source.is_dir():
        return None
    result = git.run(["rev-parse", "--verify", "--quiet", f"{short}^{{commit}}"], cwd=source,
                     check=False)
    full = result.stdout.strip()
    return full if result.returncode == 0 and SHA_RE.match(full) else None


def worktree_path(url: str, ref: str, commit: str) -> Path:
    name = mirror_path(url).name.removesuffix(".git")
    return config.home() / "worktrees" / name / f"{_safe(ref)}-{commit[:12]}"


def _done_marker(path: Path) -> Path:
    return path.with_name(path.name + ".done")


def add_worktree(mirror: Path, path: Path, commit: str, sparse: tuple[str, ...] = ()) -> None:
    """Check ``commit`` out at ``path`` (detached), optionally sparse."""
    what = f"cannot check out {commit[:12]}"
    git.run(["worktree", "add", "--detach", "--no-checkout", path, commit], cwd=mirror,
            what=what)
    if sparse:
        git.run(["sparse-checkout", "set", "--no-cone", *sparse], cwd=path, what=what)
    git.run(["checkout", "--detach", commit], cwd=path, what=what)


def remove_worktree(mirror: Path, path: Path) -> None:
    if git.run(["worktree", "remove", "--force", path], cwd=mirror, check=False).returncode:
        cache.remove(path)
    git.run(["worktree", "prune"], cwd=mirror, check=False)


def _missing_patterns(path: Path, sparse: tuple[str, ...]) -> list[str]:
    if not sparse:
        return []
    current = set(git.out(["sparse-checkout", "list"], cwd=path).splitlines())
    return [p for p in sparse if p not in current]


def _usable(path: Path, commit: str) -> bool:
    """A finished worktree that git still knows at this path (not moved with the cache)."""
    if not (_done_marker(path).exists() and path.is_dir()):
        return False
    return git.rev(path, "HEAD") == commit


def widen(co: Checkout, sparse: tuple[str, ...]) -> None:
    """Add to a finished sparse worktree the patterns it lacks (no fetch: its commit stays)."""
    with cache.locked(co.path):
        add_patterns(co.path, sparse)


def add_patterns(path: Path, sparse: tuple[str, ...]) -> None:
    """Add to the sparse worktree at ``path`` the patterns it lacks."""
    missing = _missing_patterns(path, sparse)
    if missing:
        git.run(["sparse-checkout", "add", *missing], cwd=path,
                what=f"cannot add {' '.join(missing)} to the checkout")


def ensure(recipe_name: str, url: str, ref: str, sparse: tuple[str, ...] = ()) -> Checkout:
    """A complete worktree of ``ref``; reused when a finished one exists."""
    commit = fetch(url, ref)
    path = worktree_path(url, ref, commit)
    mirror = mirror_path(url)
    done = _done_marker(path)
    if _usable(path, commit) and not _missing_patterns(path, sparse):
        return Checkout(path, commit, ref, url, mirror)
    with cache.locked(path):
        if _usable(path, commit):  # e.g. --tests outside the recipe's sparse paths
            add_patterns(path, sparse)
        else:
            if path.exists() or done.exists():
                log.debug("removing unfinished worktree %s", path)
                done.unlink(missing_ok=True)
                remove_worktree(mirror, path)
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                add_worktree(mirror, path, commit, sparse)
            except BaseException:
                remove_worktree(mirror, path)
                raise
            cache.write_atomic(done, commit)
    log.debug("checkout of %s at %s (%s) in %s", recipe_name, ref, commit, path)
    return Checkout(path, commit, ref, url, mirror)
