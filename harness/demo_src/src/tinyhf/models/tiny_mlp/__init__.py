"""TinyMlp: the simplest model, a feed-forward classifier over dense features."""
from __future__ import annotations

from tinyhf.models.tiny_mlp.configuration_tiny_mlp import TinyMlpConfig
from tinyhf.models.tiny_mlp.modeling_tiny_mlp import TinyMlpModel, TinyMlpPreTrainedModel

__all__ = ["TinyMlpConfig", "TinyMlpModel", "TinyMlpPreTrainedModel"]
