"""What to run to reproduce an issue: test files, the recipe's subset, the command.

An issue names a model type (``LlamaForCausalLM``, ``models/llama/``, "bert-base-uncased"),
a scheduler (``DDIMScheduler``), a pipeline or a tuner; those map to test files of the
target repository.  A recipe subset that covers the file is run as it is; otherwise the
file replaces the paths of the default subset (``harness reproduce --tests``).
"""
from __future__ import annotations

import shlex
from typing import NamedTuple

from harness import recipes
from harness.recipes import Recipe, Subset
from harness.triage import targets
from harness.triage.features import Features, package_of
from harness.triage.issues import Issue


class Suggestion(NamedTuple):
    subset: str  # "" when no test reproduces it (a documentation issue)
    tests: tuple[str, ...]  # test files or directories, most likely first
    command: str
    why: str
    action: str = "reproduce"  # what the command does: "reproduce", or "check a fix"


def suggest(issue: Issue, recipe: Recipe, features: Features, gpu: str) -> Suggestion:
    """``gpu``: the GPU column's answer (:func:`.scoring.gpu_answer`).  A GPU subset only
    for "yes": a "maybe" is flagged low, to miss few (of the 96 that four fresh sets of real
    issues call "maybe", 27 need a GPU by their labels; 52 of the 96 were sent to a GPU
    subset, which a laptop cannot run): it runs on the CPU first, and the why names the
    GPU subset that runs the same tests."""
    if features.kind == "docs":
        return _docs(recipe)
    # a TPU (XLA, Gaudi) is no CUDA GPU: a GPU subset cannot show what only a TPU does, and
    # no subset runs on one (real post: transformers#9533, a crash on a TPU pod, was sent
    # to a GPU subset): the code is checked on CPU, and the suggestion says so
    if "tpu" in features.hardware:
        suggestion = _suggest(issue, recipe, features, False)
        return suggestion._replace(why=f"{suggestion.why}; it names a TPU, which no subset "
                                       f"runs on: this checks the code on the CPU")
    suggestion = _suggest(issue, recipe, features, gpu == "yes")
    if gpu == "yes" and recipe.subsets[suggestion.subset].device != "cuda":
        # diffusers has a GPU subset for one UNet only: a GPU issue's tests run on the CPU,
        # where those that need CUDA skip; the why says so (it said nothing)
        return suggestion._replace(why=f"{suggestion.why}; it needs a GPU, and no subset runs "
                                       f"these tests on one: here they run on the CPU, "
                                       f"where its GPU tests skip")
    if gpu == "maybe":
        on_gpu = _suggest(issue, recipe, features, True)
        if recipe.subsets[on_gpu.subset].device == "cuda":
            return suggestion._replace(why=f"{suggestion.why}; it may need a GPU: subset "
                                           f"{on_gpu.subset!r} runs it on one")
    return suggestion


def _suggest(issue: Issue, recipe: Recipe, features: Features, needs_gpu: bool) -> Suggestion:
    suggestion = _tests(issue, recipe, features, needs_gpu)
    if script := targets.conversion_script(package_of(recipe), issue):
        # the tests of the model it converts to pass whatever the script does (real post
        # transformers#33760, "convert_llama_weights_to_hf.py - problem converting llama 3.2
        # 1B", was sent to llama's model tests and told nothing more)
        return suggestion._replace(why=f"{suggestion.why}; about the checkpoint conversion "
                                       f"script {script}, which no test runs (it is run by "
                                       f"hand on the original checkpoint): these tests do "
                                       f"not check it")
    return suggestion


