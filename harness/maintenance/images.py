"""Docker images of the docker env backend, for ``harness gc``: a hook, not a dependency.

When ``harness.envs.docker`` exists and exposes ``list_images()`` and ``remove_image(tag)``,
its images count like envs; otherwise (no module, no docker, no daemon) there are none.
``list_images()`` yields tags, or objects with ``tag``, ``size`` (bytes) and ``last_used``
or ``created`` (epoch seconds or a datetime).  An image whose age is unknown is kept.
"""
from __future__ import annotations

import datetime as dt
import importlib
import logging
from types import ModuleType
from typing import NamedTuple

log = logging.getLogger("harness.maintenance")


class Image(NamedTuple):
    tag: str
    size: int
    used: float | None  # epoch seconds of last use (or creation); None: unknown


def _backend() -> ModuleType | None:
    try:
        return importlib.import_module("harness.envs.docker")
    except ImportError:
        return None


def _when(value: object) -> float | None:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def listed() -> list[Image]:
    backend = _backend()
    lister = getattr(backend, "list_images", None)
    if lister is None:
        return []
    try:
        found = list(lister())
    except Exception:  # no docker, a daemon that does not answer: nothing to reclaim
        log.debug("cannot list docker images", exc_info=True)
        return []
    images = []
    for img in found:
        if isinstance(img, str):
            images.append(Image(img, 0, None))
            continue
        size = getattr(img, "size", 0)
        when = _when(getattr(img, "last_used", None)) or _when(getattr(img, "created", None))
        images.append(Image(str(getattr(img, "tag", img)),
                            size if isinstance(size, int) else 0, when))
    return images


def unused(cutoff: float, env_runs: dict[str, float]) -> list[Image]:
    """Images not used since ``cutoff``; a run of an env whose key is in the tag counts."""
    out = []
    for img in listed():
        if img.used is None:
            continue
        runs = max((t for key, t in env_runs.items() if key in img.tag), default=0.0)
        if max(img.used, runs) < cutoff:
            out.append(img._replace(used=max(img.used, runs)))
    return out


def remove(tag: str) -> None:
    backend = _backend()
    remover = getattr(backend, "remove_image", None)
    if remover is not None:
        remover(tag)
