"""The backend protocol and the value describing a built environment."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol

from harness.envs.spec import EnvSpec


class Env(NamedTuple):
    key: str
    path: Path
    python: Path  # the interpreter that runs the tests
    backend: str
    built: bool  # True when this call built it (False: reused from the cache)


class Backend(Protocol):
    name: str

    def ensure(self, spec: EnvSpec, on_line: Callable[[str], None] | None = None) -> Env:
        """Return a complete env for ``spec``, building it if needed."""
        ...

    def command(self, env: Env, argv: list[str]) -> list[str]:
        """The command line that runs ``python argv...`` inside ``env``."""
        ...
