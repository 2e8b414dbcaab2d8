"""reciprocal: 1 / x, elementwise."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Reciprocal(Function):
    __slots__ = ()
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x):
        out = np.reciprocal(x) if x.dtype.kind == "f" else 1.0 / x
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d(1/x) = -dx / x^2
        return scaled(tx, -ctx.output * ctx.output)

    @staticmethod
    def backward(ctx, grad):  # d(1/x) = -dx / x^2
        (out,) = ctx.saved_tensors
        return -grad * out * out


@op()
def reciprocal(x: Tensor) -> Tensor:
    """1 / x, elementwise."""
    return Reciprocal.apply(x)
