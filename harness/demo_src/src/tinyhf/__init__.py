"""tinyhf: a teaching-size library laid out like Hugging Face transformers.

The package root is deliberately light (no torch import): import from the
submodules, e.g. ``from tinyhf.models.tiny_bert import TinyBertModel`` or
``from tinyhf.schedulers.scheduling_linear import LinearScheduleWithWarmup``.
"""
from __future__ import annotations

__version__ = "1.0.0"

__all__ = ["__version__"]
