"""--online asks the Hub once before the tests do: no network is one line, not a long wait."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from harness import network
from harness.errors import HarnessError
from harness.progress import Ui
from harness.reproduce import Options, reproduce
from harness.verify.core import verify
from harness.verify.options import Options as VerifyOptions
from tests.test_cli import error_line, harness
from tests.testing.hub import closed_port, local_hub
from tests.testing.repos import TINY_TARGET, make_repo, tiny_recipe


@pytest.mark.parametrize("status", [200, 401, 404, 503])
def test_any_answer_is_a_reachable_hub(status: int) -> None:
    with local_hub(status) as (url, requests):
        network.check_hub({"HF_ENDPOINT": url + "/"})
    assert requests == ["/"]


def test_the_run_s_endpoint_wins_over_the_caller_s(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", closed_port())
    with local_hub() as (url, requests):
        network.check_hub({"HF_ENDPOINT": url})
    assert requests == ["/"]
    monkeypatch.delenv("HF_ENDPOINT")
    assert network.endpoint({}) == "https://huggingface.co"


def test_no_answer_is_one_line_that_says_what_to_do() -> None:
    url = closed_port()
    with pytest.raises(HarnessError) as e:
        network.check_hub({"HF_ENDPOINT": url})
    assert e.value.message.startswith(f"--online: the Hub at {url} does not answer (")
    assert "\n" not in e.value.message
    assert e.value.hint and "without --online" in e.value.hint


def test_reproduce_online_without_a_hub_stops_before_the_checkout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    recipe = tiny_recipe(tmp_path / "t.toml", str(make_repo(tmp_path / "src", TINY_TARGET)))
    monkeypatch.setenv("HF_ENDPOINT", closed_port())
    start = time.monotonic()
    with pytest.raises(HarnessError, match="does not answer"):
        reproduce(Options(recipe=str(recipe), online=True), Ui(quiet=True))
    with pytest.raises(HarnessError, match="does not answer"):
        verify(VerifyOptions(recipe=str(recipe), online=True), Ui(quiet=True))
    assert time.monotonic() - start < 30
    home = Path(os.environ["HARNESS_HOME"])  # nothing cloned or built for a run that can't go on
    assert sorted(p.name for p in home.iterdir()) == []


def test_cli_says_it_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", closed_port())
    proc = harness("reproduce", "demo", "--online")
    assert proc.returncode == 2
    assert "the Hub at http://127.0.0.1:" in error_line(proc)
    assert "without --online" in proc.stderr
