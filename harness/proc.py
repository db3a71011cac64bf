"""One helper for every subprocess the harness starts.

Commands are lists (never ``shell=True``).  On failure the error shows the command,
its exit code and the tail of its output, and the full output goes to the debug log.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from harness.errors import HarnessError

log = logging.getLogger("harness.proc")

TAIL_LINES = 25
_RUNNING: set[subprocess.Popen[str]] = set()  # what run() is waiting on, in any thread
_RUNNING_LOCK = threading.Lock()
_STOPPING = threading.Event()


class Result(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def format_cmd(cmd: Sequence[str | os.PathLike[str]]) -> str:
    return shlex.join(str(c) for c in cmd)


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    what: str | None = None,
    timeout: float | None = None,
    stdin: str | None = None,
    nice: int = 0,
) -> Result:
    """Run ``cmd`` and capture its output.

    With ``check`` a non-zero exit raises :class:`HarnessError` naming ``what`` failed,
    the command, the exit code and the last lines of output.  ``nice``: run it at a lower
    priority (POSIX), to use only the CPU time other work leaves.
    """
    shown = format_cmd(cmd)
    log.debug("run: %s (cwd=%s%s)", shown, cwd, f", nice {nice}" if nice else "")
    if _STOPPING.is_set():
        raise HarnessError(f"{what or shown}: not started, the harness is stopping")
    try:
        child = subprocess.Popen(
            [str(c) for c in _niced(cmd, nice)], cwd=cwd,
            env=dict(env) if env is not None else None, text=True,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
    except FileNotFoundError as e:
        raise HarnessError(f"{what or 'command'} failed: {cmd[0]} not found", exit_code=2) from e
    with _RUNNING_LOCK:
        _RUNNING.add(child)
    if _STOPPING.is_set():  # started as stopping() began: it missed this one
        child.kill()
    try:
        stdout, stderr = child.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        child.kill()
        child.communicate()
        raise HarnessError(f"{what or shown} timed out after {timeout:.0f}s") from e
    except BaseException:
        child.kill()
        child.wait()
        raise
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(child)
    result = Result(child.returncode, stdout, stderr)
    log.debug("exit %d: %s\nstdout:\n%s\nstderr:\n%s", child.returncode, shown, stdout, stderr)
    if check and child.returncode != 0:
        raise HarnessError(failure_message(what or "command", cmd, result))
    return result


@contextlib.contextmanager
def stopping() -> Iterator[None]:
    """While inside: what :func:`run` runs in other threads is killed and it starts nothing
    new (after a ^C in the main thread, the checks beside the tests must not keep the
    harness from exiting)."""
    _STOPPING.set()
    try:
        with _RUNNING_LOCK:
            children = list(_RUNNING)
        for child in children:
            with contextlib.suppress(OSError):
                child.kill()
        yield
    finally:
        _STOPPING.clear()


def version_of(cmd: Sequence[str | os.PathLike[str]]) -> str | None:
    """The first line a tool prints for ``cmd`` (e.g. ``uv --version``); None when it fails."""
    try:
        out = run(cmd, check=False, timeout=10)
    except HarnessError:
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if out.returncode == 0 and text else None


DISK_FULL = "the disk is full (No space left on device)"
DISK_FULL_HINT = "free space (`harness gc` lists what is unused), or set HARNESS_HOME to a " \
                 "disk with more room"
_DISK_FULL = re.compile(r"No space left on device|os error 28\b|\[Errno 28\]|ENOSPC")


# uv's and pip's word for requirements that cannot all hold (transformers ff3fad61e3, of June
# 2025, wants torch<2.7; the recipe pins torch==2.13.0)
_UNSOLVABLE = re.compile(r"No solution found when resolving dependencies|ResolutionImpossible"
                         r"|requirements are unsatisfiable")
UNSOLVABLE_HINT = ("the tree's own requirements conflict with the recipe's [install] pins (its "
                   "torch, its pins): a tree much older or newer than the recipe's ref needs "
                   "other pins, in a recipe of its own")


def disk_full(output: str) -> bool:
    """Whether a tool's output says it ran out of disk (pip, uv, git, docker alike)."""
    return _DISK_FULL.search(output) is not None


def _failed(what: str, code: int, cmd: Sequence[str | os.PathLike[str]], detail: str,
            out_of_space: bool) -> str:
    """``what failed (exit N): CMD`` and the output's tail; the exit code gives way to the
    cause when the disk is full (the CLI adds what to do about it)."""
    if out_of_space:
        return f"{what} failed: {DISK_FULL}\n{format_cmd(cmd)}\n{detail}"
    return f"{what} failed (exit {code}): {format_cmd(cmd)}\n{detail}"


