"""Models an issue names, their size, and the memory they need.

Sizes come from the name ("Llama-2-7b-hf", "Qwen2.5-0.5B", "opt-350m", "Mixtral-8x7B"),
from a table of well-known checkpoints without a size in their name, or (opt-in) from
the Hub's parameter counts.  Memory assumes inference in 16-bit weights, which is what
reproducing a bug mostly takes; training needs several times more.
"""
from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from typing import NamedTuple

from harness.triage.body import Body, words_of

CPU_GB = 12.0  # what a 16 GB laptop can give a model
BYTES_PER_PARAM = 2.0  # bf16/fp16 weights
OVERHEAD = 1.2  # activations, buffers, the framework

# checkpoints whose names carry no size: fragment of the lower-cased name → parameters (B)
KNOWN: dict[str, float] = {
    "tiny-random": 0.001, "tiny-": 0.005, "distilbert": 0.066, "distilgpt2": 0.082,
    "albert-base": 0.012, "bert-base": 0.11, "bert-large": 0.34, "roberta-base": 0.125,
    "roberta-large": 0.355, "xlm-roberta-base": 0.28, "xlm-roberta-large": 0.56,
    "deberta-v3-base": 0.18, "electra-base": 0.11, "bart-base": 0.14, "bart-large": 0.41,
    "t5-small": 0.06, "t5-base": 0.22, "t5-large": 0.77, "flan-t5-xl": 3.0,
    "flan-t5-xxl": 11.0, "t5-v1_1-xxl": 11.0, "gpt2-medium": 0.355, "gpt2-large": 0.774,
    "gpt2-xl": 1.56, "gpt2": 0.124, "vit-base": 0.086, "vit-large": 0.3,
    "clip-vit-base": 0.15, "clip-vit-large": 0.43, "whisper-tiny": 0.039,
    "whisper-base": 0.074, "whisper-small": 0.244, "whisper-medium": 0.77,
    "whisper-large": 1.55, "wav2vec2-base": 0.095, "wav2vec2-large": 0.317,
    "phi-2": 2.7, "phi-3-mini": 3.8, "phi-3-medium": 14.0,
    # the 176B checkpoint by its id: a bare "Bloom" names a family that starts at 560M
    "bigscience/bloom": 176.0,
    "stable-diffusion-v1": 1.07, "stable-diffusion-2": 1.3, "sd-turbo": 1.3,
    "stable-diffusion-xl": 3.5, "sdxl": 3.5, "stable-diffusion-3.5-large": 8.1,
    "stable-diffusion-3.5-medium": 2.5, "stable-diffusion-3": 7.0,
    "flux.1": 17.0, "flux-1": 17.0, "kandinsky-2": 2.0, "pixart": 5.3,
    # Flux's variants written as one word, as users name them (real post: diffusers#10190,
    # "How to use fluxfill to replace background")
    "fluxfill": 12.0, "fluxkontext": 12.0, "fluxredux": 12.0, "fluxdev": 12.0,
    "fluxschnell": 12.0, "fluxdepth": 12.0, "fluxcanny": 12.0, "fluxkrea": 12.0,
    # video and recent image models: named bare ("Flux 2 dev", "Wan2.1"), all beyond 16 GB
    "flux": 12.0, "hunyuan": 13.0, "wan2": 14.0, "cogvideo": 5.0, "mochi": 10.0,
    "ltx-2": 19.0, "qwen-image": 20.0, "hidream": 17.0,
    "stable-video-diffusion": 2.3, "hunyuanvideo": 13.0, "ltx-video": 2.0,
    "skyreels": 14.0,
    "unet2dmodel": 0.1, "ddpm": 0.1, "llama-2": 7.0, "llama-3": 8.0,
    # families whose smallest checkpoint is beyond a laptop, named bare ("LLama4
    # RuntimeError", "Chameleon image generation low quality": real titles)
    "llama-4": 109.0, "llama4": 109.0, "chameleon": 7.0, "gpt-oss": 20.0,
    "deepseek-v3": 671.0, "deepseek-r1": 671.0, "deepseek-v2": 236.0, "deepseek-v2-lite": 16.0,
}
_KNOWN = sorted(KNOWN, key=len, reverse=True)  # longest fragment wins
# fragments that name a test checkpoint only where a repo's name starts with them
# ("hf-internal-testing/tiny-random-gpt2"); "granite-4.0-tiny-preview" is a 7B model
_AT_START = frozenset({"tiny-"})
# a name of several words written with spaces ("Qwen Image", "Stable Video Diffusion")
_SPACED = {k: k.replace("-", " ") for k in _KNOWN if "-" in k.strip("-") and k not in _AT_START}
# a diffusers class named for its model family ("QwenImageEditPipeline",
# "FluxTransformer2DModel"): the family's name, squashed, starts the class's
_CLASS = re.compile(r"\b([A-Z][A-Za-z0-9]*?)(?:Pipeline|Transformer[23]DModel)\b")
_SQUASHED = tuple((re.sub(r"[-_.]", "", k), k) for k in _KNOWN if k not in _AT_START)
# first word of each fragment → the fragments: a set intersection finds candidates fast
_HEADS: dict[str, tuple[str, ...]] = {}
for _k in _KNOWN:
    _HEADS.setdefault(re.split(r"\W", _k)[0], ())
    _HEADS[re.split(r"\W", _k)[0]] += (_k,)
