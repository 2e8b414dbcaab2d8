"""erf and erfc: the error function and its complement, differentiable (the numerics are in `erf_numerics`)."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .erf_numerics import TWO_OVER_SQRT_PI, erf_array, erfc_array
from .exp import Exp
from .tangents import scaled


class Erf(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erf_array(x)

    @staticmethod
    def jvp(ctx, tx):  # d erf(x) = 2/sqrt(pi) exp(-x^2) dx
        x = ctx.primals[0]
        return scaled(tx, TWO_OVER_SQRT_PI * np.exp(-x * x))

    @staticmethod
    def backward(ctx, grad):  # d erf(x) = 2/sqrt(pi) exp(-x^2) dx
        (x,) = ctx.saved_tensors
        return grad * (TWO_OVER_SQRT_PI * Exp.call(-(x * x)))


class Erfc(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return erfc_array(x)

    @staticmethod
    def jvp(ctx, tx):  # d erfc(x) = -2/sqrt(pi) exp(-x^2) dx
        x = ctx.primals[0]
        return scaled(tx, -TWO_OVER_SQRT_PI * np.exp(-x * x))

    @staticmethod
    def backward(ctx, grad):  # d erfc(x) = -2/sqrt(pi) exp(-x^2) dx
        (x,) = ctx.saved_tensors
        return grad * (-TWO_OVER_SQRT_PI * Exp.call(-(x * x)))


@op()
def erf(x: Tensor) -> Tensor:
    """The error function 2/sqrt(pi) * integral of exp(-t^2) from 0 to x, differentiable."""
    return Erf.apply(x)


@op()
def erfc(x: Tensor) -> Tensor:
    """The complementary error function 1 - erf(x), accurate where erf(x) is close to 1."""
    return Erfc.apply(x)
