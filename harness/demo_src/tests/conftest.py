"""Marker logic: ``slow`` runs only with RUN_SLOW=1, ``requires_cuda`` only with a GPU."""
from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long-running test, skipped unless RUN_SLOW=1")
    config.addinivalue_line("markers", "requires_cuda: needs a CUDA device, skipped otherwise")


def _cuda_available() -> bool:
    import torch  # imported only when a collected test asks for CUDA

    return torch.cuda.is_available()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    run_slow = os.environ.get("RUN_SLOW", "").lower() in {"1", "true", "yes"}
    cuda: bool | None = None
    for item in items:
        if item.get_closest_marker("slow") and not run_slow:
            item.add_marker(pytest.mark.skip(reason="slow test: set RUN_SLOW=1 to run"))
        if item.get_closest_marker("requires_cuda"):
            cuda = _cuda_available() if cuda is None else cuda
            if not cuda:
                item.add_marker(pytest.mark.skip(reason="test requires CUDA"))
