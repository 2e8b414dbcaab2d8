"""log: the natural logarithm."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Log(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def jvp(ctx, tx):  # d(ln x) = dx / x
        return scaled(tx, 1 / ctx.primals[0])

    @staticmethod
    def backward(ctx, grad):  # d(ln x) = dx / x
        (x,) = ctx.saved_tensors
        return grad / x


@op()
def log(x: Tensor) -> Tensor:
    """Natural logarithm, elementwise."""
    return Log.apply(x)
