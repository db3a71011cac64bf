"""Linear warmup then cosine decay (``get_cosine_schedule_with_warmup``)."""
from __future__ import annotations

import math

from tinyhf.schedulers.scheduling_utils import LRScheduler


class CosineScheduleWithWarmup(LRScheduler):
    """Linear warmup, then follows ``num_cycles`` cosine periods (0.5 = decay once to the floor).

    ``min_lr_ratio`` is the floor of the multiplier after warmup.
    """

    name = "cosine"

    def __init__(
        self,
        base_lr: float,
        num_warmup_steps: int,
        num_training_steps: int,
        num_cycles: float = 0.5,
        min_lr_ratio: float = 0.0,
    ) -> None:
        super().__init__(base_lr, num_warmup_steps, num_training_steps)
        if not 0.0 <= min_lr_ratio <= 1.0:
            raise ValueError(f"min_lr_ratio must be in [0, 1], got {min_lr_ratio}")
        if num_cycles <= 0:
            raise ValueError(f"num_cycles must be > 0, got {num_cycles}")
        self.num_cycles = float(num_cycles)
        self.min_lr_ratio = float(min_lr_ratio)

    def lr_lambda(self, step: int) -> float:
        if step < self.num_warmup_steps:
            return self.warmup_factor(step)
        decay_steps = max(1, self.num_training_steps - self.num_warmup_steps)
        progress = min(1.0, float(step - self.num_warmup_steps) / float(decay_steps))
        cosine = 0.5 * (1.0 + math.cos(math.pi * self.num_cycles * 2.0 * progress))
        return self.min_lr_ratio + (1.0 - self.min_lr_ratio) * cosine
