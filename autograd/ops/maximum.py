"""maximum and minimum: the elementwise larger (smaller) of two tensors; minimum(a, b) = -maximum(-a, -b)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..promotion import needs_promotion, promote_operands
from ..registry import op
from ..tensor import Tensor
from .broadcast import shape_of, unbroadcast
from .tangents import scaled, total


class Maximum(Function):
    __slots__ = ("weight_a", "a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):
        out = np.maximum(a, b)
        # ties split the gradient in half, as PyTorch does
        ctx.weight_a = np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0)).astype(out.dtype)
        ctx.a_shape, ctx.b_shape = shape_of(a), shape_of(b)
        return out

    @staticmethod
    def jvp(ctx, ta, tb):  # d max(a,b) = [a>b] da + [b>a] db (halves at ties)
        a, b = ctx.primals
        w = np.where(a > b, 1.0, np.where(a == b, 0.5, 0.0))
        return total(scaled(ta, w), scaled(tb, 1 - w))

    @staticmethod
    def backward(ctx, grad):  # d max(a,b) = [a>b] da + [b>a] db
        w = ctx.weight_a
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad * w, ctx.a_shape) if need_a else None,
            unbroadcast(grad * (1 - w), ctx.b_shape) if need_b else None,
        )


@op()
def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise maximum; where a == b each gets half the gradient."""
    if needs_promotion(a, b):
        a, b = promote_operands(a, b)
    return Maximum.apply(a, b)


@op()
def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise minimum; where a == b each gets half the gradient."""
    if needs_promotion(a, b):
        a, b = promote_operands(a, b)
    return -Maximum.apply(
        -a if isinstance(a, Tensor) else np.negative(a), -b if isinstance(b, Tensor) else np.negative(b)
    )
