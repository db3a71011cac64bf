"""TinyBert: a BERT-style bidirectional encoder."""
from __future__ import annotations

from tinyhf.models.tiny_bert.configuration_tiny_bert import TinyBertConfig
from tinyhf.models.tiny_bert.modeling_tiny_bert import (
    TinyBertForSequenceClassification,
    TinyBertModel,
    TinyBertPreTrainedModel,
)

__all__ = ["TinyBertConfig", "TinyBertForSequenceClassification", "TinyBertModel", "TinyBertPreTrainedModel"]
