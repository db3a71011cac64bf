"""A character-level tokenizer with a built-in vocabulary: no vocab files, no downloads.

Importing this module does not import torch; ``return_tensors="pt"`` imports it on demand.
"""
from __future__ import annotations

import string
from typing import Any, Sequence, Union

SPECIAL_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
DEFAULT_CHARACTERS = string.ascii_lowercase + string.digits + " .,;:!?'\"-()/\n"
PaddingStrategy = Union[bool, str]


class CharTokenizer:
    """Maps each character to an id; ids 0-4 are ``[PAD] [UNK] [CLS] [SEP] [MASK]``."""

    model_input_names = ("input_ids", "attention_mask")
    pad_token, unk_token, cls_token, sep_token, mask_token = SPECIAL_TOKENS

    def __init__(
        self,
        characters: str = DEFAULT_CHARACTERS,
        do_lower_case: bool = True,
        model_max_length: int = 64,
        padding_side: str = "right",
    ) -> None:
        if padding_side not in ("left", "right"):
            raise ValueError(f"padding_side must be 'left' or 'right', got {padding_side!r}")
        tokens = list(SPECIAL_TOKENS) + [c for c in dict.fromkeys(characters) if c not in SPECIAL_TOKENS]
        self.vocab: dict[str, int] = {token: index for index, token in enumerate(tokens)}
        self.ids_to_tokens: dict[int, str] = dict(enumerate(tokens))
        self.do_lower_case = do_lower_case
        self.model_max_length = model_max_length
        self.padding_side = padding_side

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def __len__(self) -> int:
        return self.vocab_size

    @property
    def pad_token_id(self) -> int:
        return self.vocab[self.pad_token]

    @property
    def unk_token_id(self) -> int:
        return self.vocab[self.unk_token]

    @property
    def cls_token_id(self) -> int:
        return self.vocab[self.cls_token]

    @property
    def sep_token_id(self) -> int:
        return self.vocab[self.sep_token]

    @property
    def all_special_ids(self) -> list[int]:
        return [self.vocab[token] for token in SPECIAL_TOKENS]

    def tokenize(self, text: str) -> list[str]:
        return list(text.lower() if self.do_lower_case else text)

    def convert_tokens_to_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.vocab.get(token, self.unk_token_id) for token in tokens]

    def convert_ids_to_tokens(self, ids: Sequence[int]) -> list[str]:
        return [self.ids_to_tokens.get(int(index), self.unk_token) for index in ids]

    def encode(
        self, text: str, add_special_tokens: bool = True, truncation: bool = False, max_length: int | None = None
    ) -> list[int]:
        """``[CLS] chars... [SEP]``; truncation drops characters, never the special tokens."""
        ids = self.convert_tokens_to_ids(self.tokenize(text))
        if truncation:
            budget = (max_length or self.model_max_length) - (2 if add_special_tokens else 0)
            ids = ids[: max(budget, 0)]
        return [self.cls_token_id, *ids, self.sep_token_id] if add_special_tokens else ids

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        special = set(self.all_special_ids) if skip_special_tokens else set()
        return "".join(self.convert_ids_to_tokens([i for i in ids if int(i) not in special]))

    def batch_decode(self, sequences: Sequence[Sequence[int]], skip_special_tokens: bool = False) -> list[str]:
        return [self.decode(ids, skip_special_tokens=skip_special_tokens) for ids in sequences]

    def pad(self, batch: list[list[int]], padding: PaddingStrategy, max_length: int | None = None) -> dict[str, Any]:
        """Pad to the longest sequence (``True``/"longest") or to ``max_length`` ("max_length")."""
        if padding is True:
            padding = "longest"
        if padding not in (False, "do_not_pad", "longest", "max_length"):
            raise ValueError(f"Unknown padding strategy {padding!r}")
        masks = [[1] * len(ids) for ids in batch]
        if padding in ("longest", "max_length"):
            target = max(map(len, batch)) if padding == "longest" else (max_length or self.model_max_length)
            for ids, mask in zip(batch, masks):
                extra = max(target - len(ids), 0)
                if self.padding_side == "right":
                    ids.extend([self.pad_token_id] * extra)
                    mask.extend([0] * extra)
                else:
                    ids[:0], mask[:0] = [self.pad_token_id] * extra, [0] * extra
        return {"input_ids": batch, "attention_mask": masks}

    def __call__(
        self,
        text: str | Sequence[str],
        padding: PaddingStrategy = False,
        truncation: bool = False,
        max_length: int | None = None,
        add_special_tokens: bool = True,
        return_tensors: str | None = None,
    ) -> dict[str, Any]:
        """Tokenize one text or a batch; returns ``input_ids`` and ``attention_mask``."""
        single = isinstance(text, str)
        texts = [text] if single else list(text)
        batch = [self.encode(t, add_special_tokens, truncation, max_length) for t in texts]
        encoded = self.pad(batch, padding, max_length)
        if return_tensors == "pt":
            import torch

            if len({len(ids) for ids in encoded["input_ids"]}) > 1:
                raise ValueError("Sequences have different lengths: use padding=True with return_tensors='pt'")
            return {key: torch.tensor(value, dtype=torch.long) for key, value in encoded.items()}
        if return_tensors is not None:
            raise ValueError(f"Only return_tensors='pt' is supported, got {return_tensors!r}")
        return {key: value[0] for key, value in encoded.items()} if single else encoded
