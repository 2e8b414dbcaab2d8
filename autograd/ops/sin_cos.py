"""sin and cos: each is the other's derivative (up to sign), so the two live together."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Sin(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(x)

    @staticmethod
    def jvp(ctx, tx):  # d(sin x) = cos x dx
        return scaled(tx, np.cos(ctx.primals[0]))

    @staticmethod
    def backward(ctx, grad):  # d(sin x) = cos x dx
        (x,) = ctx.saved_tensors
        return grad * Cos.call(x)


class Cos(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(x)

    @staticmethod
    def jvp(ctx, tx):  # d(cos x) = -sin x dx
        return scaled(tx, -np.sin(ctx.primals[0]))

    @staticmethod
    def backward(ctx, grad):  # d(cos x) = -sin x dx
        (x,) = ctx.saved_tensors
        return -grad * Sin.call(x)


@op()
def sin(x: Tensor) -> Tensor:
    """Sine, elementwise."""
    return Sin.apply(x)


@op()
def cos(x: Tensor) -> Tensor:
    """Cosine, elementwise."""
    return Cos.apply(x)
