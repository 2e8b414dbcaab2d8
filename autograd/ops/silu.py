"""silu: x * sigmoid(x) (swish)."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Silu(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        s = np.where(x >= 0, 1, np.exp(-np.abs(x))) / (1 + np.exp(-np.abs(x)))
        out = x * s
        ctx.save_for_backward(x, s)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d(x s(x)) = s(x) (1 + x (1 - s(x))) dx
        x = ctx.primals[0]
        s = 0.5 * (1 + np.tanh(0.5 * x))
        return scaled(tx, s * (1 + x * (1 - s)))

    @staticmethod
    def backward(ctx, grad):  # d(x s(x)) = s(x) (1 + x (1 - s(x))) dx
        (x, s) = ctx.saved_tensors
        if hasattr(x, "sigmoid"):  # under create_graph: s as a function of x, for the second derivative
            s = x.sigmoid()
        return grad * (s * (1 + x * (1 - s)))


@op()
def silu(x: Tensor) -> Tensor:
    """x * sigmoid(x) (swish)."""
    return Silu.apply(x)
