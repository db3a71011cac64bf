"""One debug log per command: ``$HARNESS_HOME/logs/<time>-<pid>-<command>.log``.

Each process writes only its own file (created exclusively), so commands run at once never
write into each other's log.  ``logs/last-command.log`` is a symlink to the newest one
(a one-line pointer file where symlinks are not allowed), replaced atomically; the last
:data:`KEEP` logs are kept.  A home that cannot be written gives no log, never an error:
commands that need no cache still work.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from pathlib import Path

from harness import __version__, config
from harness.errors import HarnessError

log = logging.getLogger("harness")

KEEP = 20
LAST = "last-command.log"
NAME_RE = re.compile(r"^\d{8}T\d{6}\.\d{3}-(\d+)-[\w.-]+\.log$")
FORMAT = "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"


def logs_dir() -> Path:
    return config.home() / "logs"


def start(command: str, debug: bool = False, argv: list[str] | None = None) -> Path | None:
    """Send the ``harness`` logger to a new log file; return its path (None: no log)."""
    root = logging.getLogger("harness")
    for old in root.handlers:
        old.close()
    root.handlers[:] = []
    root.setLevel(logging.DEBUG)
    if debug:
        root.addHandler(logging.StreamHandler(sys.stderr))
    path = _create(command)
    if path is None:
        return None
    handler = _BestEffort(path, mode="a", encoding="utf-8")
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    _header(argv if argv is not None else sys.argv)
    _point_last(path)
    prune(path.parent)
    return path


class _BestEffort(logging.FileHandler):
    """The debug log is a help, never a cause: a record it cannot write (a full disk) is
    dropped, not printed as a "--- Logging error ---" traceback over the user's error."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def _create(command: str) -> Path | None:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%f")[:-3]
    safe = re.sub(r"[^\w.-]+", "-", command).strip("-.")[:40] or "harness"
    directory = logs_dir()
    try:
        config.prepare_home()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{stamp}-{os.getpid()}-{safe}.log"
        with path.open("x", encoding="utf-8"):
            pass
    except (OSError, HarnessError):
        return None
    return path


def _header(argv: list[str]) -> None:
    from harness import git, proc
    from harness.envs.venv import find_uv

    log.debug("harness %s; python %s (%s); argv %s; cwd %s; HARNESS_HOME %s", __version__,
              sys.version.split()[0], sys.executable, argv, Path.cwd(), config.home())
    uv = find_uv()
    uv_version = proc.version_of([uv, "--version"]) if uv else None
    log.debug("%s; uv: %s", git.version() or "git: unavailable", uv_version or "not found")


def _point_last(path: Path) -> None:
    """Make ``last-command.log`` name ``path``; a rename, so readers never see half of it."""
    last = path.parent / LAST
    tmp = path.parent / f".{LAST}.{os.getpid()}.tmp"
    try:
        tmp.unlink(missing_ok=True)
        try:
            tmp.symlink_to(path.name)
        except OSError:  # no symlinks here (some Windows setups): a pointer file
            tmp.write_text(f"the last command's debug log is {path}\n")
        os.replace(tmp, last)
    except OSError:
        log.debug("cannot update %s", last, exc_info=True)


def alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def prune(directory: Path, keep: int = KEEP) -> list[Path]:
    """Remove all but the newest ``keep`` command logs; never one a live process writes."""
    try:
        logs = sorted(p for p in directory.iterdir() if NAME_RE.match(p.name))
    except OSError:
        return []
    removed = []
    for old in logs[:-keep] if keep else logs:
        match = NAME_RE.match(old.name)
        if match and alive(int(match.group(1))):
            continue
        try:
            old.unlink()
            removed.append(old)
        except OSError:
            pass
    return removed