_HEAD_WORDS = frozenset(_HEADS)
_KEY_HEAD = {k: head for head, keys in _HEADS.items() for k in keys}
_KEY_WORDS = {k: frozenset(words_of(k)) for k in _KNOWN}  # all in the text, or no match
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_.-"
_NAME_TAIL = re.compile(r"[a-z0-9_.\-]*")  # a run of _NAME_CHARS

# an id after a quote (from_pretrained("org/name") too); led by the quote class, so that
# the engine skips ahead to a quote (slashes, common in tracebacks, are not candidates)
_ID = re.compile(r"""["'`]([A-Za-z0-9][\w.-]*+/[\w.-]*[A-Za-z0-9])(?=["'`/\s)])""")
# an id in a link: huggingface.co/org/name, also where a section or a query follows
# ("huggingface.co/Qwen/Qwen2.5-32B-Instruct#processing-long-texts": transformers#33783, whose
# reason named the whole link)
_HUB_LINK = re.compile(
    r"""huggingface\.co/([A-Za-z0-9][\w.-]*+/[\w.-]*[A-Za-z0-9])(?=["'`/\s)#?])""")
# a name that ends so is a file, not a checkpoint: code, settings, text, a tokenizer's
# sentencepiece model ("xlm-roberta-base/sentencepiece.bpe.model", transformers#23930), or
# data ("token_counts.bert-base-multilingual-cased.pickle", transformers#1635)
_NOT_IDS = (".py", ".json", ".txt", ".md", ".model", ".pickle", ".pkl", ".csv", ".tsv",
            ".jsonl", ".yaml", ".yml")
_DRIVE = re.compile(r"[A-Za-z]:[/\\]")  # a Windows path: "C:/models/x-7b", "D:\\x-7b"
# a link into a checkpoint's files that ends at a settings file (".../FLUX.1-dev/blob/main/
# scheduler/scheduler_config.json", real post: diffusers#10675, where a default differs from
# it): the reporter read the file, the model is not run
_FILE_LINK = re.compile(r"/(?:blob|resolve|raw)/[^\s/]+/[^\s\"'`)\]>]*?(?:\.json|\.txt|\.md|\.yaml)"
                        r"(?=[\s\"'`)\]>]|[.,;:]?$|[.,;:]\s)")
# `AutoTokenizer.from_pretrained("org/big-70b")` downloads a tokenizer, not the model
_LOAD = re.compile(r"""\.from_pretrained\(\s*["']([^"']+)["']""")  # literal first: fast
_WORD_CHARS = string.ascii_letters + string.digits + "_"
_LIGHT_ENDS = ("Scheduler", "Config", "Processor", "Extractor")
# a title about such a part of a checkpoint ("Error loading Gemma-2-9b-it tokenizer", "Extra
# space in Llama2 Tokenizer default_chat_template": real posts) names a model whose weights
# the bug does not load: of the 1,504 labelled posts of the dev set and the 189th to 194th
# sets, 36 have a title that names a model too big for a laptop; the 4 of them that name such
# a part are all easy and need no GPU by their readers, the 32 others 3 easy, 20 needing one
LIGHT_TITLE = frozenset({"tokenizer", "tokenizers", "tokenization", "tokenizing", "tokeniser",
                         "tokenisation", "vocab", "vocabulary", "config", "configuration",
                         "processor", "template", "chat_template", "apply_chat_template",
                         "default_chat_template"})
