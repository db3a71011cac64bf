"""Greedy text generation, mixed into causal LM models (like ``transformers.GenerationMixin``)."""
from __future__ import annotations

from typing import Any

import torch


class GenerationMixin:
    """Adds ``generate`` to a model whose forward returns ``.logits`` of shape (batch, seq, vocab).

    Known limitation: position ids are not derived from ``attention_mask``, so a left-padded
    prompt is not decoded like the same prompt without padding.
    """

    config: Any

    @torch.no_grad()
    def generate(
        self,
        input_ids: torch.Tensor,
        max_new_tokens: int = 10,
        attention_mask: torch.Tensor | None = None,
        eos_token_id: int | None = None,
    ) -> torch.Tensor:
        """Greedy decoding without a KV cache; finished rows are filled with ``eos_token_id``."""
        if input_ids.dim() == 1:
            input_ids = input_ids.unsqueeze(0)
        if max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
        if input_ids.shape[1] + max_new_tokens > self.config.max_position_embeddings:
            raise ValueError("prompt length + max_new_tokens exceeds max_position_embeddings")
        was_training = self.training
        self.eval()
        finished = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        for _ in range(max_new_tokens):
            logits = self(input_ids, attention_mask=attention_mask, return_dict=True).logits[:, -1]
            next_tokens = logits.argmax(dim=-1)
            if eos_token_id is not None:
                next_tokens = next_tokens.masked_fill(finished, eos_token_id)
                finished |= next_tokens == eos_token_id
            input_ids = torch.cat([input_ids, next_tokens[:, None]], dim=1)
            if attention_mask is not None:
                attention_mask = torch.cat([attention_mask, attention_mask.new_ones(attention_mask.shape[0], 1)], 1)
            if eos_token_id is not None and bool(finished.all()):
                break
        self.train(was_training)
        return input_ids
