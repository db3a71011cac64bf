"""Isolated environments for a target's tests, one module per backend.

An environment is keyed by a hash of everything that decides its content (see
:func:`harness.envs.spec.EnvSpec.key_parts`); a backend builds it aside, renames it into
place and writes a completion marker last, under a lock per key.
"""
from __future__ import annotations

from harness.envs.base import Backend, Env
from harness.envs.spec import EnvSpec

__all__ = ["BACKENDS", "Backend", "Env", "EnvSpec", "get_backend"]

BACKENDS: tuple[str, ...] = ("auto", "uv", "venv")  # what --backend accepts


def get_backend(name: str = "auto") -> Backend:
    from harness.envs import venv

    if name in ("auto", "uv", "venv"):
        return venv.VenvBackend(prefer_uv=name != "venv")
    from harness.errors import HarnessError

    raise HarnessError(f"unknown env backend {name!r} (known: {', '.join(BACKENDS)})")
