"""log10: Base-10 logarithm, elementwise."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor


class Log10(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        out = np.log10(x)
        ctx.save_for_backward(x)
        return out

    @staticmethod
    def backward(ctx, grad):  # d log10(x) = dx / (x ln 10)
        (x,) = ctx.saved_tensors
        return grad / (x * 2.302585092994046)


@op()
def log10(x: Tensor) -> Tensor:
    """Base-10 logarithm, elementwise."""
    return Log10.apply(x)
