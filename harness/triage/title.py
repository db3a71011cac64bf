"""What an issue's title says: its subject in a few words, often the clearest cue.

A title about speed, memory or output quality points at measurements on real hardware
and at no single line to fix, however small the reproduction in the body.  A title that
names an error is about a crash one can reproduce and trace to a line: on both labelled
sets, in each repository, such issues are easy more often than the rest (0.47 against 0.30
of the development set, 0.55 against 0.41 of the second).  A title about a warning, a
message or something missing asks for a message or a small addition (all 10 of the two
sets are easy); one about support for something asks for a feature the library lacks
(3 easy of the 17 that are not already feature requests); one about training means a
training run to reproduce (4 easy of 30).  A title that names a file (``run_glue.py``)
points at the code at fault (11 of 17 easy), one about an argument or attribute at a small
change (18 of 24).  One about an import that fails ("cannot import name 'X'",
``ImportError``, ``ModuleNotFoundError``) is almost always a version or install mismatch:
17 of the 19 such issues of the dev set and eighteen fresh sets are easy, none needs a GPU.
(Titles that name other code were tried too: on held-out issues they did not help.)
"""
from __future__ import annotations

import re

from harness.triage.body import words_of

# the subject is how fast, how much memory, how good the output is: and how good a trained
# model is, by its metric or its loss ("Exact and F1 score do not increase when fine-tunes
# XLM on the SQuAD dataset", "wav2vec2 not converging when finetuning", "Cannot replicate
# results from object detection task guide").  Not "score" nor "perplexity": a score is as
# often what a model puts out ("Calculating Confidence score for Question Answering
# Models", "Error in Calculating Sentence Perplexity for GPT-2 model": usage questions,
# easy).  With them, the 196th set, drawn after they were added, ranked 0.8410 -> 0.8358
# (its 5 such titles, 4 easy); of the dev set's and the 189th to 196th sets' 2,016 posts,
# 12 titles say one of them, 6 easy
PERF_WORDS = frozenset({"slow", "slower", "slowdown", "slowly", "speed", "faster", "latency",
                        "performance", "throughput", "memory", "vram", "oom", "leak",
                        "quality", "worse", "nan", "nans", "accuracy", "degradation",
                        "f1", "bleu", "rouge", "wer", "cer", "converge", "converging",
                        "convergence", "replicate"})

# the subject is an error: the word, or an exception class Python raises for a wrong call
ERROR_WORDS = frozenset({"error", "errors", "exception", "typeerror", "attributeerror",
                         "valueerror", "keyerror", "importerror", "indexerror", "nameerror",
                         "modulenotfounderror", "assertionerror", "oserror",
                         "notimplementederror", "unboundlocalerror"})

# the subject is an import that fails: a version or install mismatch
IMPORT_WORDS = frozenset({"import", "imports", "importing", "importerror",
                          "modulenotfounderror"})
# ... when the title also says it fails ("cannot import", "import error", "can't import"):
# a title about imports that does not ("Importing diffusers takes >10 seconds", "Lazy
# import", "`modular_model_converter` can not handle objects import via try - except") is
# about speed, a feature or code that handles imports: none of those 4 real ones is easy
FAIL_WORDS = ERROR_WORDS | {"cannot", "cant", "unable", "fail", "fails", "failed", "failing",
                            "broken"}
_CANNOT = (("can", "t", "import"), ("can", "not", "import"))  # "can't import", "can not import"
# ... unless the failure is a crash of native code ("Error on importing peft - Bus error (core
# dumped)"): a build or driver fault, no version mismatch
CRASH_WORDS = frozenset({"bus", "segmentation", "segfault", "dumped", "sigsegv", "sigbus"})

# the subject is a warning or message, or something left out
MESSAGE_WORDS = frozenset({"warning", "warnings", "deprecated", "deprecation", "message",
                           "missing"})

# the subject is support for something: a model, a method, a layer, a device
SUPPORT_WORDS = frozenset({"support", "supported", "supporting"})

# the subject is a training run: reproducing it means training (pre-training too, written
# as one word: "Pretrain PEGASUS from scratch"; of the 1,801 labelled posts here 14 titles
# say "pretraining" or "pretrain", 2 easy)
TRAINING_WORDS = frozenset({"training", "train", "trained", "finetuning", "finetune",
                            "finetuned", "pretraining", "pretrain"})
