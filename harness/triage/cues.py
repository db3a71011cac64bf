"""Cues in what an issue tells (its System Info and environment dumps left out).

Each cue is a group of whole words and phrases of the lower-cased text; a few look at
the code blocks or the traceback only.  They say what the bug needs (a GPU kernel, a
training run, a big model), what kind of post it is (a support request, a proposal), and
how far the reporter got (a proposed fix, the line at fault, an offer to open a PR).
Word look-ups first, phrases only behind a word: scoring 10,000 issues takes well under
a second.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from harness.triage import hardware
from harness.triage.body import Body, add_phrase_groups, phrase_index

# an error in Python code (the cue code_error): there on any machine, whatever the post ran
# it on
_CODE_ERRORS = frozenset({"typeerror", "keyerror", "attributeerror", "nameerror",
                          "unboundlocalerror", "importerror", "modulenotfounderror",
                          "indexerror"})
# ... and the errors of the library's own checks, which say "not in 4-bit", "not on this
# device" as often as anything: with those, a plain Python error (python_error)
_CHECK_ERRORS = frozenset({"valueerror", "assertionerror", "notimplementederror"})

# cue → whole words (as str.split finds them in the text with punctuation made spaces)
WORDS: dict[str, frozenset[str]] = {
    # what the bug needs
    "xformers": frozenset({"xformers", "memory_efficient_attention",
                           "enable_xformers_memory_efficient_attention"}),
    "flash_attention": frozenset({"flash_attn", "flash_attention_2", "flash_attention_3",
                                  "flashattention", "flashattention2", "fa2", "fa3",
                                  "flash_attention2"}),
    # SageAttention: quantized attention kernels in CUDA and Triton; TensorRT builds engines
    # for NVIDIA GPUs alone (of the labelled issues, it flags three more: two about its
    # pipelines, both needing a GPU, and one whose traceback runs in a conda environment
    # of that name, not)
    "kernels": frozenset({"triton", "cudnn", "liger", "vllm", "apex", "nccl",
                          "cublas", "kernel", "kernels", "cudagraphs", "sageattention",
                          "sageattn", "sage_attention", "tensorrt",
                          # grouped GEMM kernels of mixture-of-experts layers (real post:
                          # transformers#43193, "`torch._grouped_mm` support for GptOss")
                          "_grouped_mm", "grouped_mm", "megablocks"}) | hardware.FP8,
    "oom": frozenset({"oom", "outofmemoryerror", "vram"}),
    "offload": frozenset({"enable_model_cpu_offload", "enable_sequential_cpu_offload",
                          "cpu_offload", "offload", "offloading", "offload_folder"}),
    # not plain float16: diffusers' every snippet loads in torch.float16
    "half_precision": frozenset({"fp16", "autocast", "amp", "mixed_precision", "gradscaler",
                                 "unscale_gradients", "apex"}),
    # a training run, not the word: "without any training", "trainable" say nothing
    "training": frozenset({"finetune", "finetuning", "trainer", "dreambooth", "sfttrainer",
                           "epoch", "epochs", "optimizer", "backward", "checkpointing",
                           "train_dataset", "training_args", "trainingarguments", "loss"}),
    "training_talk": frozenset({"train", "training", "trained"}),
    "latency": frozenset({"latency", "slowdown", "throughput", "profiling", "profiler",
                          "speedup"}),
    "numerics": frozenset({"nan", "nans", "inf", "overflow", "precision", "diverge",
                           "diverges", "quality", "blurry", "artifacts", "garbage"}),
    "device_map": frozenset({"device_map"}),
    "compile": frozenset({"compile", "compiled", "inductor", "dynamo"}),
    # CUDA_VISIBLE_DEVICES picks the GPU a script runs on: a GPU is talked of, no kernel
    # (a real post sets it to "0" for an inpainting call whose error is a size check)
    "cuda_code": frozenset({"cuda", "gpu", "gpus", "nvidia", "cuda_visible_devices"}),
    "gpu_model": frozenset({"a100", "h100", "h200", "v100", "t4", "a10g", "a6000", "l4",
                            "4090", "3090", "rtx", "colab"}),
    # what kind of post it is
    "docs_words": frozenset({"docs", "doc", "docstring", "docstrings", "documentation",
                             "typo", "typos", "readme", "tutorial", "link", "links", "url",
                             "translation", "translate"}),
    "example": frozenset({"notebook", "example", "examples", "colab", "script"}),
    # areas of the libraries known to be intricate: caches, slow/fast tokenizers,
    # timestamps, embeddings resizing and tying (not generation itself: of the 47 issues of
    # both sets that say "generate", "generation" or "beam", 18 are easy, as of all issues)
    "intricate": frozenset({"timestamps", "timestamp", "kv", "cache", "sentencepiece",
                            "added_tokens", "special_tokens", "resize_token_embeddings",
                            "tie_weights", "tied", "chunking", "chunk_length_s", "stride",
                            "streaming"}),
    # a fault that comes and goes: no reliable reproduction, the root cause unclear
    # not "randomly": real posts say it of weights ("randomly initialized") and of test data;
    # not "leak(s)" alone: every labelled post that says it means a value or a setting
    # getting where it should not ("leaks into self.timesteps", "leaks globally to other
    # models"), a bug pinned down, not a memory leak (a phrase, below)
    "flaky": frozenset({"sometimes", "intermittent", "intermittently", "flaky",
                        "occasionally", "sporadically", "hangs", "hang", "deadlock", "stuck",
                        "freezes"}),
    # an implementation to write or an integration (not "api": said of any call)
    "design": frozenset({"rfc", "proposal", "refactor", "redesign", "roadmap",
                         "integrate", "integration", "implement", "implementation",
                         "implemented", "implementing"}),
    # the errors of a wrong call, a missing name or a missing module (python_error's too):
    # on both labelled sets three in four of them are easy; of a ValueError, one in four
    "api_error": frozenset({"typeerror", "attributeerror", "nameerror", "importerror",
                            "modulenotfounderror"}),
    "python_error": _CODE_ERRORS | _CHECK_ERRORS,
    "code_error": _CODE_ERRORS,
    "regression": frozenset({"regression", "downgrade", "downgrading", "upgrading",
                             "upgraded", "upgrade"}),
    "warning": frozenset({"warning", "warnings", "warn", "message", "misleading",
                          "confusing", "deprecation", "deprecated"}),
    "conversion": frozenset({"convert", "conversion", "onnx", "export", "gguf", "single_file",
                             "from_single_file", "kohya"}),
    # another project's tool in between (a web UI, a fine-tuning framework): the fault
    # may be that tool's, and reproducing it means setting that tool up (none of the 13
    # labelled is easy: 0 of 6 of the development set, 0 of 7 of the second)
    "third_party": frozenset({"webui", "oobabooga", "comfyui", "kohya", "automatic1111",
                              "a1111", "invokeai", "axolotl", "unsloth", "llamafactory"}),
    # an argument, its default, an attribute (not "config" nor "parameter": said of every
    # config and every model's weights, they come up in easy issues no more than in others)
    "config_arg": frozenset({"argument", "kwarg", "kwargs", "default", "attribute"}),
    # saving, checkpoints, resuming: state across formats, shards and processes (easy in
    # 2 of 24 of the development set that say so, 8 of 36 of the second set)
    "saving": frozenset({"save", "saving", "saved", "checkpoint", "checkpoints", "resume",
                         "resuming"}),
    # loading from a local path or offline: mostly a path or a cache mix-up, answered or
    # mended on a laptop (easy in 10 of 22 of the development set, 11 of 27 of the second)
    "local_files": frozenset({"local", "offline", "path", "directory", "folder"}),
    # a crash of native code (a segmentation fault, a bus error, an illegal instruction, a
    # process killed): a build, a platform or memory, and no Python line to trace (of the
    # 1,801 labelled posts of the dev set and the 189th to 195th sets, the 7 that say one
    # are medium or hard)
    "native_crash": frozenset({"segfault", "sigsegv", "sigbus", "sigkill", "tcmalloc"}),
}
# PyTorch's error on a machine without CUDA ("AssertionError: Torch not compiled with CUDA
# enabled"): the code asked for a GPU that is not there, and ran on a CPU or a Mac
NO_CUDA_BUILD = "not compiled with cuda"
# cue → phrases of the lower-cased text, each found only when its longest word is there
PHRASES: dict[str, tuple[str, ...]] = {
    "oom": ("out of memory", "memory consumption", "memory usage", "gpu memory"),
    "flaky": ("memory leak", "leaks memory", "leaking memory"),
    "native_crash": ("bus error", "segmentation fault", "core dumped", "illegal instruction"),
    "kernels": ("reduce-overhead", "cuda graph",  # torch.compile's CUDA graphs
                "sage attention",
                # a CUDA GPU's generation ("tests that require newer hardware (higher
                # compute capability)", transformers#38820)
                "compute capability"),
    "xformers": ("memory efficient attention",),
    "flash_attention": ("flash attention", "flash-attention", "flash-attn", "sdpa",
                        "flash-attention2", "flash attention2"),
    "half_precision": ("mixed precision", "half precision", "unscale fp16", "--fp16",
                       "fp16=true", "fp16 training"),
    "training": ("fine-tun", "fine tun", "accelerate launch", "run_clm", "run_glue"),
    # (and the examples' scripts, by :data:`_SCRIPTS`)
    # (and the library's examples/ folder, by :data:`_EXAMPLES`)
    "training_script": ("accelerate launch", "dreambooth", "train.py", "finetune.py"),
    # (and "it/s" outside a progress bar, by :data:`_SPEED_TOLD`)
    "latency": ("inference time", "much slower", "takes longer", "speed up"),
    "multi_process": ("accelerate launch", "torchrun", "num_processes", "multiple gpus",
                      "multi-gpu", "multi gpu", "distributed"),
    "cpu_run": ("on cpu", "on the cpu", "on a cpu", "cpu only", "cpu-only", 'device="cpu"',
                "device='cpu'", "without a gpu", "without gpu", "on my laptop", "on a laptop",
                "on mac", "macbook", "apple silicon", "mps",
                NO_CUDA_BUILD),
    "support": ("how can i", "how do i", "how to ", "how should i", "is it possible",
                "is there a way", "any idea", "any suggestion", "any help", "could someone",
                "can someone", "could you explain", "i want to know", "i'm new", "i am new",
                "i'm confused", "i am confused", "please help", "help me", "what should i",
                "i don't understand", "i do not understand", "am i doing", "my question",
                "wondering", "what is the difference", "what's the difference",
                "is this expected", "is it expected", "is this a bug", "should i use",
                "does anyone", "anyone know", "i have a question", "how could i",
                "best way to"),
    "proposed_fix": ("should be", "instead of", "the fix is", "a fix would", "simple fix",
                     "easy fix", "one-line", "one line", "can be fixed", "could be fixed",
                     "to fix this", "fix would be", "suggest changing", "changing it to",
                     "should use", "should check", "should pass", "should not", "missing the",
                     "is missing", "forgot to", "i think the problem", "the problem is",
                     "the issue is", "the bug is", "caused by", "because the", "root cause",
                     "i found that", "i believe", "replace", "by changing", "if we change",
                     "is never", "never set", "before assignment"),
    "pr_offer": ("happy to open", "happy to submit", "happy to send", "happy to make",
                 "happy to contribute", "i can open", "i can submit", "i can make a pr",
                 "i could open", "i could submit", "i'd be happy", "i would be happy",
                 "i'd like to contribute", "i would like to contribute", "willing to",
                 "open a pr", "submit a pr", "make a pr", "pull request", "will submit",
                 "pr is welcome", "prs welcome", "pr welcome", "contributions welcome",
                 "would you accept"),
    "regression": ("worked in", "works in", "used to work", "was working", "since version",
                   "after updating", "after upgrading", "in the latest version",
                   "new version", "older version", "previous version"),
    "warning": ("error message", "clearer error", "better error", "more informative",
                "raise an error", "raises an error", "should raise"),
    "docs_words": ("broken link", "the docs", "the documentation", "docs say", "in the doc"),
    # an API or version mismatch: often a clearer error or a docs note away (not "X is not
    # supported": a missing feature, often a quantized layer; none of the 7 labelled is easy).
    # So is a set-up that does not match what it loads: a checkpoint of other sizes ("size
    # mismatch for classifier.weight: copying a param with shape ..."), a tokenizer file too
    # new for the install ("untagged enum PyPreTokenizerTypeWrapper"), a model type it does
    # not know, a folder without the file, a download cut off, a git-lfs pointer ("invalid
    # load key, 'v'"): of the 927 labelled posts of the dev set and the 189th to 192nd sets,
    # 18 say one of these, 16 easy, 13 of them usage questions by their readers: answered
    # by an upgrade or the right call (found reading the 189th's mistakes: it alone 0.8125
    # -> 0.8163, the 190th 0.6222 -> 0.6250, the 191st 0.7828 -> 0.7831, the dev set 0.9121
    # -> 0.9116; the 193rd, drawn after it, 0.7818 -> 0.7829: 5 posts moved, 4 easy ones up).
    # So is a tokenizer class the install does not know ("Tokenizer class LLaMATokenizer does
    # not exist or is not currently imported"), and a key the set-up lacks, a model type,
    # an output, a column (:data:`_MISSING_KEY`: "KeyError: 'mistral'", "KeyError:
    # 'logits'"): of the 1,504 labelled posts of the dev set and the 189th to 194th sets, 13
    # say one of these, 10 easy (found reading the posts a big model weighs down: the dev
    # set 0.9156 -> 0.9170, the 189th to 194th 0.8216 -> 0.8221 pooled, the 193rd -0.0005)
    "api_mismatch": ("unexpected keyword argument", "cannot import name", "has no attribute",
                     "no module named", "missing 1 required", "takes no argument",
                     "size mismatch for", "copying a param with shape",
                     "did not match any variant of untagged enum",
                     "does not appear to have a file named", "is not a valid model identifier",
                     "unrecognized configuration class", "unrecognized model",
                     "max retries exceeded", "invalid load key",
                     "does not exist or is not currently imported"),
    "intricate": ("slow and fast", "fast and slow", "slow tokenizer", "fast tokenizer",
                  "attention mask", "left padding", "long-form", "chunk_length"),
    "numerics": ("different results", "different output", "wrong output", "wrong result",
                 "incorrect result", "not deterministic", "non-deterministic", "mismatch"),
    # not "tiny" alone: whisper-tiny is a real checkpoint
    # not "toy" alone either: a LoRA named "toy-face" is a real one
    "tiny_model": ("tiny-random", "tiny random", "tiny model", "a tiny", "dummy model",
                   "hf-internal-testing", "dummy components", "tiny_random", "a toy",
                   "toy model"),
    # not "new model" alone: "it downloads another new model", "new models shared to the Hub"
    "new_arch": ("new model addition", "add a new model", "adding a new model",
                 "add support for", "new architecture", "new pipeline", "new scheduler",
                 "paper", "arxiv"),
    "third_party": ("llama-factory", "sd-scripts", "text-generation-webui", "web ui"),
    "big_pipeline": ("stable diffusion xl", "sdxl", "flux", "sd3", "stable-diffusion-3",
                     "hunyuan", "wan2", "ltx", "cogvideo", "controlnet", "video", "llama-2-7b",
                     "7b", "13b", "70b"),
}
# CUDA's own errors (cuda_error), looked for in all the post tells, and the code putting
# the model on a GPU (cuda_use), in its code blocks (in all it tells where it has none)
_CUDA_ERROR = ("cuda error", "cuda out of memory", "cudnn_status", "cublas_status",
               "device-side assert", "nccl error", "torch.outofmemoryerror", "cuda kernel",
               "no kernel image", "same device", "cuda_home", "cudaerror",
               # CUDA started where it should not be (on import, in a forked worker):
               # "just import of peft leads to cuda context initialization" (peft#1877),
               # "Cannot re-initialize CUDA in forked subprocess".  Only a machine with CUDA
               # shows it: the 5 of the 1,408 labelled posts of the dev set and the 198th to
               # 206th sets that say so all need a GPU
               "cuda context", "initialize cuda", "cuda initialization")
_CUDA_USE = re.compile(r"\.cuda\(\)|\.to\(\s*[\"']cuda|device\s*=\s*[\"']cuda|"
                       r"device_map\s*=\s*[\"']auto|\.to\(\s*device\s*\)")
# a GPU named as where it runs: beside "on CPU", a comparison of devices ("when using a batch
# as an input on cpu" works, "on gpu" it breaks: transformers#27103; a model traced on a GPU
# and loaded on a CPU: #6071, #5664), not a bug shown on a CPU alone.  Of the 909 labelled
# posts of the dev set and the 189th to 191st sets, 24 say "on CPU" or the like: the 5 that
# also say so of a GPU all need one by their readers, 4 of the other 19 do
_ON_GPU = re.compile(r"\bon (?:the |a |my |one |two |multiple |several |\d+ )?(?:gpus?|cuda)\b")
# the examples' training scripts, also as the stem of a longer name
# ("train_dreambooth_lora_sdxl.py" is one word): substrings, looked for behind "train_"/"run_"
_SCRIPTS = ("train_text_to_image", "train_dreambooth", "train_controlnet", "train_lora",
            "run_clm", "run_mlm", "run_seq2seq", "run_glue", "run_translation",
            "run_summarization", "run_speech_recognition")
# "convert" and "export" also name a PIL image's mode change (``.convert("RGB")``, in most
# diffusers snippets) and a shell variable (``export TASK_NAME=mrpc``): no conversion
_CONVERT_OTHER = frozenset({"convert", "export"})
_CONVERT = re.compile(r"(?<!\.)\bconvert\b|\bconvert\b(?!\()|\bexport\b(?!\s+\w+=)")
# Keras compiles a model before fitting it (``model.compile(optimizer=opt, loss=loss)``, in
# TensorFlow issues): that is no torch.compile (real posts: transformers#2021, #2581, #8448).
# In a post that speaks of TensorFlow or Keras, any ``.compile(`` is Keras's
# (``model.compile(...)`` under a ``TFAutoModelForCausalLM``, transformers#12881: "uses
# torch.compile" and "needs a GPU" for a usage question answered on a laptop)
_COMPILE_WORDS = frozenset({"compile", "compiled"})
_KERAS_COMPILE = re.compile(r"\.compile\(\s*(?:optimizer|loss|metrics)\b")
_KERAS_WORDS = frozenset({"keras", "tensorflow", "tf"})
# "Torch not compiled with CUDA enabled" is no torch.compile either: PyTorch built without
# CUDA (:data:`NO_CUDA_BUILD`).  The 4 of the 867 labelled posts of the dev set and the 198th
# to 203rd sets that say it (a Mac, or a CPU build) are easy and need no GPU (diffusers#2402,
# #2696, #2645, transformers#29952); each was told "uses torch.compile" and flagged as
# needing a GPU
_COMPILED = frozenset({"compiled"})
_COMPILE_SAID = re.compile("compile")  # inside any word ("torch.compile", "compiler")
_COMPILE_AT = NO_CUDA_BUILD.index("compile")  # where "compile" stands in that phrase
# "local" in a traceback's or a listing's paths ('File "/usr/local/lib/python3.10/...",
# "~/.local/lib/..."') or in UnboundLocalError's "local variable ... referenced before
# assignment" is no local file of the reporter's: 62 of the 2,189 labelled posts here were
# told "speaks of local files, paths or offline use" by that word alone, said so
_LOCAL = frozenset({"local"})
_LOCAL_WORD = re.compile(r"\blocal\b")
# an output saved as a picture or a video (``image.save("out.png")``, in most diffusers
# snippets) is no model state saved
_SAVE = frozenset({"save"})
_SAVE_WORD = re.compile(r"\bsave\b")
_SAVED_MEDIA = re.compile(r"\.save\(\s*[^)\n]*?\.(?:png|jpe?g|webp|gif|bmp|tiff?|mp4)\b")
# saving memory, time or space ("to save gpu memory", "memory-saving", "save some vram":
# transformers#24261, diffusers#9639) is no saving of a model's state: 10 of the 2,189
# labelled posts here said "save" only so (none easy), each told "about saving, checkpoints
# or resuming"
_SAVES_RESOURCE = re.compile(
    r"\b(?:save|saves|saving|saved)(?:\s+(?:a|some|the|more|lots|of|much|huge|amount|"
    r"gpu|cpu|on|a lot)\b){0,4}\s+(?:memory|vram|ram|time|space|compute)\b"
    r"|\b(?:memory|vram|ram|time|space)[ -](?:saving|saved)\b"
    r"|\b(?:memory|vram|ram)\b[^.\n]{0,20}\b(?:saved|saving)\b")
_SAVE_FORMS = frozenset({"save", "saving", "saved"})
_SAVE_ANY = re.compile(r"\b(?:save|saves|saving|saved)\b")
# fp16 set off ("fp16=False", in a TrainingArguments call or its printed repr) is no half
# precision: of the dev set and fifteen fresh sets (1,191 posts) two say it and no other word
# of half precision, neither labelled as needing a GPU (transformers#9053, a misspelt
# argument, was told "needs a GPU (51%)")
_FP16 = frozenset({"fp16"})
_FP16_WORD = re.compile(r"\bfp16\b")
_FP16_OFF = re.compile(r"""["']?\s*[=:]\s*["']?(?:false|none|no|0)\b""")
# xformers installed (``!pip install -q xformers``, in a notebook's first cell) is, like the
# package in System Info, what the reporter had, not what the bug needs: of the dev set and
# sixteen fresh sets (1,274 posts) two say "xformers" only on a pip install line, neither
# labelled as needing a GPU (diffusers#4410, a checkpoint conversion, was told "needs a
# GPU (53%)" from it)
_XFORMERS = frozenset({"xformers"})
_XFORMERS_WORD = re.compile(r"xformers")
_PIP_INSTALL = re.compile(r"\bpip3? install\b[^\n]*$")
# Stack Overflow, where an old issue form asked for "A link to original question on Stack
# Overflow": a place, not an overflow (39 of the 1,931 labelled posts here name it, 28 of
# them easy; transformers#5010, "How can I print output attention on test data?", was
# "-0.37 numerics" for it)
_OVERFLOW = frozenset({"overflow"})
_OVERFLOW_WORD = re.compile(r"\boverflow\b")
_STACK = re.compile(r"stack[ _-]?$")
# an attention processor of xformers' kernels, by its class ("XFormersAttnProcessor ... will be
# ignored": a warning only an xformers run prints); the package itself in System Info says
# only what the reporter had installed
_XFORMERS_CLASS = re.compile(r"\b\w*xformers\w*(?:attn|processor)\w*")
# a path into an examples/ folder: the examples are training scripts, except diffusers'
# examples/community/, which holds community pipelines (inference code, loaded with
# custom_pipeline=): on the labelled sets 10 issues link there, none about training
_EXAMPLES = re.compile(r"examples/(?!community)")
# "it/s" tells a speed ("1.2 it/s on CPU against 5 it/s"), but not in tqdm's progress bar
# of a pasted log ("0/291 [00:00<?, ?it/s]").  Of the 597 real posts of the dev set and
# eight fresh sets, 4 say "it/s" and no other word of speed: all in a progress bar of a
# log, none about speed
_SPEED_TOLD = re.compile(r"it/s(?!\])")
# "at inference time" tells when, not how fast ("classifier-free guidance at inference time
# definitely makes use of the zero embed", diffusers#7920; "this is really helpful at
# inference time!", diffusers#4027): read as speed for the 3 of the 2,189 labelled posts
# here whose only word of speed it was, none about speed
_WHEN_INFERENCE = re.compile(r"\b(?:at|during) inference time")
_SPEED_PHRASES = tuple(p for p in PHRASES["latency"] if p != "inference time")
# "cache" where it is the Hub's download folder ("~/.cache/huggingface/hub", "the
# huggingface_hub cache folder", "clearing the local hugging face cache"), not a
# model's key/value cache: a path, or after the Hub's name, or before "folder"; nor is
# pip's ("pip install --no-cache-dir .": transformers#28082, a Dockerfile that fails to
# build, easy, read as an intricate area)
_CACHE = frozenset({"cache"})
_CACHE_WORD = re.compile(r"\bcache\b")
_HUB_CACHE_BEFORE = re.compile(r"(?:\.|(?:hugging ?face|hub|hf)[\"'_ ]{0,3}|local )$")
_HUB_CACHE_AFTER = re.compile(r"[ _-]?(?:folder|dir|directory)\b|/")
# "line 42", "#L42", "/blob/<sha>/" (each found with str.find first: fast)
_BLOB = re.compile(r"/blob/(?:[0-9a-f]{7,40}|main)/")


def names_line(prose: str) -> bool:
    """Whether the prose points at a line: "line 42", "#L42", a ".../blob/<sha>/..." link."""
    for word in ("line ", "Line ", "LINE "):
        at = prose.find(word)
        while at >= 0:
            if prose[at + 5:at + 6].isdigit() and (at == 0 or (not prose[at - 1].isalnum()
                                                   and prose[at - 1] != "_")):
                return True
            at = prose.find(word, at + 5)
    for mark in ("#L", "#l"):
        at = prose.find(mark)
        while at >= 0:
            if prose[at + 2:at + 3].isdigit():
                return True
            at = prose.find(mark, at + 2)
    if "/blob/" not in prose:
        return False
    plow = prose.lower()
    return _BLOB.search(plow) is not None


_FOREIGN = re.compile(r"[\u0400-\u04ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_DIFF = re.compile(r"^[-+](?![-+])\s*\S", re.M)  # a unified diff's changed lines

_GROUP_OF: dict[str, list[str]] = {}
for _cue, _words in WORDS.items():
    for _w in _words:
        _GROUP_OF.setdefault(_w, []).append(_cue)
_PHRASES_AT = phrase_index(PHRASES)
_GATES = frozenset(_PHRASES_AT)
_VOCAB = frozenset(_GROUP_OF) | _GATES


def _big_beyond(body: Body, light: frozenset[str]) -> bool:
    """Whether a large model or pipeline is named beyond the checkpoints loaded only into a
    tokenizer or config (``AutoTokenizer.from_pretrained("meta-llama/Llama-2-7b-hf")`` needs
    no GPU: real tokenizer issues were flagged for one by it)."""
    low = body.low
    for name in light:
        low = low.replace(name, " ")
    return any(p in low for p in PHRASES["big_pipeline"])


class _Idle(NamedTuple):
    """A cue's one word said where it means nothing for the cue (a picture saved, the Hub's
    cache folder, fp16 set off, xformers installed): a cue found by that word alone is
    dropped when every time the word is said it is said so, unless a phrase of the cue is
    there too."""

    cue: str
    word: frozenset[str]  # the word, as :data:`WORDS` has it
    said: re.Pattern[str]  # finds it in the lower-cased text
    idle: Callable[[str, re.Match[str]], bool]  # whether the word said there means nothing


def _saved_media(low: str, m: re.Match[str]) -> bool:
    return _SAVED_MEDIA.match(low, m.start() - 1) is not None


def _stack_overflow(low: str, m: re.Match[str]) -> bool:
    return _STACK.search(low, max(0, m.start() - 7), m.start()) is not None


def _set_off(low: str, m: re.Match[str]) -> bool:
    return _FP16_OFF.match(low, m.end()) is not None


def _system_local(low: str, m: re.Match[str]) -> bool:
    """Whether the "local" there is a folder of the system's ("/usr/local/lib/python3.10",
    "~/.local/lib", "AppData\\Local\\...") or Python's "local variable"."""
    return (low[m.start() - 1:m.start()] in ("/", "\\", ".")
            and low[m.end():m.end() + 1] in ("/", "\\")) or low.startswith(" variable", m.end())


def _hub_cache(low: str, m: re.Match[str]) -> bool:
    """Whether the "cache" there is the Hub's download folder."""
    return bool(_HUB_CACHE_BEFORE.search(low, max(0, m.start() - 14), m.start())
                or _HUB_CACHE_AFTER.match(low, m.end()))


def _pip_installed(low: str, m: re.Match[str]) -> bool:
    """Whether the word is on a ``pip install`` line, after the command."""
    return _PIP_INSTALL.search(low, low.rfind("\n", 0, m.start()) + 1, m.start()) is not None


def _no_cuda_build(low: str, m: re.Match[str]) -> bool:
    """Whether the "compile" there is PyTorch's "not compiled with CUDA"."""
    at = m.start() - _COMPILE_AT
    return at >= 0 and low.startswith(NO_CUDA_BUILD, at)


# a KeyError of one name, not of a sentence ("KeyError: 'Cache only has 0 layers, ...'")
_MISSING_KEY = re.compile(r"keyerror: ['\"][\w.-]+['\"]")

_IDLE = (
    _Idle("saving", _SAVE, _SAVE_WORD, _saved_media),
    _Idle("half_precision", _FP16, _FP16_WORD, _set_off),
    _Idle("intricate", _CACHE, _CACHE_WORD, _hub_cache),
    _Idle("xformers", _XFORMERS, _XFORMERS_WORD, _pip_installed),
    _Idle("numerics", _OVERFLOW, _OVERFLOW_WORD, _stack_overflow),
    _Idle("compile", _COMPILED, _COMPILE_SAID, _no_cuda_build),
    _Idle("local_files", _LOCAL, _LOCAL_WORD, _system_local),
)


def found(body: Body, *, light: frozenset[str]) -> frozenset[str]:
    """The cues of :data:`WORDS` and :data:`PHRASES` in what the issue tells, plus
    ``cuda_error`` (CUDA in the traceback or error output), ``cuda_use`` (the code puts
    the model on a GPU) and ``diff`` (a patch).  ``light``: the checkpoints loaded only
    into a tokenizer or config (:func:`.models.loads`)."""
    hits = body.words & _VOCAB
    cues = {c for w in hits for c in _GROUP_OF.get(w, ())}
    add_phrase_groups(body, _PHRASES_AT, hits & _GATES, cues)
    if "conversion" in cues and hits & WORDS["conversion"] <= _CONVERT_OTHER \
            and not _CONVERT.search(body.low):
        cues.discard("conversion")
    if "compile" in cues and hits & WORDS["compile"] <= _COMPILE_WORDS \
            and "torch.compile" not in body.low and (_KERAS_COMPILE.search(body.low) or (
                ".compile(" in body.low and not body.words.isdisjoint(_KERAS_WORDS))):
        cues.discard("compile")
    for rule in _IDLE:
        if rule.cue in cues and hits & WORDS[rule.cue] == rule.word \
                and not any(p in body.low for p in PHRASES.get(rule.cue, ())) \
                and all(rule.idle(body.low, m) for m in rule.said.finditer(body.low)):
            cues.discard(rule.cue)
    if "saving" in cues and hits & WORDS["saving"] <= _SAVE_FORMS \
            and not _SAVE_ANY.search(_SAVES_RESOURCE.sub(" ", body.low)):
        cues.discard("saving")
    if "latency" in cues and not hits & WORDS["latency"] \
            and not any(p in body.low for p in _SPEED_PHRASES) \
            and body.low.count("inference time") == len(_WHEN_INFERENCE.findall(body.low)):
        cues.discard("latency")
    # (looked for behind the word "it", as a phrase is behind its longest word)
    if "latency" not in cues and "it" in body.words and "it/s" in body.low \
            and _SPEED_TOLD.search(body.low):
        cues.add("latency")
    if "api_mismatch" not in cues and "keyerror" in body.words and _MISSING_KEY.search(body.low):
        cues.add("api_mismatch")
    if "big_pipeline" in cues and light and not _big_beyond(body, light):
        cues.discard("big_pipeline")
    if "training_script" not in cues and ("train_" in body.low or "run_" in body.low) \
            and any(p in body.low for p in _SCRIPTS):
        cues.add("training_script")
    if "training_script" not in cues and "examples" in body.words \
            and _EXAMPLES.search(body.low):
        cues.add("training_script")
    if "xformers" not in cues and "xformers" in body.low and _XFORMERS_CLASS.search(body.low):
        cues.add("xformers")
    if "cpu_run" in cues and ("gpu" in body.low or "cuda" in body.low) \
            and _ON_GPU.search(body.low):
        cues.discard("cpu_run")
    if "cuda" in body.low:
        code = "\n".join(body.code).lower() if body.code else body.low
        if any(p in body.low for p in _CUDA_ERROR):
            cues.add("cuda_error")
        if _CUDA_USE.search(code):
            cues.add("cuda_use")
    if ("line" in body.words or "blob" in body.words or "#l" in body.low) \
            and names_line(body.prose):
        cues.add("names_line")
    if not body.prose.isascii() and len(_FOREIGN.findall(body.prose)) > len(body.prose) // 10:
        cues.add("non_english")
    for c in body.code:
        if c.startswith(("diff", "@@")) or (("\n+" in c or c.startswith("+"))
                                            and ("\n-" in c or c.startswith("-"))
                                            and _DIFF.search(c)):
            cues.add("diff")
            break
    return frozenset(cues)
