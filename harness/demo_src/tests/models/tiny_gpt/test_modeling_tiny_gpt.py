from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from tests.test_modeling_common import ModelTesterMixin, ids_tensor
from tinyhf.models.tiny_gpt import TinyGptConfig, TinyGptLMHeadModel, TinyGptModel


class TinyGptModelTester:
    def __init__(self, batch_size: int = 2, seq_length: int = 7) -> None:
        self.batch_size, self.seq_length = batch_size, seq_length
        self.vocab_size, self.hidden_size, self.num_hidden_layers = 99, 32, 2

    def get_config(self, **overrides: Any) -> TinyGptConfig:
        params = dict(
            vocab_size=self.vocab_size,
            hidden_size=self.hidden_size,
            num_hidden_layers=self.num_hidden_layers,
            num_attention_heads=4,
            max_position_embeddings=32,
        )
        return TinyGptConfig(**{**params, **overrides})

    def prepare_config_and_inputs_for_common(self) -> tuple[TinyGptConfig, dict[str, torch.Tensor]]:
        input_ids = ids_tensor([self.batch_size, self.seq_length], self.vocab_size)
        return self.get_config(), {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids)}

    def prepare_labels(self, model_class: type) -> dict[str, torch.Tensor]:
        if model_class is TinyGptLMHeadModel:
            return {"labels": ids_tensor([self.batch_size, self.seq_length], self.vocab_size)}
        return {}


class TestTinyGptModel(ModelTesterMixin):
    all_model_classes = (TinyGptModel, TinyGptLMHeadModel)
    model_tester_class = TinyGptModelTester
    config_tester_kwargs = {"hidden_size": 32, "num_attention_heads": 4, "vocab_size": 99}

    def lm(self, **overrides: Any) -> TinyGptLMHeadModel:
        torch.manual_seed(0)
        return TinyGptLMHeadModel(self.model_tester.get_config(**overrides)).eval()

    def test_lm_logits_shape(self) -> None:
        _, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        assert self.lm()(**inputs).logits.shape == (2, 7, 99)

    def test_causality(self) -> None:
        """Changing the last token leaves the logits of earlier positions unchanged."""
        model = self.lm()
        ids = ids_tensor([2, 7], 99)
        changed = ids.clone()
        changed[:, -1] = (changed[:, -1] + 1) % 99
        before, after = model(ids).logits, model(changed).logits
        torch.testing.assert_close(before[:, :-1], after[:, :-1])
        assert not torch.allclose(before[:, -1], after[:, -1])

    def test_loss_uses_shifted_labels(self) -> None:
        model, ids = self.lm(), ids_tensor([2, 7], 99)
        outputs = model(ids, labels=ids)
        expected = torch.nn.functional.cross_entropy(outputs.logits[:, :-1].reshape(-1, 99), ids[:, 1:].reshape(-1))
        torch.testing.assert_close(outputs.loss, expected)

    def test_ignore_index_in_labels(self) -> None:
        model, ids = self.lm(), ids_tensor([2, 7], 99)
        labels = ids.clone()
        labels[:, 1:4] = -100
        logits = model(ids).logits[:, 3:-1]
        expected = torch.nn.functional.cross_entropy(logits.reshape(-1, 99), ids[:, 4:].reshape(-1))
        torch.testing.assert_close(model(ids, labels=labels).loss, expected)

    def test_weights_are_tied_and_stay_tied(self, tmp_path: Path) -> None:
        model = self.lm()
        assert model.lm_head.weight is model.transformer.wte.weight
        model.save_pretrained(tmp_path)
        loaded = TinyGptLMHeadModel.from_pretrained(tmp_path)
        assert loaded.lm_head.weight is loaded.transformer.wte.weight
        assert self.lm(tie_word_embeddings=False).lm_head.weight is not model.transformer.wte.weight

    def test_generate_appends_tokens(self) -> None:
        prompt = ids_tensor([2, 4], 99)
        generated = self.lm().generate(prompt, max_new_tokens=5)
        assert generated.shape == (2, 9) and torch.equal(generated[:, :4], prompt)

    def test_generate_is_greedy(self) -> None:
        model, prompt = self.lm(), ids_tensor([1, 4], 99)
        generated = model.generate(prompt, max_new_tokens=3)
        for step in range(3):
            context = generated[:, : 4 + step]
            assert generated[0, 4 + step] == model(context).logits[0, -1].argmax()

    def test_generate_stops_at_eos(self) -> None:
        model, prompt = self.lm(), ids_tensor([1, 4], 99)
        first = model.generate(prompt, max_new_tokens=1)[0, -1].item()
        generated = model.generate(prompt, max_new_tokens=10, eos_token_id=first)
        assert generated.shape == (1, 5)

    def test_generate_rejects_too_long_requests(self) -> None:
        with pytest.raises(ValueError, match="max_position_embeddings"):
            self.lm().generate(ids_tensor([1, 30], 99), max_new_tokens=5)

    def test_generate_restores_train_mode(self) -> None:
        model = self.lm().train()
        model.generate(ids_tensor([1, 3], 99), max_new_tokens=2)
        assert model.training

    @pytest.mark.xfail(
        strict=True,
        reason="Known limitation: generate() does not derive position ids from attention_mask, "
        "so a left-padded prompt is decoded differently from the same prompt unpadded.",
    )
    def test_left_padded_batch_matches_unpadded(self) -> None:
        model, prompt = self.lm(), ids_tensor([1, 4], 99, seed=5)
        padded = torch.cat([torch.zeros(1, 2, dtype=torch.long), prompt], dim=1)
        mask = torch.tensor([[0, 0, 1, 1, 1, 1]])
        unpadded_logits = model(prompt).logits[:, -1]
        padded_logits = model(padded, attention_mask=mask).logits[:, -1]
        torch.testing.assert_close(padded_logits, unpadded_logits, atol=1e-5, rtol=1e-4)
