from __future__ import annotations

import pytest

from tinyhf.schedulers import get_scheduler
from tinyhf.schedulers.scheduling_linear import LinearScheduleWithWarmup


@pytest.fixture
def scheduler() -> LinearScheduleWithWarmup:
    return LinearScheduleWithWarmup(base_lr=1.0, num_warmup_steps=2, num_training_steps=10)


@pytest.mark.parametrize(
    ("step", "expected"), [(0, 0.0), (1, 0.5), (2, 1.0), (6, 0.5), (10, 0.0), (15, 0.0)]
)
def test_known_values(scheduler: LinearScheduleWithWarmup, step: int, expected: float) -> None:
    assert scheduler.get_lr(step) == pytest.approx(expected)


def test_matches_transformers_reference_schedule() -> None:
    scheduler = LinearScheduleWithWarmup(base_lr=10.0, num_warmup_steps=2, num_training_steps=10)
    expected = [0.0, 5.0, 10.0, 8.75, 7.5, 6.25, 5.0, 3.75, 2.5, 1.25]
    assert scheduler.schedule()[:10] == pytest.approx(expected)


def test_monotonic_after_warmup(scheduler: LinearScheduleWithWarmup) -> None:
    lrs = scheduler.schedule()[scheduler.num_warmup_steps :]
    assert all(a >= b for a, b in zip(lrs, lrs[1:]))


def test_no_warmup_starts_at_base_lr() -> None:
    scheduler = LinearScheduleWithWarmup(base_lr=0.1, num_warmup_steps=0, num_training_steps=4)
    assert scheduler.get_lr(0) == pytest.approx(0.1)


def test_step_advances_and_returns_lr(scheduler: LinearScheduleWithWarmup) -> None:
    assert scheduler.get_last_lr() == 0.0
    assert [scheduler.step() for _ in range(3)] == pytest.approx([0.5, 1.0, 0.875])
    assert scheduler.last_step == 3


def test_state_dict_roundtrip(scheduler: LinearScheduleWithWarmup) -> None:
    for _ in range(4):
        scheduler.step()
    restored = LinearScheduleWithWarmup(base_lr=1.0, num_warmup_steps=2, num_training_steps=10)
    restored.load_state_dict(scheduler.state_dict())
    assert restored.last_step == 4 and restored.get_last_lr() == scheduler.get_last_lr()
    with pytest.raises(KeyError):
        restored.load_state_dict({"bogus": 1})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_lr": -1.0, "num_warmup_steps": 0, "num_training_steps": 10},
        {"base_lr": 1.0, "num_warmup_steps": -1, "num_training_steps": 10},
        {"base_lr": 1.0, "num_warmup_steps": 0, "num_training_steps": 0},
        {"base_lr": 1.0, "num_warmup_steps": 11, "num_training_steps": 10},
    ],
)
def test_invalid_arguments_raise(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        LinearScheduleWithWarmup(**kwargs)


def test_negative_step_raises(scheduler: LinearScheduleWithWarmup) -> None:
    with pytest.raises(ValueError):
        scheduler.get_lr(-1)


def test_get_scheduler_by_name() -> None:
    scheduler = get_scheduler("linear", base_lr=1.0, num_warmup_steps=0, num_training_steps=5)
    assert isinstance(scheduler, LinearScheduleWithWarmup) and scheduler.name == "linear"
    with pytest.raises(ValueError, match="Unknown scheduler"):
        get_scheduler("exponential", base_lr=1.0, num_warmup_steps=0, num_training_steps=5)
