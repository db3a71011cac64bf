"""Base configuration class: a bag of hyper-parameters that round-trips through JSON."""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any, Union

CONFIG_NAME = "config.json"
PathLike = Union[str, os.PathLike]


def resolve_local_file(path_or_dir: PathLike, filename: str) -> Path:
    """Return ``path_or_dir/filename`` if it exists locally; tinyhf never downloads anything."""
    path = Path(path_or_dir)
    candidate = path / filename if path.is_dir() else path
    if not candidate.is_file():
        raise OSError(
            f"Can't load '{filename}' from '{path_or_dir}': it is not a local directory "
            f"containing '{filename}'. tinyhf has no Hub access and never downloads files; "
            "pass a directory written by save_pretrained()."
        )
    return candidate


class PretrainedConfig:
    """Base class for model configurations (mirrors ``transformers.PretrainedConfig``)."""

    model_type: str = ""

    def __init__(self, **kwargs: Any) -> None:
        self.return_dict: bool = kwargs.pop("return_dict", True)
        self.output_hidden_states: bool = kwargs.pop("output_hidden_states", False)
        self.output_attentions: bool = kwargs.pop("output_attentions", False)
        self.pad_token_id: int | None = kwargs.pop("pad_token_id", None)
        self.bos_token_id: int | None = kwargs.pop("bos_token_id", None)
        self.eos_token_id: int | None = kwargs.pop("eos_token_id", None)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def to_dict(self) -> dict[str, Any]:
        """Serialise every attribute, plus ``model_type``."""
        output = copy.deepcopy(self.__dict__)
        output["model_type"] = self.model_type
        return output

    def to_json_string(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def to_json_file(self, json_file_path: PathLike) -> None:
        Path(json_file_path).write_text(self.to_json_string(), encoding="utf-8")

    @classmethod
    def from_dict(cls, config_dict: dict[str, Any], **kwargs: Any) -> PretrainedConfig:
        """Build a config from a dict; ``kwargs`` override its values."""
        params = {k: v for k, v in config_dict.items() if k != "model_type"}
        params.update(kwargs)
        return cls(**params)

    @classmethod
    def from_json_file(cls, json_file: PathLike) -> PretrainedConfig:
        with open(json_file, encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))

    def save_pretrained(self, save_directory: PathLike) -> Path:
        """Write ``config.json`` into ``save_directory`` (created if needed)."""
        directory = Path(save_directory)
        if directory.is_file():
            raise ValueError(f"Provided path ({save_directory}) should be a directory, not a file")
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / CONFIG_NAME
        self.to_json_file(path)
        return path

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path: PathLike, **kwargs: Any) -> PretrainedConfig:
        """Load from a local directory (or a ``config.json`` path); never touches the network."""
        path = resolve_local_file(pretrained_model_name_or_path, CONFIG_NAME)
        with open(path, encoding="utf-8") as handle:
            config_dict = json.load(handle)
        saved_type = config_dict.get("model_type")
        if cls.model_type and saved_type and saved_type != cls.model_type:
            raise ValueError(
                f"Loading a '{saved_type}' config into {cls.__name__} (model_type '{cls.model_type}')"
            )
        return cls.from_dict(config_dict, **kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PretrainedConfig) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"{self.__class__.__name__} {self.to_json_string()}"
