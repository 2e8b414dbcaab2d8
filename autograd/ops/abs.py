"""abs: |x|."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Abs(Function):
    __slots__ = ("sign",)

    @staticmethod
    def forward(ctx, x):
        ctx.sign = np.sign(x)
        return np.abs(x)

    @staticmethod
    def jvp(ctx, tx):  # d|x| = sign(x) dx
        return scaled(tx, np.sign(ctx.primals[0]))

    @staticmethod
    def backward(ctx, grad):  # d|x| = sign(x) dx
        return grad * ctx.sign


@op(operators=["__abs__"])
def abs(x: Tensor) -> Tensor:  # noqa: A001 - torch.abs
    """|x|; the gradient at 0 is 0."""
    return Abs.apply(x)
