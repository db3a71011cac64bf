"""Checkouts: one shared bare mirror per repository, one worktree per (repository, commit).

Only what a checkout needs is downloaded: the mirror is a partial clone (``blob:none``) and
refs are fetched shallow, so the blobs of the one commit checked out (and, with a sparse
recipe, only of the paths it names) are all that cross the network.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import NamedTuple

import git

from harness import cache, config, demo
from harness.errors import HarnessError

log = logging.getLogger("harness.checkout")

SHA_RE = re.compile(r"^[0-9a-f]{40}$")
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


def resolve_url(recipe_name: str, url: str, override: str | None = None) -> str:
    """The URL to clone from: ``--source``, then the user config, then the recipe."""
    chosen = override or config.load_settings().sources.get(recipe_name) or url
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


def stderr_lines(text: str) -> list[str]:
    """git's message lines, without GitPython's ``stderr: '...'`` wrapping."""
    return [ln.strip(" '") for ln in text.replace("stderr: ", "").splitlines() if ln.strip(" '")]


def last_line(e: git.GitCommandError) -> str:
    return (stderr_lines(str(e.stderr or "")) or [str(e)])[-1]


def _git_error(what: str, e: git.GitCommandError) -> HarnessError:
    return HarnessError(f"{what}: {last_line(e)}")


def mirror_git(mirror: Path) -> git.Git:
    """git run in ``mirror``.  Not ``git.Repo(mirror).git``: once `git sparse-checkout`
    has moved core.bare into config.worktree, GitPython takes the mirror for a work tree
    and runs git in its parent directory."""
    return git.Git(str(mirror))


def open_mirror(url: str) -> git.Git:
    path = mirror_path(url)
    with cache.locked(path):
        if not (path / "HEAD").exists():
            path.mkdir(parents=True, exist_ok=True)
            repo = git.Repo.init(path, bare=True)
            with repo.config_writer() as cw:
                cw.set_value("remote \"origin\"", "url", url)
                cw.set_value("remote \"origin\"", "promisor", "true")
                cw.set_value("remote \"origin\"", "partialclonefilter", "blob:none")
                cw.set_value("extensions", "partialClone", "origin")
                cw.set_value("core", "repositoryformatversion", "1")
                if is_local(url):
                    cw.set_value("remote \"origin\"", "uploadpack", LOCAL_UPLOAD_PACK)
    return mirror_git(path)


def _resolve_local(repo: git.Git, ref: str) -> str | None:
    # never a bare sha: in a partial clone rev-parse would fetch it lazily, history and all
    local = f"refs/harness/commits/{ref}" if SHA_RE.match(ref) else f"refs/tags/{ref}"
    try:
        sha: str = repo.rev_parse("--verify", "--quiet", f"{local}^{{commit}}")
    except git.GitCommandError:
        return None
    return sha.strip()


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


def fetch(url: str, ref: str, *, depth: int | None = 1) -> str:
    """Make sure ``ref`` (tag, branch, sha or full ref name) is in the mirror; return its sha.

    Tags and shas already present are not fetched again; branches always are.
    """
    repo = open_mirror(url)
    known = _resolve_local(repo, ref)
    if known:
        return known
    errors: list[str] = []
    with cache.locked(mirror_path(url)):
        for remote_ref, local_ref in refspecs(ref):
            kwargs = {"depth": depth} if depth is not None else {}
            try:
                repo.fetch("origin", f"+{remote_ref}:{local_ref}", **kwargs)
            except git.GitCommandError as e:
                errors.append(str(e.stderr or e))
                continue
            sha: str = repo.rev_parse("--verify", f"{local_ref}^{{commit}}")
            return sha.strip()
    text = "\n".join(errors)
    if re.search(r"couldn't find remote ref|not our ref|no such remote ref|"
                 r"upload-pack: not our ref|remote error: .*not found", text):
        raise HarnessError(f"ref {ref!r} not found in {url}",
                           hint="check the recipe's source.ref or --ref")
    lines = stderr_lines(text)
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    reason = (fatal or lines or ["unknown error"])[0]
    raise HarnessError(f"cannot fetch from {url}: {reason}",
                       hint="check the URL or --source, and the network")


def worktree_path(url: str, ref: str, commit: str) -> Path:
    name = mirror_path(url).name.removesuffix(".git")
    return config.home() / "worktrees" / name / f"{_safe(ref)}-{commit[:12]}"


def _done_marker(path: Path) -> Path:
    return path.with_name(path.name + ".done")


def add_worktree(mirror: Path, path: Path, commit: str, sparse: tuple[str, ...] = ()) -> None:
    """Check ``commit`` out at ``path`` (detached), optionally sparse."""
    repo = mirror_git(mirror)
    try:
        repo.worktree("add", "--detach", "--no-checkout", str(path), commit)
        wt = git.Git(str(path))
        if sparse:
            wt.sparse_checkout("set", "--no-cone", *sparse)
        wt.checkout("--detach", commit)
    except git.GitCommandError as e:
        raise _git_error(f"cannot check out {commit[:12]}", e) from e


def remove_worktree(mirror: Path, path: Path) -> None:
    repo = mirror_git(mirror)
    try:
        repo.worktree("remove", "--force", str(path))
    except git.GitCommandError:
        cache.remove(path)
    repo.worktree("prune")


def _missing_patterns(path: Path, sparse: tuple[str, ...]) -> list[str]:
    if not sparse:
        return []
    current = set(git.Git(str(path)).sparse_checkout("list").splitlines())
    return [p for p in sparse if p not in current]


def ensure(recipe_name: str, url: str, ref: str, sparse: tuple[str, ...] = ()) -> Checkout:
    """A complete worktree of ``ref``; reused when a finished one exists."""
    commit = fetch(url, ref)
    path = worktree_path(url, ref, commit)
    mirror = mirror_path(url)
    done = _done_marker(path)
    if done.exists() and path.exists() and not _missing_patterns(path, sparse):
        return Checkout(path, commit, ref, url, mirror)
    with cache.locked(path):
        if done.exists() and path.exists():
            missing = _missing_patterns(path, sparse)
            if missing:  # e.g. --tests outside the recipe's sparse paths: widen the checkout
                try:
                    git.Git(str(path)).sparse_checkout("add", *missing)
                except git.GitCommandError as e:
                    raise _git_error(f"cannot add {' '.join(missing)} to the checkout", e) from e
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
