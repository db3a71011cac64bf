from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.triage import github_sync
from tests.triage.github_server import FakeGitHub, GitHubServer


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[GitHubServer]:
    """A GitHub-shaped server on 127.0.0.1; the sync does not pause between requests."""
    monkeypatch.setattr(github_sync, "PAUSE", None)
    monkeypatch.delenv("GITHUB_API_URL", raising=False)
    with GitHubServer(FakeGitHub()) as server:
        yield server
