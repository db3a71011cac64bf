"""The hardware an issue talks about: several GPUs, CUDA kernels, DeepSpeed, a CPU.

Word and substring look-ups rather than one big regular expression: scoring 10,000
issues must take well under a second.
"""
from __future__ import annotations

import re

from harness.triage.body import Body, add_phrase_groups, phrase_index, words_of

# fp8, also by its dtypes' names ('torch_dtype=torch.float8_e4m3fn', real post:
# transformers#33186, needing a GPU by both its readers): GPU kernels (and .cues' "kernels")
FP8 = frozenset({"fp8", "float8", "float8_e4m3fn", "float8_e5m2"})
# group → whole words (as \w+ finds them in the lower-cased text)
WORDS: dict[str, frozenset[str]] = {
    "multi_gpu": frozenset({"torchrun", "ddp", "nccl", "multigpu", "tp_plan", "deepspeed_launcher",
                            "distributeddataparallel", "nproc_per_node", "tensor_parallel",
                            # nn.DataParallel: one process over several GPUs (6 of the 7
                            # labelled issues that name it need a GPU)
                            "dataparallel",
                            # tensor-parallel layers (Megatron, vLLM): sharded over GPUs
                            "columnparallellinear", "rowparallellinear",
                            "vocabparallelembedding", "tp_layer",
                            # context (sequence) parallelism: one sequence split over GPUs
                            # (ring attention; Ulysses, found inside names: see found())
                            "ring_degree", "context_parallel", "contextparallelconfig",
                            # DistributedDataParallel's own argument, and the Trainer's
                            "find_unused_parameters", "ddp_find_unused_parameters"}),
    "quantization": frozenset({"bitsandbytes", "bnb", "load_in_4bit", "load_in_8bit", "qlora",
                               "nf4", "gptq", "awq", "hqq", "torchao", "int8", "4bit", "8bit",
                               "bitsandbytesconfig", "bnb_4bit_compute_dtype", "linear4bit",
                               "linear8bitlt", "params4bit", "quantization", "quantized",
                               "qdora", "quantlinear", "int4", "auto_gptq", "autogptq",
                               "quantization_config", "paged_adamw_8bit", "adamw_bnb_8bit"}),
    "deepspeed": frozenset({"deepspeed", "zero3", "zero_stage", "zero_optimization"}),
    "fsdp": frozenset({"fsdp", "fsdp2", "fullyshardeddataparallel", "fsdp_config"}),
    "gpu_kernel": frozenset({"flash_attn", "flash_attention_2", "flash_attention_3", "triton",
                             "xformers", "oom", "cudnn", "liger", "vllm",
                             "flashattention", "outofmemoryerror"}) | FP8,
    "tpu": frozenset({"tpu", "torch_xla", "xla", "hpu", "gaudi"}),
    "cuda": frozenset({"cuda", "gpu", "gpus", "nvidia", "a100", "h100", "v100", "t4",
                       "device_map"}),
    "cpu": frozenset({"mps", "macbook"}),
}
# group → substrings of the lower-cased text
PHRASES: dict[str, tuple[str, ...]] = {
    "multi_gpu": ("multi-gpu", "multi gpu", "multiple gpus", "parallel gpus", "multi-node",
                  "nproc-per-node",
                  "tensor parallel", "tensor-parallel", "pipeline parallel", "model parallel",
                  "context parallel", "context-parallel", "sequence parallel", "ring attention",
                  # DistributedDataParallel's error for a parameter no loss used ("Expected to
                  # have finished reduction in the prior iteration before starting a new
                  # one", peft#393: a GPU issue by both its readers, told in its title alone)
                  "finished reduction in the prior iteration"),
    "quantization": ("4-bit", "8-bit"),
    "deepspeed": ("zero-3",),
    "gpu_kernel": ("flash-attn", "flash attention", "flash-attention", "out of memory",
                   "cuda error", "device-side assert"),
    "cpu": ("on cpu", "on the cpu", "cpu-only", "cpu only", "device=\"cpu\"", "device='cpu'",
            "apple silicon", " m1 ", " m2 ", " m3 ", " m4 "),
}
# one inverted index: a word of the text → the groups it means, and the phrases it may open
_GROUP_OF = {w: g for g, words in WORDS.items() for w in words}
_PHRASES_AT = phrase_index(PHRASES)
_GATES = frozenset(_PHRASES_AT)
_VOCAB = frozenset(_GROUP_OF) | _GATES | {"gpus", "num_processes"}
# the GPUs whose names a count of them may stand before ("8 A100 GPUs", "4xA100")
_GPU_MODELS = ("a100", "h100", "h200", "v100", "a10", "a10g", "l4", "t4", "a6000", "4090")
_ANY_MODEL = "|".join(_GPU_MODELS)
# "4xA100", "2xGPU": one word each
_MULTI_WORDS = frozenset(f"{n}x{gpu}" for n in range(2, 17)
                         for gpu in (*_GPU_MODELS, "gpu", "gpus"))
