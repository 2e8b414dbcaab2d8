"""`RMSprop`: each step divided by a running root mean square of the gradients (PyTorch's rule).

g = ∇ (+ weight_decay * θ)
v = α v + (1 - α) g²                  (square_avg)
centered: a = α a + (1 - α) g, and v - a² in place of v   (grad_avg)
momentum > 0: b = momentum b + g / (sqrt(v) + eps); θ = θ - lr b     (momentum_buffer)
otherwise:    θ = θ - lr g / (sqrt(v) + eps)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd.extension import increment_version, wrap

from .optimizer import Optimizer
from .sgd import check_non_negative


class RMSprop(Optimizer):
    """RMSprop, as torch.optim.RMSprop (state: step, square_avg, momentum_buffer, grad_avg)."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        for option in ("lr", "alpha", "eps", "weight_decay", "momentum"):
            check_non_negative(self._name(), option, group[option])

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a `.grad`; returns the closure's loss, if any."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
            for p, theta, g in self._gradients(group):
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["square_avg"] = wrap(np.zeros_like(theta))
                    if momentum > 0:
                        state["momentum_buffer"] = wrap(np.zeros_like(theta))
                    if group["centered"]:
                        state["grad_avg"] = wrap(np.zeros_like(theta))
                state["step"] += 1
                v = state["square_avg"].numpy(force=True)
                v *= alpha
                v += (1 - alpha) * g * g
                if group["centered"]:
                    a = state["grad_avg"].numpy(force=True)
                    a *= alpha
                    a += (1 - alpha) * g
                    denominator = np.sqrt(v - a * a) + eps
                else:
                    denominator = np.sqrt(v) + eps
                if momentum > 0:
                    b = state["momentum_buffer"].numpy(force=True)
                    b *= momentum
                    b += g / denominator
                    theta -= group["lr"] * b
                else:
                    theta -= group["lr"] * g / denominator
                increment_version(p)
        return loss
