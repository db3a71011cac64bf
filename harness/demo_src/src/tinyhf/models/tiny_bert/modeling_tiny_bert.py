"""TinyBert: embeddings, post-LayerNorm self-attention layers, pooler, classification head."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from tinyhf.activations import ACT2FN
from tinyhf.modeling_outputs import BaseModelOutputWithPooling, SequenceClassifierOutput
from tinyhf.modeling_utils import PreTrainedModel
from tinyhf.models.tiny_bert.configuration_tiny_bert import TinyBertConfig


class TinyBertEmbeddings(nn.Module):
    def __init__(self, config: TinyBertConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        seq_length = input_ids.shape[1]
        if seq_length > self.position_embeddings.num_embeddings:
            raise ValueError(f"Sequence length {seq_length} exceeds max_position_embeddings")
        positions = torch.arange(seq_length, device=input_ids.device).unsqueeze(0)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        embeddings = self.word_embeddings(input_ids) + self.position_embeddings(positions)
        embeddings = embeddings + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(embeddings))


class TinyBertSelfAttention(nn.Module):
    def __init__(self, config: TinyBertConfig) -> None:
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        batch, seq, _ = hidden.shape

        def heads(x: torch.Tensor) -> torch.Tensor:
            return x.view(batch, seq, self.num_heads, self.head_dim).transpose(1, 2)

        query, key, value = heads(self.query(hidden)), heads(self.key(hidden)), heads(self.value(hidden))
        scores = query @ key.transpose(-1, -2) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask  # additive: 0 to keep, dtype-min to drop
        probs = scores.softmax(dim=-1)
        context = self.dropout(probs) @ value
        return context.transpose(1, 2).reshape(batch, seq, -1), probs


class TinyBertLayer(nn.Module):
    def __init__(self, config: TinyBertConfig) -> None:
        super().__init__()
        self.attention = TinyBertSelfAttention(config)
        self.attention_output = nn.Linear(config.hidden_size, config.hidden_size)
        self.attention_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.intermediate = nn.Linear(config.hidden_size, config.intermediate_size)
        self.act = ACT2FN[config.hidden_act]
        self.output = nn.Linear(config.intermediate_size, config.hidden_size)
        self.output_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        context, probs = self.attention(hidden, mask)
        hidden = self.attention_norm(hidden + self.dropout(self.attention_output(context)))
        feed_forward = self.output(self.act(self.intermediate(hidden)))
        return self.output_norm(hidden + self.dropout(feed_forward)), probs


class TinyBertPreTrainedModel(PreTrainedModel):
    config_class = TinyBertConfig
    base_model_prefix = "bert"


class TinyBertModel(TinyBertPreTrainedModel):
    """The bare encoder; the pooler is ``tanh(dense(hidden[:, 0]))``."""

    def __init__(self, config: TinyBertConfig, add_pooling_layer: bool = True) -> None:
        super().__init__(config)
        self.embeddings = TinyBertEmbeddings(config)
        self.layers = nn.ModuleList(TinyBertLayer(config) for _ in range(config.num_hidden_layers))
        self.pooler = nn.Linear(config.hidden_size, config.hidden_size) if add_pooling_layer else None
        self.post_init()

    def get_input_embeddings(self) -> nn.Embedding:
        return self.embeddings.word_embeddings

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
    ) -> BaseModelOutputWithPooling | tuple[torch.Tensor, ...]:
        cfg = self.config
        output_attentions = cfg.output_attentions if output_attentions is None else output_attentions
        output_hidden_states = cfg.output_hidden_states if output_hidden_states is None else output_hidden_states
        hidden = self.embeddings(input_ids, token_type_ids)
        mask = None
        if attention_mask is not None:
            mask = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        all_hidden = (hidden,) if output_hidden_states else None
        all_attentions: tuple[torch.Tensor, ...] | None = () if output_attentions else None
        for layer in self.layers:
            hidden, probs = layer(hidden, mask)
            all_hidden = all_hidden + (hidden,) if all_hidden is not None else None
            all_attentions = all_attentions + (probs,) if all_attentions is not None else None
        pooled = torch.tanh(self.pooler(hidden[:, 0])) if self.pooler is not None else None
        output = BaseModelOutputWithPooling(hidden, pooled, all_hidden, all_attentions)
        return output if (cfg.return_dict if return_dict is None else return_dict) else output.to_tuple()


class TinyBertForSequenceClassification(TinyBertPreTrainedModel):
    """Encoder + linear head on the pooled output; MSE loss when ``num_labels == 1``."""

    def __init__(self, config: TinyBertConfig) -> None:
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = TinyBertModel(config)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.post_init()

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
    ) -> SequenceClassifierOutput | tuple[torch.Tensor, ...]:
        outputs = self.bert(input_ids, attention_mask, token_type_ids, output_attentions, output_hidden_states, True)
        logits = self.classifier(self.dropout(outputs.pooler_output))
        loss = None
        if labels is not None:
            if self.num_labels == 1:
                loss = F.mse_loss(logits.squeeze(-1), labels.to(logits.dtype))
            else:
                loss = F.cross_entropy(logits, labels)
        output = SequenceClassifierOutput(loss, logits, outputs.hidden_states, outputs.attentions)
        return output if (self.config.return_dict if return_dict is None else return_dict) else output.to_tuple()
