from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

# A test run started detached (`cmd &` in a script) inherits SIGINT ignored, and so would
# the harness processes the ^C tests start: they would never see their ^C, and five tests
# failed.  A terminal and CI deliver it; the children get the default back.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


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
    # a user's own recipes (~/.config/harness/recipes/peft.toml is read instead of the
    # built-in peft) must not change what the tests load
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.delenv("HARNESS_RECIPES", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    real = Path(os.path.expanduser("~/.cache/harness"))
    before = real.exists() and sorted(p.name for p in real.iterdir())
    yield home
    after = real.exists() and sorted(p.name for p in real.iterdir())
    assert before == after, "a test wrote into the user's real harness cache"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A local Hub stand-in named by ``HF_ENDPOINT``, for a run with ``--online`` (which asks
    the Hub first); yields the paths it was asked for."""
    from tests.testing.hub import local_hub

    with local_hub() as (url, requests):
        monkeypatch.setenv("HF_ENDPOINT", url)
        yield requests
