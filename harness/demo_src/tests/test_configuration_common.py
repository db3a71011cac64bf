"""``ConfigTester`` (used by every model test) and tests of the base ``PretrainedConfig``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tinyhf.configuration_utils import CONFIG_NAME, PretrainedConfig


class ConfigTester:
    """Generic checks for a config class, mirroring ``transformers``' ConfigTester."""

    def __init__(self, config_class: type[PretrainedConfig], **inputs_dict: Any) -> None:
        self.config_class = config_class
        self.inputs_dict = inputs_dict

    def create_and_test_config_common_properties(self) -> None:
        config = self.config_class(**self.inputs_dict)
        for name in ("hidden_size", "num_hidden_layers", "return_dict", "output_hidden_states"):
            assert hasattr(config, name), f"{self.config_class.__name__} has no {name}"

    def create_and_test_config_to_json_string(self) -> None:
        as_dict = json.loads(self.config_class(**self.inputs_dict).to_json_string())
        assert as_dict["model_type"] == self.config_class.model_type
        for key, value in self.inputs_dict.items():
            assert as_dict[key] == value

    def create_and_test_config_to_json_file(self, tmp_path: Path) -> None:
        config = self.config_class(**self.inputs_dict)
        config.to_json_file(tmp_path / "config.json")
        assert self.config_class.from_json_file(tmp_path / "config.json") == config

    def create_and_test_config_from_and_save_pretrained(self, tmp_path: Path) -> None:
        config = self.config_class(**self.inputs_dict)
        config.save_pretrained(tmp_path / "saved")
        assert (tmp_path / "saved" / CONFIG_NAME).is_file()
        assert self.config_class.from_pretrained(tmp_path / "saved") == config

    def check_config_can_be_init_without_params(self) -> None:
        assert isinstance(self.config_class(), self.config_class)

    def check_kwargs_override_saved_values(self) -> None:
        config = self.config_class(**self.inputs_dict)
        overridden = self.config_class.from_dict(config.to_dict(), return_dict=False)
        assert overridden.return_dict is False and overridden != config

    def run_common_tests(self, tmp_path: Path) -> None:
        self.create_and_test_config_common_properties()
        self.create_and_test_config_to_json_string()
        self.create_and_test_config_to_json_file(tmp_path)
        self.create_and_test_config_from_and_save_pretrained(tmp_path)
        self.check_config_can_be_init_without_params()
        self.check_kwargs_override_saved_values()


class _ToyConfig(PretrainedConfig):
    model_type = "toy"

    def __init__(self, hidden_size: int = 8, num_hidden_layers: int = 1, **kwargs: Any) -> None:
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        super().__init__(**kwargs)


def test_config_tester_on_toy_config(tmp_path: Path) -> None:
    ConfigTester(_ToyConfig, hidden_size=4).run_common_tests(tmp_path)


def test_unknown_kwargs_become_attributes() -> None:
    config = PretrainedConfig(foo=3, return_dict=False)
    assert config.foo == 3 and config.return_dict is False
    assert config.to_dict()["foo"] == 3


def test_from_pretrained_missing_path_raises_without_network(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="never downloads"):
        PretrainedConfig.from_pretrained(tmp_path / "does-not-exist")
    with pytest.raises(OSError, match="never downloads"):
        PretrainedConfig.from_pretrained("some-org/some-model")


def test_from_pretrained_rejects_other_model_type(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text(json.dumps({"model_type": "other"}), encoding="utf-8")
    with pytest.raises(ValueError, match="Loading a 'other' config"):
        _ToyConfig.from_pretrained(tmp_path)


def test_from_pretrained_accepts_a_json_file(tmp_path: Path) -> None:
    path = _ToyConfig(hidden_size=6).save_pretrained(tmp_path)
    assert _ToyConfig.from_pretrained(path).hidden_size == 6


def test_save_pretrained_into_a_file_raises(tmp_path: Path) -> None:
    target = tmp_path / "a_file"
    target.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="should be a directory"):
        PretrainedConfig().save_pretrained(target)
