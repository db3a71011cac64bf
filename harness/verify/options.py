"""What ``harness verify`` is asked to do: the command line, as a value."""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BUDGET = 30.0  # seconds of tests per run (each side), estimated


@dataclass(frozen=True)
class Options:
    recipe: str
    patch: str | None = None
    commit: str | None = None
    repo_path: str = "."
    pr: int | None = None
    base: str | None = None
    subset: str | None = None
    source: str | None = None
    run_all: bool = False
    use_cache: bool = True
    backend: str = "auto"
    base_image: str | None = None  # docker backend: the image envs are built on
    budget: float = DEFAULT_BUDGET
    run_checks: bool = True
    online: bool = False  # the tests may reach the network (the Hub)
    gpu: bool = False  # the tests run on the CUDA GPU (the same selection)
    slow: bool = False  # the tests the target marks slow run too ([verify] slow_env)
    # the change means to alter no behaviour (a refactor, a cleanup): without tests of its
    # own, it is ok when the selected tests ran before and after it and nothing broke
    refactor: bool = False
