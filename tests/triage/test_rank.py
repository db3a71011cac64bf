"""Assessing a batch: the cycle collector paused meanwhile, then left as it was found."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest

from harness.recipes import load
from harness.triage import rank
from harness.triage.scoring import Assessment
from tests.triage import samples

NOW = datetime(2025, 1, 15, tzinfo=timezone.utc)


def assess_batch() -> list[Assessment]:
    return rank.assess_all(load("transformers"), samples.transformers_issues() * 40, now=NOW)


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_results_go_to_the_oldest_generation_and_the_collector_is_on_again() -> None:
    assessed = assess_batch()
    assert gc.isenabled()
    young = {id(o) for generation in (0, 1) for o in gc.get_objects(generation=generation)}
    results = {id(x) for a in assessed for x in (a, a.features)}
    assert len(results) == 2 * len(assessed) > 200
    assert not results & young  # no pass of the collector will walk them as young objects


@pytest.mark.usefixtures("collector_on")
def test_objects_the_process_froze_stay_frozen() -> None:
    mine = [object()]  # tracked by the collector; frozen, it is in none of its generations
    gc.freeze()
    try:
        assert not any(o is mine for o in gc.get_objects())
        assess_batch()
        assert not any(o is mine for o in gc.get_objects())  # not unfrozen by the batch
    finally:
        gc.unfreeze()
    assert any(o is mine for o in gc.get_objects())  # (the check can see it when unfrozen)


def test_a_collector_turned_off_by_the_caller_stays_off() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        assert len(assess_batch()) > 200
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
