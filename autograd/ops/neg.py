"""neg: -x."""

from __future__ import annotations

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Neg(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def jvp(ctx, tx):  # d(-x) = -dx
        return scaled(tx, -1)

    @staticmethod
    def backward(ctx, grad):  # d(-x) = -dx
        return -grad


@op(operators=["__neg__"])
def neg(x: Tensor) -> Tensor:
    """-x."""
    return Neg.apply(x)