def failure_message(what: str, cmd: Sequence[str | os.PathLike[str]], result: Result) -> str:
    output = tail((result.stdout + "\n" + result.stderr).strip())
    return _failed(what, result.returncode, cmd, output, disk_full(output))


def _niced(cmd: Sequence[str | os.PathLike[str]], nice: int
           ) -> Sequence[str | os.PathLike[str]]:
    """``cmd`` under POSIX ``nice`` (thread-safe, unlike a preexec_fn); as is without it."""
    if nice <= 0:
        return cmd
    found = shutil.which("nice")
    return [found, "-n", str(nice), *cmd] if found else cmd


def detach(cmd: Sequence[str | os.PathLike[str]]) -> None:
    """Start ``cmd`` in a session of its own that outlives the harness (no output, not
    waited for): for work nobody waits on, such as deleting a discarded tree."""
    log.debug("detach: %s", format_cmd(cmd))
    try:
        subprocess.Popen([str(c) for c in cmd], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError as e:
        log.debug("could not start %s: %s", cmd[0], e)


def stream(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    log_path: Path,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    on_line: Callable[[str], None] | None = None,
    timeout: float | None = None,
    grace: float = 0.0,
) -> int:
    """Run ``cmd`` with stdout and stderr merged into ``log_path``, line by line.

    Returns the exit code; the caller decides what a failure means.  ``on_line`` sees each
    line as it comes (for progress).  On timeout the process group is killed and
    :class:`subprocess.TimeoutExpired` is raised; with ``grace``, it first gets SIGINT and
    that many seconds to end as after a ^C (pytest then still writes its report).  On ^C
    the child is killed before the interrupt propagates, so nothing keeps running behind
    the user's back.
    """
    log.debug("stream: %s (cwd=%s, log=%s)", format_cmd(cmd), cwd, log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8", errors="replace") as out:
        out.write(f"$ {format_cmd(cmd)}\n")
        out.flush()
        try:
            child = subprocess.Popen(
                [str(c) for c in cmd], cwd=cwd, env=dict(env) if env is not None else None,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                text=True, errors="replace", bufsize=1, start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - one syscall, nothing to lock
            )
        except FileNotFoundError as e:
            raise HarnessError(f"{cmd[0]} not found") from e
        timer = None
        expired = threading.Event()
        if timeout is not None:
            def expire() -> None:
                expired.set()
                _stop(child, grace)

            timer = threading.Timer(timeout or 0, expire)
            timer.daemon = True
            timer.start()
        try:
            assert child.stdout is not None
            for line in child.stdout:
                out.write(line)
                if on_line is not None:
                    on_line(line.rstrip("\n"))
            code = child.wait()
        except BaseException:
            _kill_group(child)
            raise
        finally:
            if timer is not None:
                timer.cancel()
        if expired.is_set():
            out.write(f"\nharness: stopped after {timeout:.0f}s\n")
            raise subprocess.TimeoutExpired([str(c) for c in cmd], timeout or 0)
        out.write(f"\n[exit {code}]\n")
    return code


def stream_steps(
    steps: Sequence[Sequence[str | os.PathLike[str]]],
    *,
    log_path: Path,
    what: str,
    on_line: Callable[[str], None] | None = None,
    tail_lines: int = 15,
) -> None:
    """Run ``steps`` in turn (an env build), all their output kept in ``log_path``; the
    first that fails raises :class:`HarnessError` naming ``what``, its command and the
    log's tail."""
    for i, cmd in enumerate(steps):
        step_log = log_path.with_name(f"{log_path.stem}.{i}.log")
        code = stream(cmd, log_path=step_log, on_line=on_line)
        with log_path.open("a" if i else "w") as whole:
            whole.write(step_log.read_text(errors="replace"))
        step_log.unlink()
        if code != 0:
            text = log_path.read_text(errors="replace")
            raise HarnessError(_failed(what, code, cmd,
                                       f"{tail(text, tail_lines)}\nfull log: {log_path}",
                                       disk_full(text)),
                               hint=UNSOLVABLE_HINT if _UNSOLVABLE.search(text) else None)


def _load_prctl() -> Callable[..., int] | None:
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
        return prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()  # resolved here, so the child does nothing but one system call


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the harness is killed (even with SIGKILL), so an
    orphaned installer never keeps writing into a directory the next run cleans up."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _stop(child: subprocess.Popen[str], grace: float) -> None:
    """SIGINT to the group and ``grace`` seconds to end, then :func:`_kill_group`."""
    if grace > 0 and child.poll() is None:
        try:
            os.killpg(child.pid, signal.SIGINT)
            child.wait(grace)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    _kill_group(child)


def _kill_group(child: subprocess.Popen[str]) -> None:
    """Stop ``child`` and everything it started (pytest-xdist workers, uv's builds)."""
    if child.poll() is not None:
        return
    try:
        os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    except ProcessLookupError:
        pass
