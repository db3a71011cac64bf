"""The tests of peft that an issue points at: those of the tuning method it names.

Most methods are tested on toy models in ``tests/test_custom_models.py`` (offline), whose
cases are named by their config class ("Vanilla MLP 1 IA3" with ``IA3Config``): a ``-k``
keeps one method's.  Prompt learning (prefix tuning, prompt tuning, p-tuning) is tested on
tiny decoder checkpoints from the Hub in ``tests/test_decoder_models.py``; a few methods
have a test file of their own.  All as at the recipe's pinned release (v0.20.0).  The
recipe's ``lora`` subset runs LoRA's custom-model cases, which show nothing of the others
(real posts: 23 of the 212 peft posts labelled here name prompt learning and no LoRA).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from harness.triage.features import Features

Target = tuple[str, str]  # (test path, why), as harness.triage.targets gives them

CUSTOM = "tests/test_custom_models.py"
DECODER = "tests/test_decoder_models.py"


class Method(NamedTuple):
    name: str  # as a why says it
    pattern: re.Pattern[str]  # how a post names it (lower-cased text)
    path: str  # the test file that exercises it
    k: str = ""  # the -k keeping its tests of that file ("": the whole file)
    hub: bool = False  # its tests load tiny checkpoints from the Hub
    # its folder in src/peft/tuners/: the recipe's ``[verify] cases`` gives the -k of its
    # cases in test_custom_models.py
    tuner: str = ""


def _custom(name: str, pattern: str, tuner: str) -> Method:
    """A method tested by test_custom_models.py's toy models, as the lora subset tests LoRA:
    its cases are those the recipe gives a change to its tuner."""
    return Method(name, re.compile(pattern), CUSTOM, tuner=tuner)


# the more specific first: "multitask prompt tuning" before "prompt tuning"; LoRA last, as
# most posts name it in passing ("like LoRA", "AdaLoRA")
METHODS = (
    Method("multitask prompt tuning", re.compile(r"multi[ _-]?task[ _-]?prompt[ _-]?tuning"),
           "tests/test_multitask_prompt_tuning.py", hub=True),
    Method("prefix tuning", re.compile(r"prefix[ _-]?tuning"), DECODER, "PrefixTuningConfig",
           hub=True),
    Method("p-tuning", re.compile(r"\bp[ _-]?tuning\b|\bpromptencoder"), DECODER,
           "PromptEncoderConfig", hub=True),
    Method("prompt tuning", re.compile(r"prompt[ _-]?tuning"), DECODER, "PromptTuningConfig",
           hub=True),
    Method("adaption prompt", re.compile(r"adaption[ _-]?prompt|llama[ _-]adapter"),
           "tests/test_adaption_prompt.py", hub=True),
    Method("CPT", re.compile(r"\bcpt(?:config)?\b"), "tests/test_cpt.py", hub=True),
    Method("X-LoRA", re.compile(r"\bx-?lora(?:config|model)?\b"), "tests/test_xlora.py",
           hub=True),
    Method("Poly", re.compile(r"\bpoly(?:config|model)\b|\bpolytropon\b"),
           "tests/test_poly.py", hub=True),
    Method("mixed adapter types", re.compile(r"peftmixedmodel|mixed[ _-]adapter"),
           "tests/test_mixed.py", hub=True),
    Method("trainable tokens", re.compile(r"trainable[ _-]?tokens"),
           "tests/test_trainable_tokens.py", hub=True),
    # LoRA's initialisations from the base weights: their tests are test_initialization.py's
    # (at the pin 35 of PiSSA's and OLoRA's pass offline, 4 load a tiny model from the Hub);
    # the lora subset's cases do not use them (real posts peft#1860, #2103, #2184)
    Method("PiSSA", re.compile(r"\bpissa\b"), "tests/test_initialization.py", "pissa"),
    Method("OLoRA", re.compile(r"\bolora\b"), "tests/test_initialization.py", "olora"),
    Method("LoRA-GA", re.compile(r"\blora[ _-]ga\b"), "tests/test_lora_ga.py"),
    Method("VeRA", re.compile(r"\bvera(?:config|model)?\b"), "tests/test_vera.py"),
    Method("VB-LoRA", re.compile(r"\bvb[ _-]?lora"), "tests/test_vblora.py"),
    Method("RandLoRA", re.compile(r"\brand[ _-]?lora"), "tests/test_randlora.py"),
    Method("SHiRA", re.compile(r"\bshira\b"), "tests/test_shira.py"),
    _custom("IA3", r"\bia3|\(ia\)\s*\^?\s*3|\bia³", "ia3"),
    _custom("LoHa", r"\bloha", "loha"),
    _custom("LoKr", r"\blokr", "lokr"),
    _custom("BOFT", r"\bboft", "boft"),
    _custom("PSOFT", r"\bpsoft", "psoft"),
    _custom("OFT", r"\boft\b|\boftconfig", "oft"),
    _custom("AdaLoRA", r"\badalora", "adalora"),
    _custom("FourierFT", r"\bfourier[ _-]?ft", "fourierft"),
    _custom("HRA", r"\bhra(?:config|model)?\b", "hra"),
    _custom("C3A", r"\bc3a", "c3a"),
    _custom("WaveFT", r"\bwave[ _-]?ft", "waveft"),
    _custom("DeLoRA", r"\bdelora", "delora"),
    _custom("GraLoRA", r"\bgralora", "gralora"),
    _custom("HiRA", r"\bhira(?:config)?\b", "hira"),
    _custom("RoAd", r"\broad(?:config)?\b", "road"),
    _custom("LayerNorm tuning", r"\bln[ _-]?tuning", "ln_tuning"),
)
_LORA = re.compile(r"lora")
_HUB = frozenset(m.path for m in METHODS if m.hub)


def method(text: str) -> Method | None:
    """The tuning method other than LoRA that an issue is about: the first the title names,
    else the first the post names (in :data:`METHODS`' order), or None."""
    title, _, body = text.partition("\n")
    for part in (title.lower(), body.lower()):
        for m in METHODS:
            if m.pattern.search(part):
                return m
    return None


def find(text: str, f: Features) -> list[Target]:
    if (m := method(text)) is not None:
        return [(m.path, f"about {m.name}")]
    if _LORA.search(text.lower()) or any("/tuners/lora/" in p for p in f.files):
        return [(CUSTOM, "about LoRA")]
    return []


def keyword(text: str, path: str, cases: Mapping[str, str]) -> str:
    """The ``-k`` that keeps the tests at ``path`` of the method the issue is about ("" for
    all of them); ``cases``: the recipe's ``[verify] cases``."""
    m = method(text)
    if m is None or m.path != path:
        return ""
    return cases.get(f"src/peft/tuners/{m.tuner}/", "") if m.tuner else m.k


def needs_hub(path: str) -> bool:
    """Whether peft's tests at ``path`` load tiny checkpoints from the Hub (offline, every
    prefix-tuning case of test_decoder_models.py fails)."""
    return path in _HUB
