from __future__ import annotations

import math

import pytest

from tinyhf.schedulers.scheduling_cosine import CosineScheduleWithWarmup


def make(**kwargs: float) -> CosineScheduleWithWarmup:
    params = {"base_lr": 1.0, "num_warmup_steps": 2, "num_training_steps": 12, **kwargs}
    return CosineScheduleWithWarmup(**params)


@pytest.mark.parametrize(("step", "expected"), [(0, 0.0), (1, 0.5), (2, 1.0), (7, 0.5), (12, 0.0), (20, 0.0)])
def test_known_values(step: int, expected: float) -> None:
    assert make().get_lr(step) == pytest.approx(expected, abs=1e-12)


def test_matches_closed_form() -> None:
    scheduler = make(num_warmup_steps=0, num_training_steps=8)
    for step in range(9):
        assert scheduler.get_lr(step) == pytest.approx(0.5 * (1 + math.cos(math.pi * step / 8)))


def test_monotonic_decay_for_half_cycle() -> None:
    lrs = make().schedule()[2:]
    assert all(a >= b for a, b in zip(lrs, lrs[1:]))


def test_full_cycle_returns_to_peak() -> None:
    scheduler = make(num_warmup_steps=0, num_training_steps=10, num_cycles=1.0)
    assert scheduler.get_lr(5) == pytest.approx(0.0, abs=1e-12)
    assert scheduler.get_lr(10) == pytest.approx(1.0)


@pytest.mark.parametrize("min_lr_ratio", [0.0, 0.1, 0.5])
def test_min_lr_ratio_is_a_floor(min_lr_ratio: float) -> None:
    scheduler = make(min_lr_ratio=min_lr_ratio)
    assert min(scheduler.schedule()[2:]) == pytest.approx(min_lr_ratio)
    assert scheduler.get_lr(2) == pytest.approx(1.0)


def test_base_lr_scales_schedule() -> None:
    assert make(base_lr=3e-4).schedule() == pytest.approx([3e-4 * lr for lr in make().schedule()])


def test_state_dict_includes_cosine_parameters() -> None:
    scheduler = make(num_cycles=2.0, min_lr_ratio=0.2)
    scheduler.step()
    state = scheduler.state_dict()
    assert state["num_cycles"] == 2.0 and state["min_lr_ratio"] == 0.2 and state["last_step"] == 1


@pytest.mark.parametrize("kwargs", [{"min_lr_ratio": -0.1}, {"min_lr_ratio": 1.5}, {"num_cycles": 0.0}])
def test_invalid_arguments_raise(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        make(**kwargs)


def test_get_scheduler_builds_cosine() -> None:
    from tinyhf.schedulers import get_scheduler

    scheduler = get_scheduler("cosine", base_lr=1.0, num_warmup_steps=0, num_training_steps=4)
    assert isinstance(scheduler, CosineScheduleWithWarmup)


def test_schedulers_do_not_import_torch() -> None:
    import os
    import subprocess
    import sys

    code = "import sys, tinyhf.schedulers.scheduling_cosine; print('torch' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip() == "False"
