"""Base class shared by the learning-rate schedulers (pure Python)."""
from __future__ import annotations

from typing import Any


class LRScheduler:
    """Maps a step to ``base_lr * lr_lambda(step)``.

    ``lr_lambda`` can be handed to ``torch.optim.lr_scheduler.LambdaLR`` as is.
    """

    name: str = ""

    def __init__(self, base_lr: float, num_warmup_steps: int, num_training_steps: int) -> None:
        if base_lr < 0:
            raise ValueError(f"base_lr must be >= 0, got {base_lr}")
        if num_warmup_steps < 0:
            raise ValueError(f"num_warmup_steps must be >= 0, got {num_warmup_steps}")
        if num_training_steps <= 0:
            raise ValueError(f"num_training_steps must be > 0, got {num_training_steps}")
        if num_warmup_steps > num_training_steps:
            raise ValueError("num_warmup_steps cannot exceed num_training_steps")
        self.base_lr = float(base_lr)
        self.num_warmup_steps = int(num_warmup_steps)
        self.num_training_steps = int(num_training_steps)
        self.last_step = 0

    def lr_lambda(self, step: int) -> float:
        """Multiplier of ``base_lr`` at ``step``."""
        raise NotImplementedError

    def warmup_factor(self, step: int) -> float:
        """Linear warmup from 0 to 1 over ``num_warmup_steps``."""
        return float(step) / float(max(1, self.num_warmup_steps))

    def get_lr(self, step: int | None = None) -> float:
        step = self.last_step if step is None else step
        if step < 0:
            raise ValueError(f"step must be >= 0, got {step}")
        return self.base_lr * self.lr_lambda(step)

    def step(self) -> float:
        """Advance one step and return the new learning rate."""
        self.last_step += 1
        return self.get_lr()

    def get_last_lr(self) -> float:
        return self.get_lr()

    def schedule(self) -> list[float]:
        """Learning rates for steps ``0 .. num_training_steps``."""
        return [self.get_lr(step) for step in range(self.num_training_steps + 1)]

    def state_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        unknown = set(state_dict) - set(vars(self))
        if unknown:
            raise KeyError(f"Unexpected keys in scheduler state: {sorted(unknown)}")
        vars(self).update(state_dict)

    def __repr__(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in vars(self).items())
        return f"{self.__class__.__name__}({args})"
