"""sigmoid: 1 / (1 + e ** -x), without overflow."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Sigmoid(Function):
    __slots__ = ()
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x):
        e = np.exp(-np.abs(x))  # never overflows: e in (0, 1]
        out = np.where(x >= 0, 1, e) / (1 + e)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d(s(x)) = s(x) (1 - s(x)) dx
        return scaled(tx, ctx.output * (1 - ctx.output))

    @staticmethod
    def backward(ctx, grad):  # d(s(x)) = s(x) (1 - s(x)) dx
        (out,) = ctx.saved_tensors
        return grad * (out * (1 - out))


@op()
def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + e ** -x), without overflow for large |x|."""
    return Sigmoid.apply(x)
