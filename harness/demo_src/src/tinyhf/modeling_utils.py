"""Base model class: weight init, parameter counting and local save/load."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import torch
from torch import nn

from tinyhf.configuration_utils import PathLike, PretrainedConfig, resolve_local_file

logger = logging.getLogger(__name__)

WEIGHTS_NAME = "pytorch_model.bin"


class PreTrainedModel(nn.Module):
    """Base class for all models (mirrors ``transformers.PreTrainedModel``)."""

    config_class: type[PretrainedConfig] = PretrainedConfig
    base_model_prefix: str = ""
    main_input_name: str = "input_ids"

    def __init__(self, config: PretrainedConfig) -> None:
        super().__init__()
        if not isinstance(config, PretrainedConfig):
            raise TypeError(
                f"Parameter config in `{self.__class__.__name__}(config)` should be an instance "
                f"of PretrainedConfig, got {type(config).__name__}"
            )
        self.config = config
        self.loading_info: dict[str, list[str]] = {"missing_keys": [], "unexpected_keys": []}

    # -- weights -------------------------------------------------------------------------
    def _init_weights(self, module: nn.Module) -> None:
        std = getattr(self.config, "initializer_range", 0.02)
        if isinstance(module, nn.Linear):
            module.weight.data.normal_(mean=0.0, std=std)
            if module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.Embedding):
            module.weight.data.normal_(mean=0.0, std=std)
            if module.padding_idx is not None:
                module.weight.data[module.padding_idx].zero_()
        elif isinstance(module, nn.LayerNorm):
            module.weight.data.fill_(1.0)
            module.bias.data.zero_()

    def init_weights(self) -> None:
        self.apply(self._init_weights)
        self.tie_weights()

    def post_init(self) -> None:
        """Called at the end of each model's ``__init__``."""
        self.init_weights()

    def get_input_embeddings(self) -> nn.Module | None:
        """Token embeddings; models with a head delegate to their base model."""
        base = getattr(self, self.base_model_prefix, None) if self.base_model_prefix else None
        return base.get_input_embeddings() if isinstance(base, PreTrainedModel) else None

    def get_output_embeddings(self) -> nn.Module | None:
        return None

    def tie_weights(self) -> None:
        """Share the output projection with the input embeddings when the config asks for it."""
        output, inputs = self.get_output_embeddings(), self.get_input_embeddings()
        if output is not None and inputs is not None and getattr(self.config, "tie_word_embeddings", False):
            output.weight = inputs.weight

    def num_parameters(self, only_trainable: bool = False, exclude_embeddings: bool = False) -> int:
        """Count parameters (shared ones once)."""
        skipped = set()
        if exclude_embeddings:
            skipped = {f"{name}.weight" for name, m in self.named_modules() if isinstance(m, nn.Embedding)}
        return sum(
            p.numel()
            for name, p in self.named_parameters()
            if name not in skipped and (p.requires_grad or not only_trainable)
        )

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    @property
    def dtype(self) -> torch.dtype:
        return next(self.parameters()).dtype

    # -- serialisation -------------------------------------------------------------------
    def save_pretrained(self, save_directory: PathLike) -> None:
        """Write ``config.json`` and ``pytorch_model.bin`` (a plain state dict)."""
        self.config.save_pretrained(save_directory)
        torch.save(self.state_dict(), Path(save_directory) / WEIGHTS_NAME)

    @classmethod
    def from_pretrained(
        cls, pretrained_model_path: PathLike, *, config: PretrainedConfig | None = None, **kwargs: Any
    ) -> PreTrainedModel:
        """Load a model saved by ``save_pretrained`` from a local directory (never the network).

        A checkpoint of the bare base model loads into a model with a head: keys gain the
        ``base_model_prefix`` and the head stays freshly initialised (see ``loading_info``).
        """
        if config is None:
            config = cls.config_class.from_pretrained(pretrained_model_path, **kwargs)
        weights_file = resolve_local_file(pretrained_model_path, WEIGHTS_NAME)
        state_dict = torch.load(weights_file, map_location="cpu", weights_only=True)
        model = cls(config)
        prefix = cls.base_model_prefix
        if prefix and hasattr(model, prefix) and not any(k.startswith(f"{prefix}.") for k in state_dict):
            state_dict = {f"{prefix}.{key}": value for key, value in state_dict.items()}
        result = model.load_state_dict(state_dict, strict=False)
        model.loading_info = {
            "missing_keys": list(result.missing_keys),
            "unexpected_keys": list(result.unexpected_keys),
        }
        for kind, keys in model.loading_info.items():
            if keys:
                logger.warning("%s: %s when loading %s", cls.__name__, kind, keys)
        model.tie_weights()
        return model.eval()
