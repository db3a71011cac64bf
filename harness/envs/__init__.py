"""Isolated environments for a target's tests, one module per backend.

An environment is keyed by a hash of everything that decides its content (see
:func:`harness.envs.spec.EnvSpec.key_parts`); a backend builds it aside, renames it into
place and writes a completion marker last, under a lock per key.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from harness.envs.base import Backend, Env

if TYPE_CHECKING:
    from harness.config import Settings
from harness.envs.spec import EnvSpec

__all__ = ["BACKENDS", "Backend", "Env", "EnvSpec", "get_backend"]

BACKENDS: tuple[str, ...] = ("auto", "uv", "venv", "docker")  # what --backend accepts


def get_backend(name: str = "auto", base_image: str | None = None,
                settings: Settings | None = None) -> Backend:
    """``auto``: the config file's ``[docker] backend``, else uv (venv + pip without uv).
    The docker base image: ``base_image``, else the config file's ``[docker] base_image``."""
    from harness import config
    from harness.envs import venv

    settings = settings or config.load_settings()
    if name == "auto":
        name = settings.backend or "auto"
    if name == "docker":
        from harness.envs.docker import DockerBackend

        return DockerBackend(base_image or settings.docker_base_image)
    if name in ("auto", "uv", "venv"):
        return venv.VenvBackend(prefer_uv=name != "venv")
    from harness.errors import HarnessError

    raise HarnessError(f"unknown env backend {name!r} (known: {', '.join(BACKENDS)})")