_SIZE_PART = re.compile(r"^(?:(\d+)x)?(\d+(?:\.\d+)?)([bm])(?:\d+)?$", re.I)
# words that state a size: "7b", "70b", "8x7b", "350m" (decimals: "1.5b" has the word "5b")
_SIZE_WORDS = frozenset({f"{n}b" for n in range(1, 1000)} | {f"{n}m" for n in range(10, 1000)}
                        | {f"{e}x{n}b" for e in range(2, 17) for n in range(1, 200)})
_PARTS = re.compile(r"[-_/]")
_NON_WORD = re.compile(r"\W")
_STRIP = "\"'`()[]{},;:<>*"


class ModelRef(NamedTuple):
    name: str
    billions: float | None  # parameters, in billions; None when unknown


@functools.lru_cache(maxsize=8192)
def size_from_name(name: str) -> float | None:
    """Parameters (in billions) a checkpoint's name says it has (the same names come up
    in issue after issue: each is read once)."""
    for part in _PARTS.split(name):
        m = _SIZE_PART.match(part)
        if m:
            experts = int(m.group(1) or 1)
            value = float(m.group(2)) * experts
            return value if m.group(3).lower() == "b" else value / 1000
    low = name.lower()
    heads = _HEAD_WORDS.intersection(_NON_WORD.split(low))
    if not heads:
        return None
    base = low.rsplit("/", 1)[-1]
    return next((KNOWN[k] for k in _KNOWN if k in low and _KEY_HEAD[k] in heads
                 and (k not in _AT_START or base.startswith(k))), None)


@functools.lru_cache(maxsize=4096)
def family_size(cls: str) -> float | None:
    """Parameters (billions) of the model family a pipeline or transformer class is named
    for ("QwenImageEdit" of ``QwenImageEditPipeline``: qwen-image, 20B); None if unknown."""
    low = cls.lower()
    return next((KNOWN[k] for squashed, k in _SQUASHED if low.startswith(squashed)), None)


def loads(body: Body) -> tuple[list[str], frozenset[str]]:
    """What ``from_pretrained`` loads: the names loaded with weights, in order, and the
    names (lower-cased) loaded only into a tokenizer, scheduler, config or processor."""
    if "from_pretrained" not in body.low:
        return [], frozenset()
    heavy: list[str] = []
    lights: list[str] = []
    for m in _LOAD.finditer(body.text):
        (lights if _light(_caller(body.text, m.start())) else heavy).append(m.group(1))
    return heavy, frozenset(n.lower() for n in lights) - {n.lower() for n in heavy}


