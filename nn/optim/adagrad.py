"""`Adagrad`: each coordinate's step divided by the root of its summed squared gradients (PyTorch's rule).

g = ∇ (+ weight_decay * θ);  clr = lr / (1 + (t - 1) lr_decay)
s = s + g²                     (sum, from initial_accumulator_value)
θ = θ - clr g / (sqrt(s) + eps)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd.extension import increment_version, wrap

from .optimizer import Optimizer
from .sgd import check_non_negative


class Adagrad(Optimizer):
    """Adagrad, as torch.optim.Adagrad (state: step, sum)."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        for option in ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"):
            check_non_negative(self._name(), option, group[option])

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a `.grad`; returns the closure's loss, if any."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            for p, theta, g in self._gradients(group):
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["sum"] = wrap(np.full_like(theta, group["initial_accumulator_value"]))
                step = state["step"] = state["step"] + 1
                s = state["sum"].numpy(force=True)
                s += g * g
                rate = group["lr"] / (1 + (step - 1) * group["lr_decay"])
                theta -= rate * g / (np.sqrt(s) + group["eps"])
                increment_version(p)
        return loss
