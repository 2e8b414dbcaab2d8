"""sub: a - b, broadcasting; `1 - x`; and the in-place form `a.sub_(b)`, `a -= b`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..inplace import apply_inplace
from ..promotion import needs_promotion, promote_operands, promoting
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast
from .tangents import scaled, total


class Sub(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad  # only inputs that need a gradient are Tensors with a shape
        out = a - b
        shape = out.shape  # () means every input was 0-d: nothing was broadcast
        ctx.a_shape = a.shape if need_a and shape and a.shape != shape else None  # kept only if broadcast (unbroadcast)
        ctx.b_shape = b.shape if need_b and shape and b.shape != shape else None
        return out

    @staticmethod
    def jvp(ctx, ta, tb):  # d(a-b) = da - db
        return total(ta, scaled(tb, -1))

    @staticmethod
    def backward(ctx, grad):  # d(a-b) = da - db
        need_a, need_b = ctx.needs_input_grad
        a_shape, b_shape = ctx.a_shape, ctx.b_shape
        return (
            (grad if a_shape is None else unbroadcast(grad, a_shape)) if need_a else None,
            (-grad if b_shape is None else unbroadcast(-grad, b_shape)) if need_b else None,
        )


sub = op(operators=["__sub__"])(
    promoting(Sub.apply, "sub", "a - b, broadcasting, in the dtype PyTorch promotes to.", __name__)
)


@op(method=False, export=False, operators=["__rsub__"])
def rsub(self: Tensor, other: Any) -> Tensor:
    """other - self, for Python's reflected operator (`1 - x`)."""
    if needs_promotion(self, other):
        self, other = promote_operands(self, other)
    return Sub.apply(other, self)


@op(export=False, operators=["__isub__"])  # `w -= lr * g` is `w.sub_(lr * g)`, without a call in between
def sub_(self: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """self -= alpha * other, in place."""
    return apply_inplace(self, "sub_", Sub.apply, other if alpha == 1 else other * alpha, ufunc=np.subtract)