def named(body: Body, hub: Mapping[str, float] | None = None, *,
          loaded: tuple[list[str], frozenset[str]] | None = None) -> tuple[ModelRef, ...]:
    """The checkpoints an issue names (in its text or System Info), with their size where it
    can be told; ids loaded only for a tokenizer, scheduler or config do not count.
    ``loaded``: :func:`loads` of ``body``, if at hand."""
    names: dict[str, None] = {}  # an id has a "/": "org/name"
    sized: dict[str, float | None] = {}  # the size of a spaced name's or a class's family
    heavy, light = loaded if loaded is not None else loads(body)
    read: list[str] = []  # linked only at a settings file of theirs: read, not run
    names.update((name, None) for name in heavy
                 if "/" in name and name[0].isalnum() and not name.endswith(_NOT_IDS)
                 # a URL's file ("http://my-server/.../x.bin") or a drive's ("C:/models/x-7b"):
                 # a path, as in the branch below
                 and ":" not in name)
    # an id of the Hub's first years has no org: 'from_pretrained("t5-11b")' (a real post,
    # transformers#6517), named by its size (a path is not: "./llama-7b", "C:\\x-7b")
    names.update((name, None) for name in heavy
                 if "/" not in name and name[0].isalnum() and ":" not in name
                 and "\\" not in name and size_from_name(name) is not None)
    # quoted ids elsewhere are looked for in the code (above traceback frames:
    # 'File "/usr/lib/..."' is a path), links to the Hub anywhere
    code = _code_above_frames(body)
    for text, regex in ((code, _ID), (body.text, _HUB_LINK), (body.system, _HUB_LINK)):
        if "/" not in text or (regex is _HUB_LINK and "huggingface.co/" not in text):
            continue
        frames = 'File "' in text
        for m in regex.finditer(text):
            name = m.group(1)
            if name.endswith(_NOT_IDS) or (light and name.lower() in light) \
                    or (frames and _in_frame(text, m.start())):
                continue
            if regex is _HUB_LINK and _FILE_LINK.match(text, m.end()):
                read.append(name)
                continue
            names[name] = None
    quoted = " ".join([*names, *light, *read]).lower()
    # well-known names written bare ("bert-base-uncased"), in a fixed order: which of two
    # models of one size a reason names must not change from run to run
    for head in sorted(body.words & _HEAD_WORDS):
        for key in _HEADS[head]:
            if not _KEY_WORDS[key] <= body.words:
                continue
            if key in body.low:
                for n in _names_around(body.low, key):
                    # (not a file of it: "bert-base-chinese-vocab.txt", "roberta-large-mnli-
                    # vocab.json", a tokenizer's vocabulary: transformers#901, #2574)
                    if n not in quoted and not n.endswith(_NOT_IDS):
                        names[n] = None
            elif (spaced := _SPACED.get(key)) and _as_words(body.low, spaced):
                names[spaced] = None
                sized[spaced] = size_from_name(key)
    # the classes of a model family ("FluxFillPipeline"): how diffusers' users name models
    if "Pipeline" in body.text or "DModel" in body.text:
        for m in _CLASS.finditer(body.text):
            if m.group(1) and (size := family_size(m.group(1))) is not None:
                names[m.group(0)] = None
                sized[m.group(0)] = size
    found = [ModelRef(n, sized[n] if n in sized else
                      (size_from_name(n) or hub.get(n)) if hub else size_from_name(n))
             for n in names]
    # unquoted: "--model org/Name-7B", "a 70B model"
    if (not found or all(m.billions is None for m in found)) \
            and (sizes := body.words & _SIZE_WORDS):
        for token in body.text.split():
            low = token.lower()
            if any(s in low for s in sizes) and not any(n in low for n in light):
                name = token.strip(_STRIP).rstrip(".")
                if "=" in name:  # an argument's value: 'model="t5-11b",' (transformers#3546)
                    name = name.rsplit("=", 1)[1].strip(_STRIP)
                # a path or a call ('from_pretrained("/data/x-7b"'), not a model's name; nor
                # a link off the Hub: a screenshot's id ('src="https://github.com/.../assets/
                # 22605641/9a6e1918-0ac0-4c2e-808b-eb1eca847e61"', real post: transformers#26599,
                # read as a model of 808B parameters)
                if name.startswith(("/", "~", ".")) or ".py" in name or "(" in name \
                        or name.endswith(_NOT_IDS) \
                        or ("://" in name and "huggingface.co/" not in name) \
                        or _DRIVE.match(name):
                    continue
                if (size := size_from_name(name)) is not None:
                    found.append(ModelRef(name, size))
    return tuple(found)


