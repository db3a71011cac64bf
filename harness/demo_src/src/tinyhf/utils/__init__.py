"""Framework-agnostic helpers (importing this package does not import torch)."""
from __future__ import annotations

from tinyhf.utils.generic import ModelOutput, is_torch_available, set_seed

__all__ = ["ModelOutput", "is_torch_available", "set_seed"]
