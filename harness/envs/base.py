"""The backend protocol and the values describing a built environment and a run in it."""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from harness.envs.spec import EnvSpec
from harness.recipes import Device

# Variables from the user's shell that would change what runs inside the env.
SCRUBBED = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTHONDONTWRITEBYTECODE",
            "PYTEST_PLUGINS", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST")

# A test run past its time limit gets SIGINT and this long to end as after a ^C, so pytest
# writes its JUnit report of the tests that ended (killed at once, it wrote none).
INTERRUPT_GRACE = 30.0


class Env(NamedTuple):
    key: str
    path: Path
    python: Path  # the interpreter that runs the tests
    backend: str
    built: bool  # True when this call built it (False: reused from the cache)


@dataclass(frozen=True)
class RunRequest:
    """One ``python argv...`` run in an env: what it reads and writes, what it may reach."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]  # set on top of the backend's base environment
    log_path: Path
    mounts: tuple[Path, ...] = ()  # host paths the run reads or writes (for containers)
    network: bool = False  # outbound network allowed
    device: Device = "cpu"
    cpus: int = 1  # workers x threads
    workers: int = 1
    timeout: float | None = None


def host_env(extra: Mapping[str, str]) -> dict[str, str]:
    """The user's environment without what would leak into the env, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(extra)
    return env


class Backend(Protocol):
    name: str

    def ensure(self, spec: EnvSpec, on_line: Callable[[str], None] | None = None) -> Env:
        """Return a complete env for ``spec``, building it if needed."""
        ...

    def run(self, env: Env, request: RunRequest,
            on_line: Callable[[str], None] | None = None) -> int:
        """Run ``python request.argv...`` in ``env``; its exit code.

        Output goes to ``request.log_path`` (and ``on_line``); past ``request.timeout``
        the run gets SIGINT, :data:`INTERRUPT_GRACE` seconds to end, then is killed, and
        :class:`subprocess.TimeoutExpired` is raised; on ^C it is
        stopped before the interrupt propagates.
        """
        ...
