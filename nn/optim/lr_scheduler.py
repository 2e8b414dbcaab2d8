"""Learning-rate schedulers: `StepLR` and `CosineAnnealingLR` on an `LRScheduler` base.

A scheduler sets each parameter group's `lr` from its initial value and the epoch
count; call `scheduler.step()` once per epoch, after `optimizer.step()`:

>>> scheduler = StepLR(optimizer, step_size=30, gamma=0.1)
>>> for epoch in range(100):
...     train(...)              # calls optimizer.step()
...     scheduler.step()

The learning rates follow PyTorch's closed forms exactly (computed from the
initial rates, so no rounding error builds up over many epochs).
"""

from __future__ import annotations

import math
from typing import Any

from .optimizer import Optimizer


class LRScheduler:
    """Base of the schedulers: subclasses give the learning rate of each group at `last_epoch` in `get_lr()`."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: expected an Optimizer, got {type(optimizer).__name__}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{name}: param_groups[{i}] has no 'initial_lr'; resuming with last_epoch={last_epoch} needs "
                        "the optimizer state of the run being resumed"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self.step()

    def get_lr(self) -> list[float]:
        """The learning rate of each parameter group at epoch `last_epoch`."""
        raise NotImplementedError(f"{type(self).__name__}.get_lr() is not implemented")

    def get_last_lr(self) -> list[float]:
        """The learning rates the last `step()` set, one per parameter group."""
        return list(self._last_lr)

    def step(self) -> None:
        """Advance one epoch and set every group's `lr`."""
        self.last_epoch += 1
        lrs = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = list(lrs)

    def state_dict(self) -> dict[str, Any]:
        """The scheduler's state (everything but the optimizer, which has its own `state_dict`)."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by `state_dict()`."""
        self.__dict__.update({k: (list(v) if isinstance(v, list) else v) for k, v in state_dict.items()})


def _check_positive_int(scheduler: str, option: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{scheduler}: {option} must be a positive integer, got {value!r}")


class StepLR(LRScheduler):
    """Multiply the learning rate by `gamma` every `step_size` epochs: lr = base_lr * gamma ** (epoch // step_size).

    >>> scheduler = StepLR(optimizer, step_size=30, gamma=0.1)   # lr 0.05 for epochs 0-29, 0.005 for 30-59, ...
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        _check_positive_int("StepLR", "step_size", step_size)
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """base_lr * gamma ** (last_epoch // step_size) for each group."""
        factor = self.gamma ** (self.last_epoch // self.step_size)
        return [base_lr * factor for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Anneal the learning rate along a cosine from its initial value to `eta_min` over `T_max` epochs.

    lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2 (it rises again after T_max, as in PyTorch).

    >>> scheduler = CosineAnnealingLR(optimizer, T_max=100)
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        _check_positive_int("CosineAnnealingLR", "T_max", T_max)
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """eta_min + (base_lr - eta_min) * (1 + cos(pi * last_epoch / T_max)) / 2 for each group."""
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]
