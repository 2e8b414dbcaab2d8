"""log1p: log(1 + x), accurate for small x."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Log1p(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        out = np.log1p(x)
        ctx.save_for_backward(x)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d log(1+x) = dx / (1 + x)
        return scaled(tx, 1 / (1 + ctx.primals[0]))

    @staticmethod
    def backward(ctx, grad):  # d log(1+x) = dx / (1 + x)
        (x,) = ctx.saved_tensors
        return grad / (1 + x)


@op()
def log1p(x: Tensor) -> Tensor:
    """log(1 + x), accurate for small x."""
    return Log1p.apply(x)