# "trained" not of a "pre-trained" checkpoint: "Some weights not initialized in pre-trained
# RobertaForMaskedLM" (transformers#6193, easy by its reader) is about loading one, not a
# training run (of the 1,931 labelled posts here, 10 titles say "pre-trained", 7 of them
# easy; those that speak of training too say so in other words: "fine-tuned", "training")
_TRAINED = re.compile(r"(?<!pre[- ])\btrained\b")
_TRAINING_SAID = TRAINING_WORDS | {"tuned", "tuning"}  # and "fine-tuned", "fine-tuning"

# the subject is a file: "run_glue.py" is the words "run_glue" and "py"
FILE_WORDS = frozenset({"py"})

# the subject is an argument or an attribute
ARG_WORDS = frozenset({"argument", "arguments", "attribute", "attributes", "keyword", "kwarg",
                       "kwargs", "param", "parameter"})

# the subject is TensorFlow, Keras or Flax code ("TFBertModel ValueError: Tried to convert
# 'dims' to a tensor and failed", "Longformer TF int32 vs int64", "[JAX/FLAX]: Language
# modeling example throws RESOURCE_EXHAUSTED error"): fewer know it, and transformers 5 no
# longer has it (its wheel holds no modeling_tf_ or modeling_flax_ file; 4.57's, 76 of the
# first), nor diffusers since it removed JAX and Flax (diffusers#14169, July 2026).
# Of the 1,801 labelled posts of the dev set and the 189th to 195th sets, 81 such titles are
# 24 easy (30%; all 1,801: 40%)
TF_WORDS = frozenset({"tensorflow", "tf", "tf1", "tf2", "keras", "flax", "jax"})
# a class of theirs: TFBertModel, TFCLIPModel, TFBertForMaskedLM, TFGenerationMixin,
# FlaxUNet2DConditionModel, FlaxAutoencoderKL (not "TFLOPs")
_TF_CLASS = re.compile(r"\b(?:TF|Flax)[A-Z]\w*(?:Model|Layer|Mixin|Trainer|Tokenizer|Pipeline|KL"
                       r"|For[A-Z]\w*)\b")

_GROUPS = (("title_perf", PERF_WORDS), ("title_error", ERROR_WORDS),
           ("title_message", MESSAGE_WORDS), ("title_support", SUPPORT_WORDS),
           ("title_training", TRAINING_WORDS), ("title_file", FILE_WORDS),
           ("title_arg", ARG_WORDS), ("title_import", IMPORT_WORDS), ("title_tf", TF_WORDS))


def cues(title: str) -> frozenset[str]:
    """The cue of each :data:`_GROUPS` whose words the title has: ``title_perf`` (speed,
    memory or output quality), ``title_error`` (an error), ``title_message`` (a warning, a
    message or something missing), ``title_support`` (support for something),
    ``title_training``, ``title_file`` (a ``.py`` file), ``title_arg`` (an argument or
    attribute), ``title_import`` (an import that fails) and ``title_tf`` (TensorFlow, Keras
    or Flax code)."""
    return cues_of(frozenset(words_of(title.lower())), title)


def cues_of(words: frozenset[str], title: str) -> frozenset[str]:
    """:func:`cues` from the title's words (lower-cased) and the title."""
    found = {cue for cue, group in _GROUPS if not group.isdisjoint(words)}
    if "title_import" in found and not _import_fails(words, title):
        found.discard("title_import")
    if "title_tf" not in found and ("TF" in title or "Flax" in title) \
            and _TF_CLASS.search(title):  # (a substring first: most titles name neither)
        found.add("title_tf")
    if "title_training" in found and words & _TRAINING_SAID == {"trained"} \
            and not _TRAINED.search(title.lower()):
        found.discard("title_training")
    return frozenset(found)


def _import_fails(words: frozenset[str], title: str) -> bool:
    """Whether a title about an import says the import fails, short of a native crash."""
    if not CRASH_WORDS.isdisjoint(words):
        return False
    if not FAIL_WORDS.isdisjoint(words):
        return True
    said = words_of(title.lower())
    return any(tuple(said[i:i + 3]) in _CANNOT for i in range(len(said) - 2))
