from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Never touch the user's real harness cache, config or recipes dir.

    Every test gets its own HARNESS_HOME and an empty config; a test that needs the
    cache shared across tests (slow env builds) asks for ``shared_home`` instead.
    """
    home = tmp_path_factory.mktemp("harness-home")
    monkeypatch.setenv("HARNESS_HOME", str(home))
    monkeypatch.setenv("HARNESS_CONFIG", str(home / "config.toml"))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    real = Path(os.path.expanduser("~/.cache/harness"))
    before = real.exists() and sorted(p.name for p in real.iterdir())
    yield home
    after = real.exists() and sorted(p.name for p in real.iterdir())
    assert before == after, "a test wrote into the user's real harness cache"
