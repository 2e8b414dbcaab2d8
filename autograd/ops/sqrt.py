"""sqrt: the square root."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Sqrt(Function):
    __slots__ = ()
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x):
        out = np.sqrt(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d(sqrt x) = dx / (2 sqrt x)
        return scaled(tx, 0.5 / ctx.output)

    @staticmethod
    def backward(ctx, grad):  # d(sqrt x) = dx / (2 sqrt x)
        (out,) = ctx.saved_tensors
        return grad / (2 * out)


@op()
def sqrt(x: Tensor) -> Tensor:
    """Square root, elementwise."""
    return Sqrt.apply(x)
