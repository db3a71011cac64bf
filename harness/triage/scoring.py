"""Beginner fit: a transparent, deterministic sum of weighted features, in 0..1.

Every issue starts at :data:`BASE`; each feature found adds its weight from
:data:`WEIGHTS` and one human-readable reason.  The sum is clipped to 0..1 and cut into
bands.  Weights were set by hand against real transformers, peft and diffusers issues
(beginner-doable laptop bugs above GPU-heavy, vague and question issues); change them
here and nowhere else.
"""
from __future__ import annotations

from typing import NamedTuple

from harness.triage import models
from harness.triage.features import Features
from harness.triage.issues import Issue

BASE = 0.45  # an issue we know nothing about: not quite "medium"
EASY = 0.65  # bands: easy from here up,
MEDIUM = 0.40  # medium from here, hard below
SMALL_MODEL_GB = 2.0  # a model this small runs anywhere

WEIGHTS: dict[str, float] = {
    # maintainers marked it for newcomers: the strongest single signal, though about half
    # of such issues are not in fact solved by newcomers (GFI research), so not decisive
    "beginner_label": 0.22,
    # "Good Second/Difficult Issue" tiers: newcomer-friendly, but less so
    "beginner_label_harder": 0.12,
    # a pasteable reproduction: the first step of the fix is done
    "repro": 0.12,
    # a traceback points at the failing line
    "traceback": 0.05,
    # the expected behaviour is written down: a test can assert it
    "expected": 0.04,
    # one to three files or functions named: a contained change
    "narrow_scope": 0.06,
    # more than six files named: a change across the library
    "wide_scope": -0.08,
    # short and without code or traceback: unclear what to do
    "vague": -0.15,
    # the reproduction loads the reporter's own files (local paths): it cannot run as is
    "private_files": -0.08,
    # kinds: questions want an answer, not a patch
    "question": -0.35,
    # features need design agreement with maintainers first
    "feature": -0.10,
    # adding a model is weeks of work and needs the real weights
    "new-model": -0.28,
    # documentation fixes need no hardware and little context
    "docs": 0.15,
    # the models named are small enough for any laptop
    "small_model": 0.05,
    # the reproduction builds a few-layer model from a config: no download, any laptop
    "built_small": 0.06,
    # the largest model named fits a laptop's memory, slowly
    "laptop_model": -0.04,
    # the largest model named needs more memory than a laptop has
    "big_model": -0.18,
    # hardware the reproduction needs (see features._HARDWARE)
    "multi_gpu": -0.30,
    "quantization": -0.16,  # bitsandbytes, GPTQ, AWQ: CUDA kernels
    "deepspeed": -0.20,
    "fsdp": -0.20,
    "gpu_kernel": -0.15,  # flash-attention, triton, xformers, CUDA OOM and errors
    "tpu": -0.20,
    # CUDA or a GPU mentioned without a harder need: often reproduces on CPU too
    "cuda": -0.05,
    # said to happen on CPU or on a Mac: a laptop reproduces it
    "cpu": 0.05,
    # over 10 comments: contested or subtle; over 25: more so
    "long_discussion": -0.08,
    "very_long_discussion": -0.07,
    # open over a year: the easy ones get fixed sooner
    "old": -0.05,
    # someone is on it
    "assigned": -0.10,
    "linked_pr": -0.15,
    "wip": -0.10,
    # labelled stale or wontfix: maintainers may not want it
    "stale": -0.06,
}

HARDWARE = ("multi_gpu", "quantization", "deepspeed", "fsdp", "gpu_kernel", "tpu", "cuda", "cpu")
GPU_NEEDS = frozenset({"multi_gpu", "quantization", "deepspeed", "fsdp", "gpu_kernel", "tpu"})
_WHY = {
    "multi_gpu": "needs several GPUs or a distributed launch",
    "quantization": "uses quantization kernels (bitsandbytes/GPTQ/AWQ) that need CUDA",
    "deepspeed": "uses DeepSpeed", "fsdp": "uses FSDP",
    "gpu_kernel": "involves GPU kernels or GPU memory (flash-attention, triton, OOM)",
    "tpu": "needs a TPU/XLA or other accelerator",
    "cuda": "mentions CUDA or a GPU (may also reproduce on CPU)",
    "cpu": "happens on CPU or a Mac",
    "question": "reads as a usage question", "feature": "a feature request: needs design",
    "new-model": "asks for a new model", "docs": "a documentation change",
}


