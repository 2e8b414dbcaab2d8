"""floor, ceil, round and trunc: rounding elementwise, with a zero gradient (as PyTorch)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Rounding(Function):
    """One of NumPy's rounding functions; the gradient is zero almost everywhere."""

    __slots__ = ()

    @staticmethod
    def forward(ctx, x, how, decimals):
        if how == "round":
            return np.round(x, decimals)
        return getattr(np, how)(x)

    @staticmethod
    def jvp(ctx, tx, _how, _decimals):  # d round(x) = 0
        return scaled(tx, 0.0)

    @staticmethod
    def backward(ctx, grad):  # d round(x) = 0
        return grad * 0, None, None


@op()
def floor(x: Tensor) -> Tensor:
    """The largest integer <= x, elementwise (zero gradient)."""
    return Rounding.apply(x, "floor", 0)


@op()
def ceil(x: Tensor) -> Tensor:
    """The smallest integer >= x, elementwise (zero gradient)."""
    return Rounding.apply(x, "ceil", 0)


@op()
def trunc(x: Tensor) -> Tensor:
    """x rounded towards zero, elementwise (zero gradient)."""
    return Rounding.apply(x, "trunc", 0)


@op(method="round")
def round(x: Tensor, decimals: Any = 0) -> Tensor:  # noqa: A001 - torch.round
    """x rounded half to even, to `decimals` places (zero gradient)."""
    return Rounding.apply(x, "round", decimals)
