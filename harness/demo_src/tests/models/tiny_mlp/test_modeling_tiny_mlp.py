from __future__ import annotations

from typing import Any

import pytest
import torch

from tests.test_modeling_common import ModelTesterMixin, floats_tensor, ids_tensor
from tinyhf.models.tiny_mlp import TinyMlpConfig, TinyMlpModel


class TinyMlpModelTester:
    def __init__(self, batch_size: int = 4) -> None:
        self.batch_size, self.input_size, self.hidden_size = batch_size, 16, 32
        self.num_hidden_layers, self.num_labels = 2, 3

    def get_config(self, **overrides: Any) -> TinyMlpConfig:
        params = dict(input_size=self.input_size, hidden_size=self.hidden_size, num_labels=self.num_labels)
        return TinyMlpConfig(**{**params, "num_hidden_layers": self.num_hidden_layers, **overrides})

    def prepare_config_and_inputs_for_common(self) -> tuple[TinyMlpConfig, dict[str, torch.Tensor]]:
        return self.get_config(), {"inputs": floats_tensor([self.batch_size, self.input_size])}

    def prepare_labels(self, model_class: type) -> dict[str, torch.Tensor]:
        return {"labels": ids_tensor([self.batch_size], self.num_labels, seed=1)}


class TestTinyMlpModel(ModelTesterMixin):
    all_model_classes = (TinyMlpModel,)
    model_tester_class = TinyMlpModelTester
    config_tester_kwargs = {"hidden_size": 8, "input_size": 4}

    # An MLP has no attention: drop the attention tests of the mixin.
    test_output_attentions = None
    test_attention_mask_effect = None

    def test_logits_shape(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        outputs = TinyMlpModel(config).eval()(**inputs, output_hidden_states=True)
        assert outputs.logits.shape == (4, 3)
        assert [tuple(h.shape) for h in outputs.hidden_states] == [(4, 16), (4, 32), (4, 32)]

    def test_loss_is_cross_entropy(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        labels = self.model_tester.prepare_labels(TinyMlpModel)["labels"]
        outputs = TinyMlpModel(config).eval()(**inputs, labels=labels)
        torch.testing.assert_close(outputs.loss, torch.nn.functional.cross_entropy(outputs.logits, labels))

    def test_wrong_input_size_raises(self) -> None:
        with pytest.raises(ValueError, match="features"):
            TinyMlpModel(self.model_tester.get_config())(floats_tensor([2, 5]))

    def test_invalid_num_layers_raises(self) -> None:
        with pytest.raises(ValueError, match="num_hidden_layers"):
            self.model_tester.get_config(num_hidden_layers=0)

    @pytest.mark.parametrize("act", ["relu", "gelu", "silu"])
    def test_hidden_act_is_configurable(self, act: str) -> None:
        model = TinyMlpModel(self.model_tester.get_config(hidden_act=act))
        assert type(model.act).__name__.lower().startswith(act[:4])

    @pytest.mark.requires_cuda
    def test_forward_on_cuda_matches_cpu(self) -> None:
        config, inputs = self.model_tester.prepare_config_and_inputs_for_common()
        model = TinyMlpModel(config).eval()
        cpu_logits = model(**inputs).logits
        cuda_logits = model.to("cuda")(inputs["inputs"].to("cuda")).logits
        torch.testing.assert_close(cuda_logits.cpu(), cpu_logits, atol=1e-4, rtol=1e-4)
