"""Isolated environments for a target's tests, one module per backend.

An environment is keyed by a hash of everything that decides its content (see
:func:`harness.envs.spec.EnvSpec.key_parts`); a backend builds it aside, renames it into
place and writes a completion marker last, under a lock per key.
"""
from __future__ import annotations

from harness.envs.base import Backend, Env
from harness.envs.spec import EnvSpec

__all__ = ["BACKENDS", "Backend", "Env", "EnvSpec", "get_backend"]

BACKENDS: tuple[str, ...] = ("auto", "uv", "venv", "docker")  # what --backend accepts


def get_backend(name: str = "auto", base_image: str | None = None) -> Backend:
    """``auto``: the config file's ``[docker] backend``, else uv (venv + pip without uv)."""
    from harness.envs import venv

    if name == "auto":
        from harness import config

        name = config.load_settings().backend or "auto"
    if name == "docker":
        from harness.envs.docker import DockerBackend

        return DockerBackend(base_image)
    if name in ("auto", "uv", "venv"):
        return venv.VenvBackend(prefer_uv=name != "venv")
    from harness.errors import HarnessError

    raise HarnessError(f"unknown env backend {name!r} (known: {', '.join(BACKENDS)})")
