from __future__ import annotations

import math

import pytest
import torch

from tinyhf.activations import ACT2FN, NewGELUActivation, get_activation

ALL_NAMES = sorted(ACT2FN.keys())


@pytest.fixture
def x() -> torch.Tensor:
    return torch.linspace(-4.0, 4.0, steps=41)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_activation_preserves_shape_and_dtype(name: str) -> None:
    inputs = torch.randn(2, 3, 5, generator=torch.Generator().manual_seed(0))
    out = get_activation(name)(inputs)
    assert out.shape == inputs.shape and out.dtype == inputs.dtype
    assert torch.isfinite(out).all()


def test_gelu_new_is_close_to_exact_gelu(x: torch.Tensor) -> None:
    torch.testing.assert_close(ACT2FN["gelu_new"](x), ACT2FN["gelu"](x), atol=1e-3, rtol=0)


def test_gelu_new_matches_torch_tanh_approximation(x: torch.Tensor) -> None:
    torch.testing.assert_close(NewGELUActivation()(x), ACT2FN["gelu_pytorch_tanh"](x), atol=1e-6, rtol=1e-6)


def test_gelu_new_known_value() -> None:
    value = NewGELUActivation()(torch.tensor([1.0])).item()
    expected = 0.5 * (1 + math.tanh(math.sqrt(2 / math.pi) * (1 + 0.044715)))
    assert value == pytest.approx(expected, abs=1e-6)


def test_relu_and_silu_values(x: torch.Tensor) -> None:
    torch.testing.assert_close(ACT2FN["relu"](x), x.clamp(min=0))
    torch.testing.assert_close(ACT2FN["silu"](x), x * torch.sigmoid(x))
    torch.testing.assert_close(ACT2FN["swish"](x), ACT2FN["silu"](x))


def test_linear_is_identity(x: torch.Tensor) -> None:
    assert torch.equal(ACT2FN["linear"](x), x)


def test_lookups_return_fresh_instances() -> None:
    assert ACT2FN["gelu"] is not ACT2FN["gelu"]


def test_unknown_activation_raises() -> None:
    with pytest.raises(KeyError, match="not found in ACT2FN"):
        get_activation("not_an_activation")
