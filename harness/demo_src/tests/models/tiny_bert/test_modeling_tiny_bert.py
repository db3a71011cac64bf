from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from tests.test_modeling_common import ModelTesterMixin, ids_tensor
from tinyhf.models.tiny_bert import TinyBertConfig, TinyBertForSequenceClassification, TinyBertModel
from tinyhf.utils.generic import set_seed


class TinyBertModelTester:
    def __init__(self, batch_size: int = 2, seq_length: int = 7, num_labels: int = 3) -> None:
        self.batch_size, self.seq_length, self.num_labels = batch_size, seq_length, num_labels
        self.vocab_size, self.hidden_size, self.num_hidden_layers = 99, 32, 2

    def get_config(self, **overrides: Any) -> TinyBertConfig:
        params = dict(
            vocab_size=self.vocab_size,
            hidden_size=self.hidden_size,
            num_hidden_layers=self.num_hidden_layers,
            num_attention_heads=4,
            intermediate_size=37,
            num_labels=self.num_labels,
        )
        return TinyBertConfig(**{**params, **overrides})

    def prepare_config_and_inputs_for_common(self) -> tuple[TinyBertConfig, dict[str, torch.Tensor]]:
        input_ids = ids_tensor([self.batch_size, self.seq_length], self.vocab_size)
        attention_mask = torch.ones_like(input_ids)
        attention_mask[0, -2:] = 0  # the first row ends with two padding positions
        token_type_ids = ids_tensor([self.batch_size, self.seq_length], 2, seed=1)
        inputs = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
        return self.get_config(), inputs

    def prepare_labels(self, model_class: type) -> dict[str, torch.Tensor]:
        if model_class is TinyBertForSequenceClassification:
            return {"labels": ids_tensor([self.batch_size], self.num_labels, seed=2)}
        return {}


class TestTinyBertModel(ModelTesterMixin):
    all_model_classes = (TinyBertModel, TinyBertForSequenceClassification)
    model_tester_class = TinyBertModelTester
    config_tester_kwargs = {"hidden_size": 32, "num_attention_heads": 4, "vocab_size": 99}

    def test_model_output_shapes(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        outputs = TinyBertModel(config).eval()(**inputs)
        assert outputs.last_hidden_state.shape == (2, 7, 32)
        assert outputs.pooler_output.shape == (2, 32)
        assert TinyBertModel(config, add_pooling_layer=False)(**inputs).pooler_output is None

    def test_sequence_classification_loss(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        labels = self.model_tester.prepare_labels(TinyBertForSequenceClassification)["labels"]
        outputs = TinyBertForSequenceClassification(config).eval()(**inputs, labels=labels)
        assert outputs.logits.shape == (2, 3)
        expected = torch.nn.functional.cross_entropy(outputs.logits, labels)
        torch.testing.assert_close(outputs.loss, expected)

    def test_regression_head_uses_mse(self) -> None:
        _, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        model = TinyBertForSequenceClassification(self.model_tester.get_config(num_labels=1)).eval()
        labels = torch.tensor([0.5, -1.0])
        outputs = model(**inputs, labels=labels)
        torch.testing.assert_close(outputs.loss, ((outputs.logits.squeeze(-1) - labels) ** 2).mean())

    def test_token_type_ids_change_output(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        model = TinyBertModel(config).eval()
        zeros = dict(inputs, token_type_ids=torch.zeros_like(inputs["input_ids"]))
        assert not torch.allclose(model(**inputs).last_hidden_state, model(**zeros).last_hidden_state)

    def test_appended_padding_does_not_change_outputs(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        model = TinyBertModel(config).eval()
        ids = inputs["input_ids"]
        padded = torch.cat([ids, torch.zeros(2, 3, dtype=torch.long)], dim=1)
        mask = torch.cat([torch.ones_like(ids), torch.zeros(2, 3, dtype=torch.long)], dim=1)
        out = model(ids).last_hidden_state
        out_padded = model(padded, attention_mask=mask).last_hidden_state[:, :7]
        torch.testing.assert_close(out_padded, out, atol=1e-5, rtol=1e-4)

    def test_invalid_head_count_raises(self) -> None:
        with pytest.raises(ValueError, match="not a multiple"):
            self.model_tester.get_config(num_attention_heads=5)

    def test_too_long_input_raises(self) -> None:
        model = TinyBertModel(self.model_tester.get_config(max_position_embeddings=8))
        with pytest.raises(ValueError, match="max_position_embeddings"):
            model(ids_tensor([1, 9], 99))

    def test_base_checkpoint_loads_into_classifier(self, tmp_path: Path) -> None:
        config, _ = self.model_tester.prepare_config_and_inputs_for_common()
        base = TinyBertModel(config)
        base.save_pretrained(tmp_path)
        classifier = TinyBertForSequenceClassification.from_pretrained(tmp_path)
        assert sorted(classifier.loading_info["missing_keys"]) == ["classifier.bias", "classifier.weight"]
        assert classifier.get_input_embeddings() is classifier.bert.embeddings.word_embeddings
        assert torch.equal(classifier.get_input_embeddings().weight, base.get_input_embeddings().weight)

    def test_tokenizer_integration(self) -> None:
        from tinyhf.tokenization_utils import CharTokenizer

        tokenizer = CharTokenizer()
        batch = tokenizer(["hello", "a longer text"], padding=True, return_tensors="pt")
        model = TinyBertForSequenceClassification(self.model_tester.get_config()).eval()
        assert model(**batch).logits.shape == (2, 3)

    @pytest.mark.slow
    def test_learns_a_toy_task(self) -> None:
        """Classify whether token 5 occurs in the sequence (a few hundred steps)."""
        set_seed(0)
        config = self.model_tester.get_config(num_labels=2, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        model = TinyBertForSequenceClassification(config)
        inputs = ids_tensor([64, 8], 10, seed=3)
        labels = (inputs == 5).any(dim=1).long()
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
        for _ in range(300):
            optimizer.zero_grad()
            model(inputs, labels=labels).loss.backward()
            optimizer.step()
        accuracy = (model.eval()(inputs).logits.argmax(-1) == labels).float().mean().item()
        assert accuracy > 0.95
