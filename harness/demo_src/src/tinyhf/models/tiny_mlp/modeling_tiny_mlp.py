"""TinyMlp: stacked ``Linear -> activation -> dropout`` blocks and a classifier."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tinyhf.activations import ACT2FN
from tinyhf.modeling_outputs import SequenceClassifierOutput
from tinyhf.modeling_utils import PreTrainedModel
from tinyhf.models.tiny_mlp.configuration_tiny_mlp import TinyMlpConfig


class TinyMlpPreTrainedModel(PreTrainedModel):
    config_class = TinyMlpConfig
    base_model_prefix = "mlp"
    main_input_name = "inputs"


class TinyMlpModel(TinyMlpPreTrainedModel):
    """``inputs`` of shape ``(batch, input_size)`` -> ``logits`` of shape ``(batch, num_labels)``."""

    def __init__(self, config: TinyMlpConfig) -> None:
        super().__init__(config)
        sizes = [config.input_size] + [config.hidden_size] * config.num_hidden_layers
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = ACT2FN[config.hidden_act]
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(
        self,
        inputs: torch.Tensor,
        labels: torch.Tensor | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
    ) -> SequenceClassifierOutput | tuple[torch.Tensor, ...]:
        if output_hidden_states is None:
            output_hidden_states = self.config.output_hidden_states
        return_dict = self.config.return_dict if return_dict is None else return_dict
        if inputs.shape[-1] != self.config.input_size:
            raise ValueError(f"Expected inputs with {self.config.input_size} features, got {inputs.shape[-1]}")
        hidden = inputs
        all_hidden = (hidden,) if output_hidden_states else None
        for layer in self.layers:
            hidden = self.dropout(self.act(layer(hidden)))
            if all_hidden is not None:
                all_hidden += (hidden,)
        logits = self.classifier(hidden)
        loss = F.cross_entropy(logits, labels) if labels is not None else None
        output = SequenceClassifierOutput(loss=loss, logits=logits, hidden_states=all_hidden)
        return output if return_dict else output.to_tuple()