class Assessment(NamedTuple):
    issue: Issue
    score: float
    band: str  # "easy", "medium" or "hard"
    needs_gpu: bool
    reasons: tuple[str, ...]  # "+0.22 labelled 'Good First Issue'", biggest effect first
    features: Features


def band(score: float) -> str:
    return "easy" if score >= EASY else "medium" if score >= MEDIUM else "hard"


def assess(issue: Issue, f: Features) -> Assessment:
    found: list[tuple[str, str]] = []  # (weight name, reason)
    if f.beginner_label:
        harder = any(w in f.beginner_label.lower() for w in ("second", "difficult"))
        key = "beginner_label_harder" if harder else "beginner_label"
        found.append((key, f"labelled {f.beginner_label!r}"))
    if f.kind in _WHY:
        found.append((f.kind, _WHY[f.kind]))
    if f.repro:
        found.append(("repro", "has a runnable reproduction"))
    if f.traceback:
        found.append(("traceback", "includes a traceback"))
    if f.expected:
        found.append(("expected", "states the expected behaviour"))
    scope = len(f.files) + len(f.symbols)
    if 1 <= scope <= 3:
        found.append(("narrow_scope", f"narrow scope: {', '.join((*f.files, *f.symbols))}"))
    elif len(f.files) > 6:
        found.append(("wide_scope", f"wide scope: {len(f.files)} files named"))
    if f.chars < 300 and not (f.repro or f.code_blocks or f.traceback or f.files) \
            and f.kind in ("bug", "other"):
        found.append(("vague", "short, with no code or traceback"))
    if f.private_files:
        found.append(("private_files", "the reproduction loads the reporter's own files"))
    found += _model_reasons(f)
    found += [(h, _WHY[h]) for h in HARDWARE if h in f.hardware
              and (h != "cuda" or not f.hardware & GPU_NEEDS)]
    found += _history(f)
    score = min(1.0, max(0.0, BASE + sum(WEIGHTS[k] for k, _ in found)))
    ranked = sorted(found, key=lambda kr: -abs(WEIGHTS[kr[0]]))
    big = f.memory_gb is not None and f.memory_gb > models.CPU_GB
    return Assessment(
        issue=issue, score=round(score, 3), band=band(score),
        needs_gpu=big or bool(f.hardware & GPU_NEEDS),
        reasons=tuple(f"{WEIGHTS[k]:+.2f} {why}" for k, why in ranked), features=f,
    )


def _model_reasons(f: Features) -> list[tuple[str, str]]:
    if f.built_small:
        return [("built_small", "builds a small model from a config (no download)")]
    if f.memory_gb is None:
        return []
    sized = [m for m in f.models if m.billions is not None]
    top = max(sized, key=lambda m: m.billions or 0.0)
    what = f"{top.name} (~{_params(top.billions or 0.0)} parameters, ~{f.memory_gb:.0f} GB)"
    if f.memory_gb <= SMALL_MODEL_GB:
        return [("small_model", f"small model: {what}")]
    if f.memory_gb <= models.CPU_GB:
        return [("laptop_model", f"model fits a laptop, slowly: {what}")]
    return [("big_model", f"model too big for a laptop ({models.CPU_GB:.0f} GB) or a small "
                          f"GPU ({models.SMALL_GPU_GB:.0f} GB): {what}")]


def _params(billions: float) -> str:
    return f"{billions:g}B" if billions >= 1 else f"{billions * 1000:.0f}M"


def _history(f: Features) -> list[tuple[str, str]]:
    found = []
    if f.comments > 10:
        found.append(("long_discussion", f"long discussion ({f.comments} comments)"))
    if f.comments > 25:
        found.append(("very_long_discussion", "very long discussion"))
    if f.age_days > 365:
        found.append(("old", f"open for {f.age_days // 365} year(s)"))
    if f.assignees:
        found.append(("assigned", f"assigned to {', '.join(f.assignees)}"))
    if f.linked_prs:
        prs = ", ".join(f"#{n}" for n in f.linked_prs)
        found.append(("linked_pr", f"an open pull request may fix it ({prs})"))
    found += [(flag, f"labelled {flag}") for flag in sorted(f.flags)]
    return found
