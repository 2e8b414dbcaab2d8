"""log2: Base-2 logarithm, elementwise."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor


class Log2(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        out = np.log2(x)
        ctx.save_for_backward(x)
        return out

    @staticmethod
    def backward(ctx, grad):  # d log2(x) = dx / (x ln 2)
        (x,) = ctx.saved_tensors
        return grad / (x * 0.6931471805599453)


@op()
def log2(x: Tensor) -> Tensor:
    """Base-2 logarithm, elementwise."""
    return Log2.apply(x)
