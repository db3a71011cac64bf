"""Pure-Python learning-rate schedulers (diffusers/transformers style); never imports torch.

Classes are loaded lazily so that ``import tinyhf.schedulers.scheduling_linear`` only pulls in
what it needs.
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY_IMPORTS = {
    "LRScheduler": "scheduling_utils",
    "LinearScheduleWithWarmup": "scheduling_linear",
    "CosineScheduleWithWarmup": "scheduling_cosine",
}
SCHEDULER_NAMES = {"linear": "LinearScheduleWithWarmup", "cosine": "CosineScheduleWithWarmup"}

__all__ = [*_LAZY_IMPORTS, "SCHEDULER_NAMES", "get_scheduler"]


def __getattr__(name: str) -> Any:
    if name in _LAZY_IMPORTS:
        module = importlib.import_module(f"{__name__}.{_LAZY_IMPORTS[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_scheduler(name: str, **kwargs: Any) -> Any:
    """Build a scheduler by name ("linear" or "cosine"), like ``transformers.get_scheduler``."""
    if name not in SCHEDULER_NAMES:
        raise ValueError(f"Unknown scheduler {name!r}; choose one of {sorted(SCHEDULER_NAMES)}")
    return __getattr__(SCHEDULER_NAMES[name])(**kwargs)