# a count of GPUs above one, in a post or a System Info line: "4xA100-40GB", "2 x RTX 4090",
# "8 A100-80GB GPUs", "16 GPUs", "(2 GPUs)", "GPUs: 8", "num_processes: 4" (not "1x",
# "1 GPU", "GPU 2", "cuda:2"; nor "4 GPU cards": a count before a singular GPU is read only
# with an "x", "2xGPU", as a post's words gate it: found())
_SEVERAL = re.compile(
    r"(?<![\w.:-])(?:[2-9]|[1-9]\d+)"
    rf"(?:\s?x\s?(?:(?:nvidia|geforce|tesla|rtx)[\s-]?)*(?:{_ANY_MODEL}|gpus?)\b"
    rf"|\s+(?:(?:nvidia|geforce|tesla|rtx)[\s-]?)*(?:(?:{_ANY_MODEL})[\w-]*\s+)?gpus\b)"
    r"|(?:gpus|num_processes)\W{1,3}(?:[2-9]|[1-9]\d+)\b(?!\.\d)")


def several_gpus(low: str) -> bool:
    """Whether lower-cased text counts more than one GPU (:data:`_SEVERAL`): the one reading
    of a count, for the post and for each line of its System Info.  Every count it reads
    holds "gpus", "num_processes" or an "x": text with none is not searched."""
    return ("gpus" in low or "x" in low or "num_processes" in low) \
        and _SEVERAL.search(low) is not None


def found(body: Body) -> frozenset[str]:
    hits = body.words & _VOCAB  # one set operation; then only the few words found
    groups = {_GROUP_OF[w] for w in hits if w in _GROUP_OF}
    add_phrase_groups(body, _PHRASES_AT, hits & _GATES, groups)
    if ("gpus" in hits or "num_processes" in hits or not body.words.isdisjoint(_MULTI_WORDS)) \
            and several_gpus(body.low):
        groups.add("multi_gpu")
    # Ulysses' context parallelism, also inside a name (``TemplatedUlyssesAttention``,
    # ``ulysses_degree``; real posts: diffusers#12761, #14041)
    if "multi_gpu" not in groups and "ulysses" in body.low:
        groups.add("multi_gpu")
    if "quantization" in groups and "gguf" in body.words \
            and body.words.isdisjoint(_KERNEL_QUANTIZATION):
        groups.discard("quantization")  # GGUF's quantized tensors: dequantized on load
    if "quantization" in groups and _quantization_in_code_only(body):
        groups.discard("quantization")
        groups.add("quantization_code")
    return frozenset(groups | _from_system(body))


# the quantization words that name a library or a layout with CUDA kernels, not any quantized
# weights: GGUF files (llama.cpp's) are quantized too, and transformers and diffusers
# dequantize them on load, on a CPU as well ("Besides quantization, only F32 is implemented"
# flagged transformers#31762 as needing a GPU; none of the 5 labelled issues that speak of
# GGUF, of the dev set and eight fresh sets, needs one)
_KERNEL_QUANTIZATION = WORDS["quantization"] - {"quantization", "quantized", "int8", "int4",
                                               "4bit", "8bit", "quantization_config"}
# what speaks of quantization inside a word too: ``BnB4BitDiffusersQuantizer``, "quantize"
_QUANTIZATION_SPOKEN = (*PHRASES["quantization"], "quantiz", "bnb", "4bit", "8bit",
                        "bitsandbytes", "gptq", "awq")


def _quantization_in_code_only(body: Body) -> bool:
    """Whether quantization's words are in the code blocks and nowhere in the title or prose:
    a ``BitsAndBytesConfig`` in a pasted script the post never speaks of (of 6 such
    labelled issues, 2 need a GPU; of 33 that speak of it, 27).  A name in the prose that
    holds one (``BnB4BitDiffusersQuantizer.create_quantized_param()`` in a title) speaks
    of it."""
    if not body.code:
        return False
    told = body.prose.lower()
    return WORDS["quantization"].isdisjoint(words_of(told)) \
        and not any(p in told for p in _QUANTIZATION_SPOKEN)


def _from_system(body: Body) -> set[str]:
    """What the System Info says the reporter used: their machine, not what the bug needs
    (``sys_gpu``, ``sys_multi_gpu``: weighed apart from the same words in the text)."""
    groups: set[str] = set()
    if not body.system:
        return groups
    low = body.system.lower()
    if "+cpu" in low or "cpu only" in low or "cpu-only" in low:  # a CPU build of torch
        groups.add("sys_cpu")
    for line in _lines_with(low, ("gpu", "parallel", "num_processes")):
        key, _, value = line.partition(":")
        yes = value.strip(" `").startswith(("yes", "true"))
        if ("distributed" in key or "parallel" in key) and yes:
            groups.add("sys_multi_gpu")
        elif "gpu" in key and ("using" in key or "type" in key) and (yes or "nvidia" in value):
            groups.add("sys_gpu")
        if several_gpus(line):  # "GPUs: 4xA100-40GB", "num_processes: 8"
            groups.add("sys_multi_gpu")
    return groups


def _lines_with(text: str, words: tuple[str, ...]) -> list[str]:
    """The lines of ``text`` that hold one of ``words``, in order (found with str.find:
    a System Info of many lines has few about GPUs)."""
    starts: dict[int, int] = {}
    for word in words:
        at = text.find(word)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            starts[start] = end
            at = text.find(word, end)
    return [text[start:starts[start]] for start in sorted(starts)]
