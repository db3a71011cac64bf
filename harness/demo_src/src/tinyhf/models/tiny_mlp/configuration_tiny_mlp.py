"""Configuration of the TinyMlp model."""
from __future__ import annotations

from typing import Any

from tinyhf.configuration_utils import PretrainedConfig


class TinyMlpConfig(PretrainedConfig):
    """Hyper-parameters of :class:`~tinyhf.models.tiny_mlp.TinyMlpModel`."""

    model_type = "tiny_mlp"

    def __init__(
        self,
        input_size: int = 16,
        hidden_size: int = 32,
        num_hidden_layers: int = 2,
        num_labels: int = 3,
        hidden_act: str = "relu",
        hidden_dropout_prob: float = 0.1,
        initializer_range: float = 0.02,
        **kwargs: Any,
    ) -> None:
        if num_hidden_layers < 1:
            raise ValueError(f"num_hidden_layers must be >= 1, got {num_hidden_layers}")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_labels = num_labels
        self.hidden_act = hidden_act
        self.hidden_dropout_prob = hidden_dropout_prob
        self.initializer_range = initializer_range
        super().__init__(**kwargs)
