"""The reporter's environment in a post: its System Info sections and the dumps pasted
anywhere else (``transformers env``'s lines, pip's, nvidia-smi's table, TensorFlow's and
JAX's start-up logs).

What the reporter has, not what the bug needs: :func:`.body.parse` keeps it apart from
what the post tells.  A System Info section often tells the problem too, in prose or
code: :func:`told_in` gives that back.
"""
from __future__ import annotations

import re

# headings of the sections that describe the reporter's machine, not the problem
SYSTEM_HEADS = frozenset({
    "system info", "environment", "environment info", "who can help?", "who can help",
    "information", "tasks", "checklist", "system information", "environment information",
    "your environment", "versions", "env", "platform", "hardware", "software",
    "system info / environment", "environment / system info"})

# a line of an environment dump outside a System Info section: `transformers env`'s
# "- `torch` version: 2.1 (GPU?)", "Platform: Linux", "GPU: 2x A100", pip's "torch==2.1.0",
# nvidia-smi's table rows.  What the reporter has, not what the bug needs.
_ENV_LINE = re.compile(
    r"^\s*(?:[-*]\s*)?`?(?:[\w.-]+`?\s+version|platform|python|pytorch|torch|cuda|cudnn|"
    r"gpus?|gpu type|gpu model|nvidia driver|driver version|os|operating system|hardware|"
    r"ram|cpu|using gpu in script|using distributed or parallel set-up in script|"
    r"accelerate config|accelerator|jax|flax|tensorflow|numpy)(?![\w.])`?"
    r"[^:\n]{0,40}:(?:\s*\S|[ \t]*$)|"  # filled in, or a template's line left empty
    r"^\s*[\w.-]+\s*==\s*[\w.+]+\s*$|^\s*\|.*(?:MiB|NVIDIA-SMI|Persistence-M|GPU\s+Name)|"
    r"^\s*[+|][-=+]{10,}",
    re.I | re.M)


# first words of the lines _ENV_LINE may match: a set look-up before any regex (fast)
_ENV_HEADS = frozenset({
    "platform", "python", "pytorch", "torch", "cuda", "cudnn", "gpu", "gpus", "nvidia",
    "driver", "os", "operating", "hardware", "ram", "cpu", "using", "accelerate",
    "accelerator", "jax", "jaxlib", "flax", "tensorflow", "numpy", "transformers",
    "diffusers", "peft", "huggingface_hub", "safetensors", "tokenizers", "bitsandbytes",
    "deepspeed", "xformers", "triton"})


# one of these is in every text that has an environment line (a fast first check)
_ENV_MARKS = ("ersion", "==", "latform", "GPU", "CUDA", "MiB", "NVIDIA", "RAM:", "OS:",
              "ardware", "ccelerat", "PU:", "Successfully installed",
              "Requirement already satisfied", "script?:", ".cc:")
# TensorFlow's (and XLA's) own log of its start, pasted with the output: "2022-11-25
# 18:45:40.340282: I tensorflow/core/platform/cpu_feature_guard.cc:193] This TensorFlow
# binary is optimized ...", "W tensorflow/stream_executor/platform/default/dso_loader.cc:64]
# Could not load dynamic library 'libcudart.so.11.0'", "E external/local_xla/xla/
# stream_executor/cuda/cuda_dnn.cc:9261] Unable to register cuDNN factory".  Printed on
# importing it, whatever the bug: the machine's set-up, not what the bug needs (its paths'
# "xla" read as a TPU: transformers#20457, an import error of Keras; 13 of the 1,871
# labelled posts hold such lines)
_TF_LOG = re.compile(r"\b(?:tensorflow|xla|tsl)/[\w/]+\.cc:\d+\]")
# JAX's own warning on importing it where it finds no accelerator, which `transformers env`
# prints atop the environment it lists: "No GPU/TPU found, falling back to CPU. (Set
# TF_CPP_MIN_LOG_LEVEL=0 and rerun for more info.)", or "An NVIDIA GPU may be present on this
# machine, but a CUDA-enabled jaxlib is not installed. Falling back to cpu."  The reporter's
# machine (one without a GPU), not what the bug needs: read as the post's words, its "TPU"
# flagged a failing `make style` as needing a TPU (transformers#27551)
_JAX_LOG = ("No GPU/TPU found, falling back to CPU", "CUDA-enabled jaxlib is not installed")
# pip's own output: the packages the reporter installed, not what the bug needs
_PIP_OUTPUT = ("Successfully installed ", "Requirement already satisfied")
# a row of `pip list`'s table ("deepspeed      0.14.0+ce78a632"), its header and its rule
# (real post: peft#1593, whose System Info is that table alone)
_PIP_LIST = re.compile(r"^\s*(?:[A-Za-z][\w.\-\[\]]*\s{2,}v?\d+\.[\w.+\-!]*|Package\s+Version"
                       r"|-{3,}\s+-{3,})\s*$")


