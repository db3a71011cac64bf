"""The two harness-owned worktrees of a verification, always removed afterwards.

``before``: the base with the patch's test changes applied (new tests exist before the
fix); ``after``: the base with the whole patch.  Both live under
``<home>/verify/<id>/{before,after}/<recipe>`` (named like a clone: some tests look for
``diffusers/tests/...`` in their own path) and are removed in a ``finally`` (also on ^C
and on errors), so a patch that does not apply leaves nothing behind.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import filelock

from harness import cache, checkout, config, git, proc
from harness.errors import HarnessError
from harness.progress import Ui
from harness.recipes import Recipe
from harness.sparse import follow_imports, test_files
from harness.verify import apply, diff, scripts, select
from harness.verify.change import Change

log = logging.getLogger("harness.verify")


class Trees(NamedTuple):
    before: Path
    after: Path
    applied_with: str  # how the whole patch applied
    tests_applied_with: str | None  # how its test part applied (None: it has none)
    tests_text: str  # that test part, as applied to the base ("": none)
    sparse: tuple[str, ...] = ()  # the patterns both trees hold (a sparse checkout's)


def test_part(recipe: Recipe, change: Change, package: str) -> list[diff.FileDiff]:
    """What the base gets before the fix: the change's files under the tests folder, and
    its test files elsewhere (``examples/dreambooth/test_*.py``) outside ``package`` (as
    :func:`.select.package_dir` finds it, so the base gets the own tests select names)."""
    v = recipe.verify
    return [f for f in change.files
            if any(diff.is_under(p, v.tests_dir)
                   or scripts.is_changed_test(p, v.tests_dir, package) for p in f.paths())]


def sparse_of(recipe: Recipe, change: Change) -> tuple[str, ...]:
    """The recipe's sparse patterns, widened by what the change touches: each file, the
    whole folder of each Python file (a test outside the recipe's folders imports its
    package's ``__init__.py`` and helpers: transformers' ``tests/models/<model>/``), and the
    tests' folder that mirrors a package folder it changes (``src/transformers/models/x/`` ->
    ``tests/models/x/``: transformers a4d6229197 fixes pe_audio_video, whose tests the
    checkout left out, and verify found "no test imports it")."""
    if not recipe.source.sparse:
        return ()
    paths = change.paths()
    folders = {p.rpartition("/")[0] for p in paths if p.endswith(".py") and "/" in p}
    package, tests = recipe.verify.package.strip("/"), recipe.verify.tests_dir.strip("/")
    mirrored = {f"{tests}/{d[len(package) + 1:]}" for d in folders
                if package and d.startswith(package + "/")}
    return tuple(dict.fromkeys((*recipe.source.sparse, *(f"/{p}" for p in paths),
                                *(f"/{d}/" for d in sorted(folders | mirrored)))))


def _imported(recipe: Recipe, sparse: tuple[str, ...], trees: tuple[Path, ...]
              ) -> tuple[str, ...]:
    """The test folders that the test files of the folders :func:`sparse_of` added import,
    and what those import, added to ``trees`` (both sides: the same files run on each):
    transformers' encoder_decoder tests import bart's, bert's ... testers
    (:func:`harness.sparse.imported_tests`)."""
    if not recipe.source.sparse:
        return ()
    own = set(recipe.source.sparse)
    folders = tuple(p for p in sparse if p not in own and p.endswith("/"))

    def add(more: tuple[str, ...]) -> None:
        for tree in trees:
            checkout.add_patterns(tree, more)

    return follow_imports(trees[-1], test_files(trees[-1], folders), add)


def _add(mirror: Path, path: Path, commit: str, sparse: tuple[str, ...]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    checkout.add_worktree(mirror, path, commit, sparse)


def _remove(mirror: Path, path: Path) -> None:
    try:
        checkout.remove_worktree(mirror, path)
    except Exception:  # cleanup must not hide the real error
        log.debug("removing worktree %s failed", path, exc_info=True)
        cache.remove(path)


def _mirror_of(worktree: Path) -> Path | None:
    try:
        gitdir = (worktree / ".git").read_text().removeprefix("gitdir:").strip()
    except OSError:
        return None
    return Path(gitdir).parent.parent


TRASH_AGE = 600.0  # seconds: a discarded tree older than this was not being deleted


def _trash() -> Path:
    return config.home() / "trash"


def _discard(root: Path, mirror: Path, trees: tuple[Path, ...]) -> None:
    """Take ``root`` (the two trees) out of the way at once and delete it in the
    background: the report does not wait for thousands of files to go.  Where it cannot
    be moved, the trees are removed here."""
    if mirror.is_dir() and root.is_dir():
        gone = _trash() / f"{root.name}-{secrets.token_hex(3)}"
        try:
            gone.parent.mkdir(parents=True, exist_ok=True)
            os.rename(root, gone)
        except OSError:
            log.debug("moving %s aside failed", root, exc_info=True)
        else:
            git.run(["worktree", "prune"], cwd=mirror, check=False)  # their paths are gone
            proc.detach([sys.executable, "-c",
                         "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                         str(gone)])
            return
    for path in trees:
        _remove(mirror, path)
    cache.remove(root)


def sweep() -> None:
    """Remove what a killed verification left behind (its lock is free), and discarded
    trees whose background deletion did not finish."""
    trash = _trash()
    if trash.is_dir():
        for old in trash.iterdir():
            try:
                stale = time.time() - old.stat().st_mtime > TRASH_AGE
            except OSError:
                continue
            if stale:
                shutil.rmtree(old, ignore_errors=True)
    base = config.home() / "verify"
    if not base.is_dir():
        return
    for root in [p for p in base.iterdir() if p.is_dir()]:
        lock = filelock.FileLock(str(root) + ".lock")
        try:
            lock.acquire(timeout=0)
        except filelock.Timeout:
            continue  # a verification in progress
        try:
            log.debug("removing leftover %s", root)
            for path in sorted(root.glob("*/*")):
                mirror = _mirror_of(path)
                if mirror is not None and mirror.is_dir():
                    _remove(mirror, path)
            cache.remove(root)
        finally:
            lock.release()
            Path(lock.lock_file).unlink(missing_ok=True)


@contextlib.contextmanager
def prepared(recipe: Recipe, change: Change, url: str, base_sha: str, ui: Ui
             ) -> Iterator[Trees]:
    sweep()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    root = config.home() / "verify" / f"{stamp}-{recipe.name}-{secrets.token_hex(3)}"
    mirror = checkout.mirror_path(url)
    before, after = root / "before" / recipe.name, root / "after" / recipe.name
    sparse = sparse_of(recipe, change)
    root.parent.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(root) + ".lock")
    lock.acquire()
    try:
        root.mkdir()
        with ui.step("apply the patch"):
            _add(mirror, before, base_sha, sparse)
            tests = test_part(recipe, change, select.package_dir(recipe, before))
            tests_text = diff.join(tests)
            tests_with = None
            if tests:
                (root / "tests.patch").write_text(tests_text)
                tests_with = _apply(before, root / "tests.patch", "its test changes")
            _add(mirror, after, base_sha, sparse)
            (root / "change.patch").write_text(change.text)
            applied_with = _apply(after, root / "change.patch", "")
            _changes_something(after, base_sha)
            sparse += _imported(recipe, sparse, (before, after))
        yield Trees(before, after, applied_with, tests_with, tests_text, sparse)
    finally:
        _discard(root, mirror, (after, before))
        lock.release()
        Path(lock.lock_file).unlink(missing_ok=True)


def _changes_something(worktree: Path, base_sha: str) -> None:
    """A change already in the base applies (``--3way`` merges it into itself) and changes
    nothing: both sides would run the same code, and a green verdict would mean nothing."""
    status = git.run(["status", "--porcelain", "--untracked-files=all"], cwd=worktree,
                     what="git status")
    if not status.stdout.strip():
        raise HarnessError(f"the change is already in the base ({base_sha[:12]}): applied "
                           "there it changes nothing",
                           hint="pass --base REV, a commit before the change was merged")


def _apply(worktree: Path, patch_file: Path, part: str) -> str:
    try:
        return apply.apply(worktree, patch_file)
    except HarnessError as e:
        if not part:
            raise
        raise HarnessError(e.message.replace("patch does not apply",
                                             f"patch does not apply ({part})", 1),
                           hint=e.hint) from e
