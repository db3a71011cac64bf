"""Test files of the target repository that an issue points at, most likely first.

Only mappings that follow the repositories' layout conventions: transformers'
(:mod:`.transformers_tests`), diffusers' (:mod:`.diffusers_tests`), peft's
(:mod:`.peft_tests`), and test files the issue itself names.
"""
from __future__ import annotations

from harness.recipes import Recipe
from harness.triage import diffusers_examples, diffusers_tests, peft_tests, transformers_tests
from harness.triage.features import Features, package_of
from harness.triage.issues import Issue

Target = tuple[str, str]  # (test path, why)


def _told(issue: Issue) -> str:
    """What the rules read of an issue: its title, then its post."""
    return f"{issue.title}\n{issue.body}"


def find(issue: Issue, f: Features, package: str) -> list[Target]:
    found = [(p, f"names {p}") for p in f.files if p.startswith("tests/") and p.endswith(".py")]
    # where they are at the pin: transformers' old layout's files moved, the tests of
    # diffusers' removed pipelines gone
    at_pin = {"transformers": transformers_tests.moved, "diffusers": diffusers_tests.at_pin}
    if where := at_pin.get(package):
        found = [(now, why if now == p else f"{why}, now {now}")
                 for p, why in found if (now := where(p))]
    rules = {"diffusers": diffusers_tests.find, "peft": peft_tests.find}.get(
        package, transformers_tests.find)
    found += rules(_told(issue), f)
    first: dict[str, str] = {}
    for path, why in found:
        first.setdefault(path, why)
    return list(first.items())


def training_script(package: str, issue: Issue) -> tuple[str, str | None] | None:
    """(its path, the test that launches it or None) of the target's training script the
    issue names (diffusers' examples); None when it names none."""
    if package != "diffusers":
        return None
    return diffusers_examples.named(_told(issue))


def conversion_script(package: str, issue: Issue) -> str | None:
    """The file name of the target's checkpoint conversion script the issue names
    (transformers'); None when it names none."""
    if package != "transformers":
        return None
    return transformers_tests.conversion_script(_told(issue))


def keyword(issue: Issue, recipe: Recipe, path: str) -> str:
    """The pytest ``-k`` that keeps the tests at ``path`` of what the issue is about ("" for
    all of them): peft tests most of its methods in one file, each by its config class."""
    if package_of(recipe) != "peft":
        return ""
    return peft_tests.keyword(_told(issue), path, recipe.verify.cases)


def needs_hub(package: str, path: str) -> bool:
    """Whether the target's tests at ``path`` load small checkpoints from the Hub."""
    rules = {"diffusers": diffusers_tests.needs_hub, "peft": peft_tests.needs_hub}
    return rules.get(package, transformers_tests.needs_hub)(path)
