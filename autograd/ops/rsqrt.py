"""rsqrt: 1 / sqrt(x), elementwise."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Rsqrt(Function):
    __slots__ = ()
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x):
        out = 1 / np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d x^(-1/2) = -1/2 x^(-3/2) dx
        return scaled(tx, -0.5 * ctx.output**3)

    @staticmethod
    def backward(ctx, grad):  # d x^(-1/2) = -1/2 x^(-3/2) dx
        (out,) = ctx.saved_tensors
        return grad * (-0.5 * out * out * out)


@op()
def rsqrt(x: Tensor) -> Tensor:
    """1 / sqrt(x), elementwise."""
    return Rsqrt.apply(x)
