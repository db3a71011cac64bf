"""Model implementations, one sub-package per architecture (``tiny_bert``, ``tiny_gpt``, ``tiny_mlp``).

Nothing is imported here so that loading one model does not load the others.
"""
from __future__ import annotations

MODEL_TYPES = ("tiny_bert", "tiny_gpt", "tiny_mlp")
