"""The one door to git: every git command the harness runs goes through :func:`run`.

GitPython executes the commands; this module logs each one the way :mod:`harness.proc`
does (command, directory, exit code, stdout and stderr in the debug log) and turns a
failure into a :class:`GitError` whose message is git's own last line, not GitPython's
wrapping of it.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import git as gitpython

from harness import proc
from harness.errors import HarnessError

log = logging.getLogger("harness.git")

# Lock files a killed git leaves behind; removed only while the harness lock is held.
STALE_LOCKS = ("shallow.lock", "index.lock", "config.lock", "HEAD.lock", "packed-refs.lock")


class GitError(HarnessError):
    """A git command failed; ``message`` is ``what: git's last line``."""

    def __init__(self, what: str, args: Sequence[str], result: proc.Result) -> None:
        self.args_run = tuple(args)
        self.result = result
        super().__init__(f"{what}: {reason(result.stderr or result.stdout)}")

    @property
    def stderr(self) -> str:
        return self.result.stderr


def stderr_lines(text: str) -> list[str]:
    """git's message lines, without blank lines or hint/progress noise."""
    return [ln.strip() for ln in text.splitlines()
            if ln.strip() and not ln.startswith(("hint:", "remote: Enumerating",
                                                  "remote: Counting", "remote: Compressing"))]


def reason(text: str) -> str:
    """The line that says what went wrong: git's first ``fatal:``/``error:``, else its last."""
    lines = stderr_lines(text)
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    return (fatal or lines or ["unknown error"])[0 if fatal else -1]


def version() -> str | None:
    """git's own version line ("git version 2.39.5"), or None when git cannot be run."""
    try:
        out = run(["--version"], check=False)
    except HarnessError:
        return None
    lines = out.stdout.strip().splitlines()
    return lines[0] if out.returncode == 0 and lines else None


def run(
    args: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | str | None = None,
    check: bool = True,
    what: str | None = None,
    env: Mapping[str, str] | None = None,
) -> proc.Result:
    """Run ``git args...`` in ``cwd`` and return its exit code, stdout and stderr.

    With ``check`` a non-zero exit raises :class:`GitError`.
    """
    argv = ["git", *(str(a) for a in args)]
    shown = proc.format_cmd(argv)
    start = time.monotonic()
    if cwd is not None and not os.path.isdir(cwd):
        # GitPython would run it in this process's directory instead: in the user's own
        # checkout, a fetch meant for a removed mirror lands there.  Fail as `git -C` does.
        result = proc.Result(128, "", f"fatal: cannot change to '{cwd}': No such file or "
                                      "directory\n")
    else:
        result = _execute(argv, cwd, env)
    log.debug("git: %s (cwd=%s) exit %d in %.2fs%s%s", shown, cwd, result.returncode,
              time.monotonic() - start,
              f"\nstdout:\n{proc.tail(result.stdout)}" if result.stdout.strip() else "",
              f"\nstderr:\n{result.stderr.rstrip()}" if result.stderr.strip() else "")
    if check and result.returncode != 0:
        raise GitError(what or f"git {argv[1] if len(argv) > 1 else ''}".strip(), argv, result)
    return result


def _execute(argv: list[str], cwd: Path | str | None,
             env: Mapping[str, str] | None) -> proc.Result:
    runner = gitpython.Git(str(cwd) if cwd is not None else None)
    try:
        code, stdout, stderr = runner.execute(
            argv, with_extended_output=True, with_exceptions=False,
            strip_newline_in_stdout=False, env=dict(env) if env is not None else None,
            stdout_as_string=True)
    except gitpython.GitCommandNotFound as e:
        raise HarnessError("git is not installed (or not on PATH)",
                           hint="install git, e.g. `apt-get install git`") from e
    return proc.Result(int(code or 0), str(stdout), str(stderr))


def out(args: Sequence[str | os.PathLike[str]], *, cwd: Path | str | None = None,
        what: str | None = None) -> str:
    """stdout of a git command that must succeed, stripped."""
    return run(args, cwd=cwd, what=what).stdout.strip()


def rev(cwd: Path | str, spec: str) -> str | None:
    """The sha ``spec`` names in the repository at ``cwd``, or None."""
    result = run(["rev-parse", "--verify", "--quiet", spec], cwd=cwd, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def clear_stale_locks(git_dir: Path) -> list[str]:
    """Remove lock files a killed git left in ``git_dir``; the caller holds the harness lock
    for this repository, so no other git of ours can be using them."""
    removed = []
    for name in STALE_LOCKS:
        path = git_dir / name
        if path.is_file():
            log.debug("removing stale %s", path)
            path.unlink(missing_ok=True)
            removed.append(name)
    return removed
