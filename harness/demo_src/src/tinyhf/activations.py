"""Activation functions and the ``ACT2FN`` name -> module mapping (as in transformers)."""
from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import torch
from torch import nn


class NewGELUActivation(nn.Module):
    """GELU, tanh approximation (the "gelu_new" of GPT-2 / Google BERT)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))
        return 0.5 * x * (1.0 + torch.tanh(inner))


class QuickGELUActivation(nn.Module):
    """Fast, coarser GELU approximation: ``x * sigmoid(1.702 * x)``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.sigmoid(1.702 * x)


class ClassInstantier(OrderedDict):
    """A mapping whose lookups return a fresh instance of the stored class."""

    def __getitem__(self, key: str) -> nn.Module:
        content = super().__getitem__(key)
        cls, kwargs = content if isinstance(content, tuple) else (content, {})
        return cls(**kwargs)


ACT2CLS: dict[str, Any] = {
    "gelu": nn.GELU,
    "gelu_new": NewGELUActivation,
    "gelu_pytorch_tanh": (nn.GELU, {"approximate": "tanh"}),
    "quick_gelu": QuickGELUActivation,
    "relu": nn.ReLU,
    "silu": nn.SiLU,
    "swish": nn.SiLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "linear": nn.Identity,
}
ACT2FN = ClassInstantier(ACT2CLS)


def get_activation(activation_string: str) -> nn.Module:
    """Return a new activation module for ``activation_string``."""
    if activation_string in ACT2FN:
        return ACT2FN[activation_string]
    raise KeyError(f"function {activation_string} not found in ACT2FN mapping {list(ACT2FN.keys())}")