def _tests(issue: Issue, recipe: Recipe, features: Features, needs_gpu: bool) -> Suggestion:
    package = package_of(recipe)
    found = targets.find(issue, features, package)
    if not found:
        base = _base(recipe, needs_gpu)
        why = "no model, scheduler or test named: the default subset"
        if script := targets.training_script(package, issue):
            why = _script_why(recipe, *script)
        return Suggestion(base.name, base.paths, _nox(recipe, base), why)
    path, why = found[0]
    tests = tuple(p for p, _ in found[:3])
    k = targets.keyword(issue, recipe, path)
    # told, not added to the command (offline, --online waits on every download)
    hub = "; its tests load small checkpoints from the Hub: add --online to run them" \
        if targets.needs_hub(package, path) else ""
    if k:
        why = f"{why}: -k {k!r} keeps its tests of {path}"
    covering = _covering(recipe, path, needs_gpu)
    if covering is not None and path in covering.paths:
        if k:
            return Suggestion(covering.name, tests, _harness(recipe, covering, "", k),
                              f"{why}, within subset {covering.name!r}{hub}")
        return Suggestion(covering.name, tests, _nox(recipe, covering),
                          f"{why}: subset {covering.name!r} runs {path}{hub}")
    if covering is not None:  # a directory subset: narrow it to the file
        return Suggestion(covering.name, tests, _harness(recipe, covering, path, k),
                          f"{why}: within subset {covering.name!r}{hub}")
    base = _base(recipe, needs_gpu)
    why = f"{why}: no subset runs it, so it replaces the paths of {base.name!r}{hub}"
    return Suggestion(base.name, tests, _harness(recipe, base, path, k), why)


def _script_why(recipe: Recipe, script: str, test: str | None) -> str:
    """Why a post about a training script gets the default subset: where the script's tests
    are, and what they need that no subset has (real post diffusers#3700, "Not able to use
    min_snr argument in train_text_to_image_lora.py", was told "no model, scheduler or test
    named")."""
    if test is None:
        return f"about the training script {script}, which no test at the pin runs: the " \
               f"default subset"
    lacks = ", import torchvision, which the recipe's env leaves out," \
        if "torchvision" in recipe.install.exclude else ""
    return f"about the training script {script}: its tests ({test}) launch it with " \
           f"accelerate{lacks} and load small checkpoints from the Hub; no subset runs " \
           f"them: the default subset"


def _docs(recipe: Recipe) -> Suggestion:
    """A documentation issue: no test shows it (real post: transformers#22391, "Docs: Clarify
    stride for upcoming token classification pipeline", was sent to that pipeline's
    tests), but its pull request faces the checks (lint, docs style, consistency), which
    ``harness verify`` runs on the fix."""
    return Suggestion("", (), f"harness verify {recipe.name} --commit HEAD",
                      "a documentation issue: no test reproduces it; once the fix is "
                      "committed, verify runs the checks its pull request faces, and the "
                      "tests of any code it changes", action="check a fix")


def _covering(recipe: Recipe, path: str, gpu: bool) -> Subset | None:
    """The subset that runs ``path``, on the device the issue needs where there is a choice."""
    found = [s for s in recipe.subsets.values() if recipes.covers(s, path)]
    found.sort(key=lambda s: (s.device != ("cuda" if gpu else "cpu"), path not in s.paths,
                              s.name != recipe.default_subset, s.name))
    return found[0] if found else None


def _base(recipe: Recipe, gpu: bool) -> Subset:
    default = recipe.subset(None)
    if gpu and default.device != "cuda":
        same = [s for s in recipe.subsets.values() if s.device == "cuda"
                and set(s.paths) == set(default.paths)]
        return same[0] if same else default
    return default


def _nox(recipe: Recipe, subset: Subset) -> str:
    return f"nox -s reproduce -- {recipe.name} --subset {subset.name}"


def _harness(recipe: Recipe, subset: Subset, path: str, k: str = "") -> str:
    """``harness reproduce`` on ``subset``, its paths replaced by ``path`` (if any), its -k by
    ``k`` (if any)."""
    parts = ["harness", "reproduce", recipe.name, "--subset", subset.name]
    parts += ["--tests", path] if path else []
    parts += ["-k", k] if k else []
    return shlex.join(parts)