def _as_words(low: str, phrase: str) -> bool:
    """Whether ``phrase`` is in ``low`` as whole words ("llama 2", not "llama 270m")."""
    at = low.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if (at == 0 or not low[at - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
            return True
        at = low.find(phrase, at + 1)
    return False


def _code_above_frames(body: Body) -> str:
    """The code blocks, each traceback cut to its last frame and the error after it: the
    frames above name files, not checkpoints (and make up much of a long post)."""
    if not body.traceback:
        return "\n".join(body.code)
    parts = []
    for block in body.code:
        at = block.rfind('File "')
        parts.append(block if at < 0 else block[at:])
    return "\n".join(parts)


def _in_frame(text: str, at: int) -> bool:
    """Whether the line around ``at`` is a traceback frame ('File "/usr/lib/..."')."""
    if 'File "' not in text:
        return False
    end = text.find("\n", at)
    return 'File "' in text[text.rfind("\n", 0, at) + 1:end if end >= 0 else None]


def _light(cls: str) -> bool:
    """A class that loads no weights: a tokenizer, scheduler, config or processor."""
    return "Tokenizer" in cls or cls.endswith(_LIGHT_ENDS)


def _caller(text: str, end: int) -> str:
    """The name just before ``end``: the class in ``AutoTokenizer.from_pretrained(``."""
    before = text[max(0, end - 80):end]
    return before[len(before.rstrip(_WORD_CHARS)):]


def _names_around(low: str, key: str) -> list[str]:
    """Each whole name in ``low`` that contains ``key``: "google-bert/bert-base-uncased"."""
    found, at = [], low.find(key)
    while at >= 0:  # the run of name characters around each occurrence (found in C)
        start = len(low[:at].rstrip(_NAME_CHARS))
        tail = _NAME_TAIL.match(low, at + len(key))  # always matches, maybe nothing
        end = tail.end() if tail else at + len(key)
        found.append(low[start:end].strip(".-"))
        at = low.find(key, end)
    return found


_FEW_LAYERS = re.compile(r"num_(?:hidden_)?layers\s*[=:]\s*[1-4]\b|n_layers?\s*[=:]\s*[1-4]\b")


# a toy torch model built in the code: nn.Linear(4, 4), nn.Embedding(12, 4), a Conv1d
_TOY_LAYER = re.compile(r"nn\.(?:linear|embedding|conv[123]d)\(\s*\d{1,3}\s*,\s*\d{1,3}\b")


def built_small(body: Body) -> bool:
    """The reproduction builds its model locally, small (no download): from a config with a
    few layers (``AutoModel.from_config(cfg)`` after ``cfg.num_hidden_layers = 2``,
    ``GPT2Config(n_layer=2, ...)``) or out of a few small torch layers (``nn.Linear(4, 4)``)."""
    low = body.low
    if "config" in low and "layer" in low and _FEW_LAYERS.search(low):
        return True
    if "from_config" in low and "tiny" in low:
        return True
    return "nn." in low and _TOY_LAYER.search(low) is not None


def memory_gb(billions: float) -> float:
    """Memory to run a model of this size in 16-bit weights."""
    return billions * BYTES_PER_PARAM * OVERHEAD


def largest(models: tuple[ModelRef, ...]) -> ModelRef | None:
    """The largest model whose size is known (the first named of those of one size)."""
    return max((m for m in models if m.billions is not None), key=_billions, default=None)


def _billions(m: ModelRef) -> float:
    return m.billions or 0.0


# parts of a checkpoint's name that say nothing of which model it is
_GENERIC = frozenset({"base", "large", "small", "medium", "tiny", "instruct", "chat", "model",
                      "uncased", "cased", "dev", "hf", "it", "v1", "v2", "v3"})
_LETTER_DIGIT = re.compile(r"[a-z][0-9]")  # a family named so: "t5" (not "v1": _GENERIC)


def in_title(model: ModelRef, title_words: frozenset[str]) -> bool:
    """Whether the title names ``model`` ("Llama-2 generate fails": the bug is in that
    model's code) rather than the body alone (the model the reporter happened to use,
    which a smaller one often stands in for)."""
    return not title_words.isdisjoint(_name_words(model.name))


@functools.lru_cache(maxsize=4096)
def _name_words(name: str) -> frozenset[str]:
    """The words of a checkpoint's name that say which model it is: "Llama-2-7b-hf" →
    {"llama", "llama2"} (the same checkpoints come up in issue after issue: each is read
    once).  A family of a letter and a digit names it too: "t5" of "t5-11b" (a real post,
    transformers#6517, "Can't load t5-11b from pre-trained", was told "used in the report
    (the title names other things)")."""
    parts = words_of(_PARTS.sub(" ", name.rpartition("/")[2].lower()))
    # a title writes the family and its version as one word: "LLama4" for "llama-4"
    joined = {parts[0] + parts[1]} if len(parts) > 1 and parts[1][:1].isdigit() else set()
    family = {parts[0]} if parts and _LETTER_DIGIT.fullmatch(parts[0]) \
        and parts[0] not in _GENERIC else set()
    return frozenset(p for p in parts if len(p) > 2 and not p.isdigit()
                     and p not in _GENERIC and p not in _SIZE_WORDS) | joined | family
