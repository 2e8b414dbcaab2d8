"""exp: e ** x."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Exp(Function):
    __slots__ = ()
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d(e^x) = e^x dx
        return scaled(tx, ctx.output)

    @staticmethod
    def backward(ctx, grad):  # d(e^x) = e^x dx
        (out,) = ctx.saved_tensors
        return grad * out


@op()
def exp(x: Tensor) -> Tensor:
    """e ** x, elementwise."""
    return Exp.apply(x)
