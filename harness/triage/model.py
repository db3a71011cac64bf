"""The learned weights: two logistic models, kept as data in ``weights.json``.

``easy``: the log-odds that a beginner can finish an issue on a laptop; ``gpu``: the
log-odds that reproducing or fixing it needs a CUDA GPU, flagged from ``threshold`` up.
Each is a bias plus one weight per signal name (:mod:`.signals`); the easy model also
weighs the issue's words (``words``, :mod:`.words`), and, after an update, the words
fitted alone (``alone``) as :class:`Blend` says.  Fitted by
``bench/triage_quality.py ISSUES.jsonl --fit`` (:mod:`.learn`); read once, offline.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.cache import write_atomic
from harness.errors import HarnessError
from harness.triage import words as words_mod

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
DIGITS = 4  # decimals of each weight kept in weights.json


@dataclass(frozen=True)
class Linear:
    bias: float
    weights: Mapping[str, float] = field(default_factory=dict)
    threshold: float = 0.5  # a probability: from here up, the answer is yes

    def contributions(self, signals: Iterable[tuple[str, float, str]]
                      ) -> list[tuple[float, str]]:
        """(weight x value, why) for each signal the model weighs, in the signals' order
        (:func:`biggest_first` orders them for display: ranking 10,000 issues shows few)."""
        w = self.weights
        return [(x * value, why) for name, value, why in signals if (x := w.get(name))]

    def probability(self, contributions: Iterable[tuple[float, str]]) -> float:
        return sigmoid(self.bias + sum([c for c, _ in contributions]))


@dataclass(frozen=True)
class Blend:
    """How the words fitted alone (:attr:`Models.alone`) join the easy model: its log-odds
    are ``scale x (bias + signals + words + alone x words fitted alone) + shift``.  Two
    models that read the same issue differently rank it better together than either does,
    and together they are too sure: ``scale`` and ``shift`` bring their probabilities back
    to how often such issues are easy (:func:`.learn.update`)."""

    alone: float = 0.0
    scale: float = 1.0
    shift: float = 0.0


@dataclass(frozen=True)
class Models:
    easy: Linear
    gpu: Linear
    about: str = ""
    words: Mapping[str, float] = field(default_factory=dict)  # of the easy model (.words)
    trained_on: int = 0  # how many labelled issues they were fitted on
    # the issues an update (learn.update) learned from, "owner/name#number": none twice
    updated_on: frozenset[str] = frozenset()
    alone: Mapping[str, float] = field(default_factory=dict)  # words fitted alone (.learn)
    blend: Blend = Blend()
    # the easy model as it scores, the blend applied: its bias and signals' weights
    scored: Linear = field(init=False, repr=False, compare=False)
    # its words and the words fitted alone, as one, laid out for scoring (built once: an
    # issue's words meet them in C)
    vocabulary: words_mod.Vocabulary = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        b, e = self.blend, self.easy
        scored, merged = e, self.words
        if b != Blend():
            scored = Linear(b.scale * e.bias + b.shift,
                            {k: b.scale * v for k, v in e.weights.items()}, e.threshold)
            merged = {t: b.scale * (self.words.get(t, 0.0) + b.alone * self.alone.get(t, 0.0))
                      for t in sorted(self.words.keys() | self.alone.keys())}
        object.__setattr__(self, "scored", scored)
        object.__setattr__(self, "vocabulary", words_mod.Vocabulary(merged))


def _effect(c: tuple[float, str]) -> float:
    return -abs(c[0])


def biggest_first(parts: Iterable[tuple[float, str]]) -> list[tuple[float, str]]:
    """Contributions ordered by the size of their effect, biggest first (ties: as given)."""
    return sorted(parts, key=_effect)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, x))))


@functools.lru_cache(maxsize=1)
def load(path: Path = WEIGHTS_PATH) -> Models:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Models(_linear(data["easy"]), _linear(data["gpu"]), str(data.get("about", "")),
                      _floats(data.get("words", {})), int(data.get("trained_on", 0)),
                      frozenset(str(k) for k in data.get("updated_on", ())),
                      _floats(data.get("alone", {})),
                      Blend(**{k: float(v) for k, v in data.get("blend", {}).items()}))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise HarnessError(f"cannot read the triage weights {path}: {e}",
                           hint="reinstall harness") from e


def _floats(raw: Mapping[str, Any]) -> dict[str, float]:
    """A table of weights as read (words, words alone, or a model's signals)."""
    return {str(k): float(v) for k, v in raw.items()}


def _linear(raw: Mapping[str, Any]) -> Linear:
    return Linear(float(raw["bias"]), _floats(raw["weights"]), float(raw.get("threshold", 0.5)))


def about(models: Models) -> str:
    """What the weights were fitted on, as ``weights.json`` says it."""
    return models.about or (f"logistic models fitted on {models.trained_on} labelled issues "
                            f"by bench/triage_quality.py --fit")


def save(models: Models, path: Path = WEIGHTS_PATH) -> None:
    def one(m: Linear) -> dict[str, Any]:
        # the threshold rounded down, never up: rounded up, it would pass over the issue
        # the fit put it at (and every issue tied with it), which would go unflagged
        scale = 10 ** DIGITS
        return {"bias": round(m.bias, DIGITS), "threshold": math.floor(m.threshold * scale) / scale,
                "weights": rounded(m.weights)}

    def rounded(weights: Mapping[str, float]) -> dict[str, float]:
        return {k: round(v, DIGITS) for k, v in sorted(weights.items())}

    data = {"about": about(models),
            "trained_on": models.trained_on,
            "easy": one(models.easy), "gpu": one(models.gpu),
            "words": rounded(models.words),
            **({"updated_on": sorted(models.updated_on)} if models.updated_on else {}),
            **({"alone": rounded(models.alone)} if models.alone else {}),
            **({"blend": dataclasses.asdict(models.blend)} if models.blend != Blend() else {})}
    write_atomic(path, json.dumps(data, indent=1) + "\n")
    load.cache_clear()
