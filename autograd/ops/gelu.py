"""gelu: the Gaussian error linear unit x * Phi(x), exact (through erfc) or in its tanh approximation."""

from __future__ import annotations

import math

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .erf import Erfc
from .erf_numerics import erfc_array
from .exp import Exp
from .tangents import scaled
from .tanh import Tanh

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TANH_SCALE = math.sqrt(2.0 / math.pi)  # GELU's tanh form: tanh(sqrt(2/pi) (x + 0.044715 x^3))
_TANH_CUBIC = 0.044715


class Gelu(Function):
    """x * Phi(x), Phi the standard normal CDF (the exact form, through erfc so the left tail stays accurate)."""

    __slots__ = ("cdf",)

    @staticmethod
    def forward(ctx, x):
        cdf = 0.5 * erfc_array(x * -_SQRT_HALF)  # Phi(x) = erfc(-x / sqrt 2) / 2
        ctx.save_for_backward(x)
        ctx.cdf = cdf
        return x * cdf

    @staticmethod
    def jvp(ctx, tx):  # d(x Phi(x)) = (Phi(x) + x phi(x)) dx
        x = ctx.primals[0]
        cdf = 0.5 * erfc_array(x * -_SQRT_HALF)
        return scaled(tx, cdf + x * np.exp(x * x * -0.5) * _INV_SQRT_2PI)

    @staticmethod
    def backward(ctx, grad):  # d(x Phi(x)) = (Phi(x) + x phi(x)) dx
        (x,) = ctx.saved_tensors
        # when the backward pass is recorded, Phi must be an op of x (its own derivative is phi)
        cdf = 0.5 * Erfc.call(x * -_SQRT_HALF) if isinstance(grad, Tensor) else ctx.cdf
        pdf = Exp.call(x * x * -0.5) * _INV_SQRT_2PI
        return grad * (cdf + x * pdf)


class GeluTanh(Function):
    """GELU's tanh approximation: x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))."""

    __slots__ = ("t",)

    @staticmethod
    def forward(ctx, x):
        t = np.tanh(_TANH_SCALE * (x + _TANH_CUBIC * x * x * x))
        ctx.save_for_backward(x)
        ctx.t = t
        return 0.5 * x * (1 + t)

    @staticmethod
    def jvp(ctx, tx):  # d = (1 + t)/2 + x/2 (1 - t^2) k (1 + 3 c x^2)
        x = ctx.primals[0]
        t = np.tanh(_TANH_SCALE * (x + _TANH_CUBIC * x * x * x))
        return scaled(tx, 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _TANH_SCALE * (1 + 3 * _TANH_CUBIC * x * x))

    @staticmethod
    def backward(ctx, grad):  # d = (1 + t)/2 + x/2 (1 - t^2) k (1 + 3 c x^2)
        (x,) = ctx.saved_tensors
        x2 = x * x
        t = Tanh.call(_TANH_SCALE * (x + _TANH_CUBIC * x2 * x)) if isinstance(grad, Tensor) else ctx.t
        inner_slope = _TANH_SCALE * (1 + 3 * _TANH_CUBIC * x2)
        return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * inner_slope)


@op(method=False)  # torch.nn.functional.gelu: no Tensor method, as in PyTorch
def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit x * Phi(x): exact (erf) form, or `approximate='tanh'`."""
    if approximate == "none":
        return Gelu.apply(x)
    if approximate == "tanh":
        return GeluTanh.apply(x)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
