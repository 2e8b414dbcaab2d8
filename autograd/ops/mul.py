"""mul: a * b elementwise, broadcasting; and its in-place form `a.mul_(b)`, `a *= b`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..inplace import apply_inplace
from ..promotion import promoting
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast
from .tangents import scaled, total


class Mul(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad
        out = a * b
        if need_a or need_b:
            shape = out.shape  # () means every input was 0-d: nothing was broadcast
            ctx.a_shape = a.shape if need_a and shape and a.shape != shape else None  # if broadcast (unbroadcast)
            ctx.b_shape = b.shape if need_b and shape and b.shape != shape else None
            ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return out

    @staticmethod
    def jvp(ctx, ta, tb):  # d(ab) = b da + a db
        a, b = ctx.primals
        return total(scaled(ta, b), scaled(tb, a))

    @staticmethod
    def backward(ctx, grad):  # d(ab) = b da + a db
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a_shape, b_shape = ctx.a_shape, ctx.b_shape
        return (
            (grad * b if a_shape is None else unbroadcast(grad * b, a_shape)) if need_a else None,
            (grad * a if b_shape is None else unbroadcast(grad * a, b_shape)) if need_b else None,
        )


mul = op(operators=["__mul__", "__rmul__"])(
    promoting(Mul.apply, "mul", "a * b elementwise, broadcasting, in the dtype PyTorch promotes to.", __name__)
)  # multiplication commutes: `2 * x` is `x * 2`


@op(export=False, operators=["__imul__"])
def mul_(self: Tensor, other: Any) -> Tensor:
    """self *= other, in place."""
    return apply_inplace(self, "mul_", Mul.apply, other, ufunc=np.multiply, reads_old_value=True)