def _env_line(line: str) -> bool:
    if ".cc:" in line and _TF_LOG.search(line):
        return True
    if "alling back to" in line and any(log in line for log in _JAX_LOG):
        return True
    if line.lstrip().startswith(_PIP_OUTPUT) or (
            ("  " in line or "- -" in line) and _PIP_LIST.match(line)):
        return True
    if ":" not in line and "==" not in line and "|" not in line and "+-" not in line:
        return False
    bare = line.lstrip(" \t-*`")
    if not bare:
        return False
    if bare[0] in "|+":
        return _ENV_LINE.match(line) is not None
    head = bare.split(None, 1)[0].strip("`:").lower()
    if head in _ENV_HEADS or "==" in bare or (" version" in bare[:40].lower()):
        return _ENV_LINE.match(line) is not None
    return False


# a row of `pip list`'s table anywhere in a text: the one environment dump with no mark
# (real post: peft#2716, "In a pc with the packages:" then rows of peft, triton, trl)
_PIP_ROW = re.compile(r"^[ \t]*[A-Za-z][\w.\-\[\]]*[ \t]{2,}v?\d+\.[\w.+\-!]*[ \t]*$", re.M)


def strip_env(text: str) -> tuple[str, str]:
    """(the text without environment-dump lines, those lines)."""
    for mark in _ENV_MARKS:
        if mark in text:
            break
    else:
        if "  " not in text or not _PIP_ROW.search(text):
            return text, ""
    kept: list[str] = []
    env: list[str] = []
    for line in text.split("\n"):
        (env if _env_line(line) else kept).append(line)
    return ("\n".join(kept), "\n".join(env)) if env else (text, "")


# the System Info sections where reporters often tell the problem itself, in prose
PROSE_SYSTEM = frozenset({"system info", "environment", "system information", "environment info",
                          "your environment", "information", "who can help?", "who can help",
                          # a short list of versions with the rest of the post after it, no
                          # heading between (real post: transformers#16721, its launch on
                          # four GPUs read as the reporter's environment)
                          "versions"})
# a line long enough to tell something (found by the regex engine, not a Python loop)
_LONG_LINE = re.compile(r"^[^\n]{40,}", re.M)
# a setting of a pasted config, however long: ``- deepspeed_config: {'zero_stage': 3, ...}``,
# or a line nested under one (``        - distributed_type: DEEPSPEED``)
_CONFIG_LINE = re.compile(r"\s*(?:[-*]\s+)?[\w.]+:\s*[\[{(]|\s{4,}(?:[-*]\s+)?[\w.]+:")
# the @mentions a line opens with ("@ArthurZucker @younesbelkada When using ZeRO-3, ...")
_MENTIONS = re.compile(r"(?:@[\w-]+[\s,:]*)+")


def prose_of(section: str) -> str:
    """The problem told in prose inside a System Info section: long lines outside code
    blocks that are not ``key: value`` pairs (nor a config's settings, however long),
    checkboxes, @mentions alone or environment lines (a link alone counts: it names the
    file at fault).  A line that opens with @mentions is told from where they end ("Who can
    help?" is often where the problem is told)."""
    told: list[str] = []
    for piece in section.split("```")[::2]:  # outside code blocks
        for line in _LONG_LINE.findall(piece):
            said = line
            bare = line.strip()
            if bare.startswith("@") and (mentions := _MENTIONS.match(bare)):
                said = bare = bare[mentions.end():]
            if len(bare) < 40 or bare.startswith(("- [", "* [", "|")) \
                    or (":" in bare[:45] and (len(bare) < 90 or _CONFIG_LINE.match(said))) \
                    or _env_line(said):
                continue
            told.append(said)
    return "\n".join(told)


# a code block that holds a reproduction or a traceback, not an environment's listing; or
# the command that ran it, a script with its arguments or a launcher ("python -m
# torch.distributed.launch --nproc_per_node 4 train.py": real post, transformers#16721)
_TOLD_CODE = re.compile(r"^\s*(?:from \S+ import |import \S|\w+(?:Error|Exception): "
                        r"|!?python3? (?:-m )?[\w.]+ -|torchrun |accelerate launch |deepspeed )"
                        r"|Traceback \(most recent call last\)", re.M)


def told_in(section: str) -> str:
    """What a System Info section tells of the problem: its prose (:func:`prose_of`) and
    the code blocks that hold a reproduction or a traceback, fenced again.  Old templates'
    "Information" section often holds the whole report, code and traceback."""
    blocks = [f"```\n{b}\n```" for b in section.split("```")[1::2] if _TOLD_CODE.search(b)]
    return "\n".join(filter(None, (prose_of(section), *blocks)))
