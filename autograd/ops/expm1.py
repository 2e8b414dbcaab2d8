"""expm1: e ** x - 1, accurate for small x."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Expm1(Function):
    __slots__ = ()
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x):
        out = np.expm1(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d(e^x - 1) = e^x dx
        return scaled(tx, ctx.output + 1)

    @staticmethod
    def backward(ctx, grad):  # d(e^x - 1) = e^x dx
        (out,) = ctx.saved_tensors
        return grad * (out + 1)


@op()
def expm1(x: Tensor) -> Tensor:
    """e ** x - 1, accurate for small x."""
    return Expm1.apply(x)
