"""`Adam` and `AdamW`: adaptive moment estimation, with L2 (Adam) or decoupled (AdamW) weight decay.

The update for each parameter θ with gradient ∇ at step t (PyTorch's rule):

    g = -∇ if maximize else ∇
    Adam:  g = g + weight_decay * θ             AdamW:  θ = θ * (1 - lr * weight_decay)
    m = β1 m + (1 - β1) g                       (first moment)
    v = β2 v + (1 - β2) g²                      (second moment)
    v_max = max(v_max, v), used for v           (amsgrad only)
    θ = θ - lr / (1 - β1^t) * m / (sqrt(v) / sqrt(1 - β2^t) + eps)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd.extension import increment_version, wrap

from .optimizer import Optimizer
from .sgd import check_non_negative


class Adam(Optimizer):
    """Adam; `weight_decay` adds an L2 penalty to the gradient (use `AdamW` for decoupled decay).

    >>> optimizer = Adam(model.parameters(), lr=1e-4)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize)
        super().__init__(params, defaults)

    def _check_options(self, group: dict[str, Any]) -> None:
        name = self._name()
        for option in ("lr", "eps", "weight_decay"):
            check_non_negative(name, option, group[option])
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not 0.0 <= beta < 1.0:
                raise ValueError(f"{name}: invalid beta parameter at index {i}: {beta!r} (expected 0 <= beta < 1)")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a `.grad` (others are skipped); returns the closure's loss, if any."""
        loss = self._run_closure(closure)
        for group in self.param_groups:
            lr = group["lr"]
            beta1, beta2 = group["betas"]
            eps = group["eps"]
            weight_decay = group["weight_decay"]
            amsgrad = group["amsgrad"]
            for p, theta, g in self._gradients(group):
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = wrap(np.zeros_like(theta))
                    state["exp_avg_sq"] = wrap(np.zeros_like(theta))
                if amsgrad and "max_exp_avg_sq" not in state:
                    state["max_exp_avg_sq"] = wrap(np.zeros_like(theta))
                step = state["step"] = state["step"] + 1
                if self.decoupled_weight_decay and weight_decay != 0:
                    theta *= 1 - lr * weight_decay
                m = state["exp_avg"].numpy(force=True)
                v = state["exp_avg_sq"].numpy(force=True)
                m *= beta1
                m += (1 - beta1) * g
                v *= beta2
                square = np.multiply(g, g, out=np.empty_like(v))  # an array also for a 0-d parameter (sqrt's out=)
                square *= 1 - beta2
                v += square
                if amsgrad:
                    v_max = state["max_exp_avg_sq"].numpy(force=True)
                    np.maximum(v_max, v, out=v_max)
                    v = v_max
                denominator = np.sqrt(v, out=square)
                denominator /= math.sqrt(1 - beta2**step)
                denominator += eps
                update = np.divide(m, denominator, out=denominator)
                update *= lr / (1 - beta1**step)
                theta -= update
                increment_version(p)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay: θ shrinks by lr * weight_decay * θ each step, apart from the gradient.

    >>> optimizer = AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
    """

    decoupled_weight_decay = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
