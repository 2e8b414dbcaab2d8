"""add: a + b, broadcasting; and its in-place form `a.add_(b)`, `a += b`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..inplace import apply_inplace
from ..promotion import promoting
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast
from .tangents import total


class Add(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad  # only inputs that need a gradient are Tensors with a shape
        out = a + b
        shape = out.shape  # () means every input was 0-d: nothing was broadcast
        ctx.a_shape = a.shape if need_a and shape and a.shape != shape else None  # kept only if broadcast (unbroadcast)
        ctx.b_shape = b.shape if need_b and shape and b.shape != shape else None
        return out

    @staticmethod
    def jvp(ctx, ta, tb):  # d(a+b) = da + db
        return total(ta, tb)

    @staticmethod
    def backward(ctx, grad):  # d(a+b) = da + db
        need_a, need_b = ctx.needs_input_grad
        a_shape, b_shape = ctx.a_shape, ctx.b_shape
        return (
            (grad if a_shape is None else unbroadcast(grad, a_shape)) if need_a else None,
            (grad if b_shape is None else unbroadcast(grad, b_shape)) if need_b else None,
        )


add = op(operators=["__add__", "__radd__"])(
    promoting(Add.apply, "add", "a + b, broadcasting, in the dtype PyTorch promotes to.", __name__)
)  # addition commutes: `2 + x` is `x + 2`


@op(export=False, operators=["__iadd__"])
def add_(self: Tensor, other: Any, alpha: Any = 1) -> Tensor:
    """self += alpha * other, in place."""
    return apply_inplace(self, "add_", Add.apply, other if alpha == 1 else other * alpha, ufunc=np.add)
