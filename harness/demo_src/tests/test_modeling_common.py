"""``ModelTesterMixin``: generic tests run by every model test class (as in transformers).

A test class sets ``all_model_classes``, ``model_tester_class`` and ``config_tester_kwargs``.
The model tester provides ``batch_size``, ``num_hidden_layers``, ``prepare_config_and_inputs_for_common()``
and ``prepare_labels(model_class)`` (``{}`` for classes without a loss).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from tests.test_configuration_common import ConfigTester
from tinyhf.modeling_utils import PreTrainedModel
from tinyhf.utils.generic import set_seed


def ids_tensor(shape: list[int], vocab_size: int, seed: int = 0) -> torch.Tensor:
    """Random token ids from a private generator (independent of test order)."""
    return torch.randint(0, vocab_size, shape, generator=torch.Generator().manual_seed(seed))


def floats_tensor(shape: list[int], seed: int = 0) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def first_tensor(outputs: Any) -> torch.Tensor:
    return outputs.to_tuple()[0] if hasattr(outputs, "to_tuple") else outputs[0]


class ModelTesterMixin:
    all_model_classes: tuple[type[PreTrainedModel], ...] = ()
    model_tester_class: type
    config_tester_kwargs: dict[str, Any] = {}

    def setup_method(self) -> None:
        set_seed(0)
        self.model_tester = self.model_tester_class()
        config_class = self.all_model_classes[0].config_class
        self.config_tester = ConfigTester(config_class, **self.config_tester_kwargs)

    def _model(self, model_class: type[PreTrainedModel], config: Any, train: bool = False) -> PreTrainedModel:
        set_seed(0)
        return model_class(config).train(train)

    def test_config(self, tmp_path: Path) -> None:
        self.config_tester.run_common_tests(tmp_path)

    def test_forward_outputs_are_finite(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            out = first_tensor(self._model(model_class, config)(**inputs))
            assert out.shape[0] == self.model_tester.batch_size
            assert torch.isfinite(out).all()

    def test_return_dict_false_returns_tuple(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            model = self._model(model_class, config)
            as_tuple = model(**inputs, return_dict=False)
            assert isinstance(as_tuple, tuple)
            torch.testing.assert_close(as_tuple[0], model(**inputs).to_tuple()[0])

    def test_hidden_states_output(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            outputs = self._model(model_class, config)(**inputs, output_hidden_states=True)
            assert len(outputs.hidden_states) == self.model_tester.num_hidden_layers + 1
            assert all(h.shape[0] == self.model_tester.batch_size for h in outputs.hidden_states)

    def test_output_attentions(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        batch, seq = inputs["input_ids"].shape
        for model_class in self.all_model_classes:
            attentions = self._model(model_class, config)(**inputs, output_attentions=True).attentions
            assert len(attentions) == self.model_tester.num_hidden_layers
            assert attentions[0].shape == (batch, config.num_attention_heads, seq, seq)
            torch.testing.assert_close(attentions[0].sum(-1), torch.ones(batch, config.num_attention_heads, seq))

    def test_attention_mask_effect(self) -> None:
        """Masking a token changes the output, and its content is then ignored elsewhere."""
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        masked = dict(inputs, attention_mask=torch.ones_like(inputs["input_ids"]))
        masked["attention_mask"][:, 1] = 0
        changed = dict(masked, input_ids=inputs["input_ids"].clone())
        changed["input_ids"][:, 1] = (changed["input_ids"][:, 1] + 1) % config.vocab_size
        keep = [i for i in range(inputs["input_ids"].shape[1]) if i != 1]
        unmasked = dict(masked, attention_mask=torch.ones_like(masked["attention_mask"]))
        for model_class in self.all_model_classes:
            model = self._model(model_class, config)

            def last_hidden(kwargs: dict[str, torch.Tensor]) -> torch.Tensor:
                return model(**kwargs, output_hidden_states=True).hidden_states[-1]

            full, out_masked, out_changed = last_hidden(unmasked), last_hidden(masked), last_hidden(changed)
            assert not torch.allclose(full[:, -1], out_masked[:, -1], atol=1e-5)
            torch.testing.assert_close(out_masked[:, keep], out_changed[:, keep], atol=1e-5, rtol=1e-4)

    def test_save_load_roundtrip(self, tmp_path: Path) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            model = self._model(model_class, config)
            model.save_pretrained(tmp_path / model_class.__name__)
            loaded = model_class.from_pretrained(tmp_path / model_class.__name__)
            assert loaded.config == model.config and not loaded.training
            assert loaded.loading_info == {"missing_keys": [], "unexpected_keys": []}
            torch.testing.assert_close(first_tensor(loaded(**inputs)), first_tensor(model(**inputs)))

    def test_from_pretrained_missing_directory_raises(self, tmp_path: Path) -> None:
        for model_class in self.all_model_classes:
            with pytest.raises(OSError, match="never downloads"):
                model_class.from_pretrained(tmp_path / "missing")

    def test_determinism_with_seed(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            first, second = self._model(model_class, config), self._model(model_class, config)
            for (name, a), (_, b) in zip(first.state_dict().items(), second.state_dict().items()):
                assert torch.equal(a, b), name
            assert torch.equal(first_tensor(first(**inputs)), first_tensor(second(**inputs)))

    def test_dropout_only_in_train_mode(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            model = self._model(model_class, config)
            assert torch.equal(first_tensor(model(**inputs)), first_tensor(model(**inputs)))
            model.train()
            assert not torch.equal(first_tensor(model(**inputs)), first_tensor(model(**inputs)))

    def test_num_parameters(self) -> None:
        config, _ = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            model = self._model(model_class, config)
            total = model.num_parameters()
            assert total == sum(p.numel() for p in model.parameters())
            assert model.num_parameters(exclude_embeddings=True) <= total
            first = next(model.parameters())
            first.requires_grad_(False)
            assert model.num_parameters(only_trainable=True) == total - first.numel()

    def test_init_weights(self) -> None:
        config, _ = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            for name, param in self._model(model_class, config).named_parameters():
                if name.endswith("bias"):
                    assert torch.all(param == 0), name
                elif "norm" in name.lower() or "ln_" in name:
                    assert torch.all(param == 1), name
                else:
                    assert param.std().item() < 5 * config.initializer_range, name

    def test_gradients_flow_to_all_parameters(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            model = self._model(model_class, config, train=True)
            outputs = model(**inputs, **self.model_tester.prepare_labels(model_class))
            sum(t.float().sum() for t in outputs.to_tuple() if isinstance(t, torch.Tensor)).backward()
            for name, param in model.named_parameters():
                assert param.grad is not None and torch.isfinite(param.grad).all(), name

    def test_training_reduces_loss(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            labels = self.model_tester.prepare_labels(model_class)
            if not labels:
                continue
            model = self._model(model_class, config)
            initial = model(**inputs, **labels).loss.item()
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
            model.train()
            for _ in range(10):
                optimizer.zero_grad()
                model(**inputs, **labels).loss.backward()
                optimizer.step()
            assert model.eval()(**inputs, **labels).loss.item() < initial

    def test_batch_independence(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        for model_class in self.all_model_classes:
            model = self._model(model_class, config)
            alone = first_tensor(model(**{k: v[:1] for k, v in inputs.items()}))
            torch.testing.assert_close(first_tensor(model(**inputs))[:1], alone, atol=1e-5, rtol=1e-4)

    def test_config_type_is_checked(self) -> None:
        for model_class in self.all_model_classes:
            with pytest.raises(TypeError, match="PretrainedConfig"):
                model_class({"hidden_size": 4})
