from __future__ import annotations

import pytest

from tinyhf.tokenization_utils import SPECIAL_TOKENS, CharTokenizer


@pytest.fixture
def tokenizer() -> CharTokenizer:
    return CharTokenizer()


def test_special_tokens_come_first(tokenizer: CharTokenizer) -> None:
    assert [tokenizer.vocab[t] for t in SPECIAL_TOKENS] == [0, 1, 2, 3, 4]
    assert (tokenizer.pad_token_id, tokenizer.unk_token_id) == (0, 1)
    assert (tokenizer.cls_token_id, tokenizer.sep_token_id) == (2, 3)


def test_vocab_is_small_and_consistent(tokenizer: CharTokenizer) -> None:
    assert len(tokenizer) == tokenizer.vocab_size < 99  # fits the tiny models' vocab
    assert all(tokenizer.ids_to_tokens[i] == t for t, i in tokenizer.vocab.items())


def test_encode_adds_cls_and_sep(tokenizer: CharTokenizer) -> None:
    ids = tokenizer.encode("ab")
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id
    assert len(ids) == 4
    assert tokenizer.encode("ab", add_special_tokens=False) == ids[1:-1]


@pytest.mark.parametrize("text", ["hello world", "1, 2, 3!", "", "it's (almost) done?"])
def test_decode_roundtrip(tokenizer: CharTokenizer, text: str) -> None:
    assert tokenizer.decode(tokenizer.encode(text), skip_special_tokens=True) == text


def test_lower_casing(tokenizer: CharTokenizer) -> None:
    assert tokenizer.encode("ABC") == tokenizer.encode("abc")
    cased = CharTokenizer(characters="aA", do_lower_case=False)
    assert cased.encode("A") != cased.encode("a")


def test_unknown_characters_map_to_unk(tokenizer: CharTokenizer) -> None:
    assert tokenizer.encode("é~", add_special_tokens=False) == [tokenizer.unk_token_id] * 2


def test_truncation_keeps_special_tokens(tokenizer: CharTokenizer) -> None:
    ids = tokenizer.encode("abcdefgh", truncation=True, max_length=5)
    assert len(ids) == 5 and ids[-1] == tokenizer.sep_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == "abc"


def test_truncation_defaults_to_model_max_length() -> None:
    tokenizer = CharTokenizer(model_max_length=8)
    assert len(tokenizer.encode("x" * 50, truncation=True)) == 8
    assert len(tokenizer.encode("x" * 50)) == 52


def test_padding_longest(tokenizer: CharTokenizer) -> None:
    batch = tokenizer(["a", "abc"], padding=True)
    assert [len(ids) for ids in batch["input_ids"]] == [5, 5]
    assert batch["attention_mask"] == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]
    assert batch["input_ids"][0][-2:] == [tokenizer.pad_token_id] * 2


def test_padding_max_length(tokenizer: CharTokenizer) -> None:
    batch = tokenizer(["a", "ab"], padding="max_length", max_length=6)
    assert all(len(ids) == 6 for ids in batch["input_ids"])


def test_left_padding() -> None:
    tokenizer = CharTokenizer(padding_side="left")
    batch = tokenizer(["a", "abc"], padding="longest")
    assert batch["attention_mask"][0] == [0, 0, 1, 1, 1]
    assert batch["input_ids"][0][:2] == [tokenizer.pad_token_id] * 2


def test_single_text_is_not_batched(tokenizer: CharTokenizer) -> None:
    encoded = tokenizer("hi")
    assert encoded["input_ids"] == tokenizer.encode("hi")
    assert encoded["attention_mask"] == [1, 1, 1, 1]


def test_batch_decode(tokenizer: CharTokenizer) -> None:
    batch = tokenizer(["one", "three"], padding=True)
    assert tokenizer.batch_decode(batch["input_ids"], skip_special_tokens=True) == ["one", "three"]
    assert tokenizer.batch_decode(batch["input_ids"])[0] == "[CLS]one[SEP][PAD][PAD]"


def test_return_tensors_pt(tokenizer: CharTokenizer) -> None:
    batch = tokenizer(["a", "abc"], padding=True, return_tensors="pt")
    assert tuple(batch["input_ids"].shape) == (2, 5)
    assert batch["attention_mask"].sum().item() == 8


@pytest.mark.parametrize(
    "kwargs", [{"padding": "sideways"}, {"return_tensors": "np"}, {"return_tensors": "pt"}], ids=str
)
def test_invalid_arguments_raise(tokenizer: CharTokenizer, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        tokenizer(["a", "abc"], **kwargs)


def test_invalid_padding_side_raises() -> None:
    with pytest.raises(ValueError, match="padding_side"):
        CharTokenizer(padding_side="middle")
