"""Small framework-agnostic helpers: ``ModelOutput`` and ``set_seed`` (torch imported lazily)."""
from __future__ import annotations

import importlib.util
import random
from dataclasses import fields
from typing import Any, Iterator


class ModelOutput:
    """Base for dataclass model outputs: attribute, key and index access.

    Fields left to ``None`` are skipped, so ``output[0]`` is the first field that was set.
    Subclasses must be decorated with ``@dataclass``.
    """

    def keys(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name) is not None]

    def values(self) -> list[Any]:
        return [getattr(self, key) for key in self.keys()]

    def items(self) -> list[tuple[str, Any]]:
        return [(key, getattr(self, key)) for key in self.keys()]

    def to_tuple(self) -> tuple[Any, ...]:
        return tuple(self.values())

    def __getitem__(self, key: str | int | slice) -> Any:
        if isinstance(key, str):
            if key not in self.keys():
                raise KeyError(key)
            return getattr(self, key)
        return self.to_tuple()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())


def is_torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


def set_seed(seed: int) -> None:
    """Seed ``random``, and numpy / torch when they are installed."""
    random.seed(seed)
    if importlib.util.find_spec("numpy") is not None:
        import numpy as np

        np.random.seed(seed)
    if is_torch_available():
        import torch

        torch.manual_seed(seed)  # also seeds every CUDA device
