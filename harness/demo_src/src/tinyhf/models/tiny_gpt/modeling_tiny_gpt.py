"""TinyGpt: pre-LayerNorm causal decoder blocks, tied LM head, greedy ``generate``."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from tinyhf.activations import ACT2FN
from tinyhf.generation_utils import GenerationMixin
from tinyhf.modeling_outputs import BaseModelOutput, CausalLMOutput
from tinyhf.modeling_utils import PreTrainedModel
from tinyhf.models.tiny_gpt.configuration_tiny_gpt import TinyGptConfig


class TinyGptAttention(nn.Module):
    def __init__(self, config: TinyGptConfig) -> None:
        super().__init__()
        self.num_heads = config.num_attention_heads
        self.head_dim = config.hidden_size // config.num_attention_heads
        self.c_attn = nn.Linear(config.hidden_size, 3 * config.hidden_size)
        self.c_proj = nn.Linear(config.hidden_size, config.hidden_size)
        self.attn_dropout = nn.Dropout(config.attention_probs_dropout_prob)
        n = config.max_position_embeddings
        self.register_buffer("causal", torch.ones(n, n, dtype=torch.bool).tril().view(1, 1, n, n), persistent=False)

    def forward(self, hidden: torch.Tensor, key_mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        batch, seq, width = hidden.shape
        query, key, value = (
            x.view(batch, seq, self.num_heads, self.head_dim).transpose(1, 2) for x in self.c_attn(hidden).split(width, 2)
        )
        scores = query @ key.transpose(-1, -2) / math.sqrt(self.head_dim)
        allowed = self.causal[:, :, :seq, :seq]
        if key_mask is not None:  # (batch, seq) with 1 = attend, 0 = padding
            allowed = allowed & key_mask[:, None, None, :].bool()
        probs = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min).softmax(dim=-1)
        context = (self.attn_dropout(probs) @ value).transpose(1, 2).reshape(batch, seq, width)
        return self.c_proj(context), probs


class TinyGptBlock(nn.Module):
    def __init__(self, config: TinyGptConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.attn = TinyGptAttention(config)
        self.ln_2 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.mlp = nn.Sequential(
            nn.Linear(config.hidden_size, config.intermediate_size),
            ACT2FN[config.hidden_act],
            nn.Linear(config.intermediate_size, config.hidden_size),
        )
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden: torch.Tensor, key_mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        attended, probs = self.attn(self.ln_1(hidden), key_mask)
        hidden = hidden + self.dropout(attended)
        return hidden + self.dropout(self.mlp(self.ln_2(hidden))), probs


class TinyGptPreTrainedModel(PreTrainedModel):
    config_class = TinyGptConfig
    base_model_prefix = "transformer"


class TinyGptModel(TinyGptPreTrainedModel):
    """The bare decoder. Known limitation: position ids ignore left padding (always 0..seq-1)."""

    def __init__(self, config: TinyGptConfig) -> None:
        super().__init__(config)
        self.wte = nn.Embedding(config.vocab_size, config.hidden_size)
        self.wpe = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.drop = nn.Dropout(config.hidden_dropout_prob)
        self.h = nn.ModuleList(TinyGptBlock(config) for _ in range(config.num_hidden_layers))
        self.ln_f = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.post_init()

    def get_input_embeddings(self) -> nn.Embedding:
        return self.wte

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
    ) -> BaseModelOutput | tuple[torch.Tensor, ...]:
        cfg = self.config
        output_attentions = cfg.output_attentions if output_attentions is None else output_attentions
        output_hidden_states = cfg.output_hidden_states if output_hidden_states is None else output_hidden_states
        seq_length = input_ids.shape[1]
        if seq_length > cfg.max_position_embeddings:
            raise ValueError(f"Sequence length {seq_length} exceeds max_position_embeddings")
        positions = torch.arange(seq_length, device=input_ids.device).unsqueeze(0)
        hidden = self.drop(self.wte(input_ids) + self.wpe(positions))
        all_hidden = (hidden,) if output_hidden_states else None
        all_attentions: tuple[torch.Tensor, ...] | None = () if output_attentions else None
        for block in self.h:
            hidden, probs = block(hidden, attention_mask)
            all_hidden = all_hidden + (hidden,) if all_hidden is not None else None
            all_attentions = all_attentions + (probs,) if all_attentions is not None else None
        hidden = self.ln_f(hidden)
        if all_hidden is not None:
            all_hidden = all_hidden[:-1] + (hidden,)
        output = BaseModelOutput(hidden, all_hidden, all_attentions)
        return output if (cfg.return_dict if return_dict is None else return_dict) else output.to_tuple()


class TinyGptLMHeadModel(TinyGptPreTrainedModel, GenerationMixin):
    """Decoder + LM head (tied to ``wte`` by default). ``labels`` are shifted inside."""

    def __init__(self, config: TinyGptConfig) -> None:
        super().__init__(config)
        self.transformer = TinyGptModel(config)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False)
        self.post_init()

    def get_output_embeddings(self) -> nn.Linear:
        return self.lm_head

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
    ) -> CausalLMOutput | tuple[torch.Tensor, ...]:
        outputs = self.transformer(input_ids, attention_mask, output_attentions, output_hidden_states, True)
        logits = self.lm_head(outputs.last_hidden_state)
        loss = None
        if labels is not None:  # predict token t+1 from tokens <= t; -100 is ignored
            shifted = logits[:, :-1].reshape(-1, logits.shape[-1])
            loss = F.cross_entropy(shifted, labels[:, 1:].reshape(-1), ignore_index=-100)
        output = CausalLMOutput(loss, logits, outputs.hidden_states, outputs.attentions)
        return output if (self.config.return_dict if return_dict is None else return_dict) else output.to_tuple()
