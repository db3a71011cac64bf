"""Linear warmup then linear decay to zero (``get_linear_schedule_with_warmup``)."""
from __future__ import annotations

from tinyhf.schedulers.scheduling_utils import LRScheduler


class LinearScheduleWithWarmup(LRScheduler):
    """Rises linearly from 0 to ``base_lr`` during warmup, then decays linearly to 0."""

    name = "linear"

    def lr_lambda(self, step: int) -> float:
        if step < self.num_warmup_steps:
            return self.warmup_factor(step)
        remaining = self.num_training_steps - step
        return max(0.0, float(remaining) / float(max(1, self.num_training_steps - self.num_warmup_steps)))
