"""TinyGpt: a GPT-2-style causal decoder with greedy generation."""
from __future__ import annotations

from tinyhf.models.tiny_gpt.configuration_tiny_gpt import TinyGptConfig
from tinyhf.models.tiny_gpt.modeling_tiny_gpt import TinyGptLMHeadModel, TinyGptModel, TinyGptPreTrainedModel

__all__ = ["TinyGptConfig", "TinyGptLMHeadModel", "TinyGptModel", "TinyGptPreTrainedModel"]
