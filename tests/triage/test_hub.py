"""Opt-in model sizes from the Hub, against a local stand-in at HF_ENDPOINT (never the Hub)."""
from __future__ import annotations

import json
import os
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar
from urllib.parse import urlsplit

import pytest

from harness import network
from harness.errors import HarnessError
from harness.recipes import load
from harness.triage import hub, rank
from tests.testing.hub import closed_port, serving
from tests.triage.samples import issue

SIZES = {"acme/house-model": 30_000_000_000, "acme/small-model": 60_000_000}


class _Hub(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/api/models/"):
            self.seen.append(path)
        name = path.removeprefix("/api/models/")
        if name in SIZES:
            body = json.dumps({"id": name, "safetensors": {"parameters": {"BF16": SIZES[name]},
                                                           "total": SIZES[name]}}).encode()
            self.send_response(200)
        else:
            body = b'{"error": "Repository not found"}'
            self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def hub_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    with serving(_Hub) as url:
        monkeypatch.setenv("HF_ENDPOINT", url)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
        _Hub.seen = []
        yield _Hub.seen


def test_parameter_counts_are_asked_once(hub_server: list[str]) -> None:
    names = ["acme/house-model", "acme/small-model", "acme/missing"]
    assert hub.parameter_counts(names) == {"acme/house-model": 30.0, "acme/small-model": 0.06}
    assert len(hub_server) == 3
    assert hub.parameter_counts(names) == {"acme/house-model": 30.0, "acme/small-model": 0.06}
    assert len(hub_server) == 3  # cached, unknown ones too


def test_offline_asks_nothing(hub_server: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub.parameter_counts(["acme/house-model"]) == {}
    assert hub_server == []


def test_sizes_from_the_hub_reach_the_score(hub_server: list[str]) -> None:
    recipe = load("transformers")
    body = '```python\nm = AutoModel.from_pretrained("acme/house-model")\nm(x)\n```'
    items = [issue(1, "house-model crashes", body)]  # the model the bug is in
    (without,) = rank.assess_all(recipe, items)
    (with_hub,) = rank.assess_all(recipe, items, use_hub=True)
    assert not without.needs_gpu and with_hub.needs_gpu
    assert any("acme/house-model (~30B parameters" in r for r in with_hub.reasons)


def test_no_hub_is_one_line_and_remembers_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", closed_port())
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(HarnessError, match=r"^--hub: the Hub at http://127\.0\.0\.1:\d+ does "
                                           r"not answer \(") as e:
        hub.parameter_counts(["acme/house-model"])
    assert e.value.hint and "without --hub" in e.value.hint
    assert network.CHECK in e.value.hint  # what to look at, as --online and doctor say
    assert not hub.cache_path().exists()


class _Drops(BaseHTTPRequestHandler):
    """Answers the front door, then drops every look-up without a word (a flaky network)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.end_headers()

    def do_GET(self) -> None:
        self.close_connection = True


def test_a_look_up_the_network_dropped_is_asked_again(hub_server: list[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    good = os.environ["HF_ENDPOINT"]
    with serving(_Drops) as url:
        monkeypatch.setenv("HF_ENDPOINT", url)
        assert hub.parameter_counts(["acme/house-model"]) == {}
    monkeypatch.setenv("HF_ENDPOINT", good)
    assert hub.parameter_counts(["acme/house-model"]) == {"acme/house-model": 30.0}
    assert hub_server == ["/api/models/acme/house-model"]
