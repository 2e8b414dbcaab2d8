"""mul: a * b elementwise, broadcasting; and its in-place form `a.mul_(b)`, `a *= b`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..inplace import apply_inplace
from ..promotion import needs_promotion, promote_operands
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast


class Mul(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad
        if need_a or need_b:
            ctx.a_shape = a.shape if need_a else None
            ctx.b_shape = b.shape if need_b else None
            ctx.save_for_backward(a if need_b else None, b if need_a else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):  # d(ab) = b da + a db
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad * b, ctx.a_shape) if need_a else None,
            unbroadcast(grad * a, ctx.b_shape) if need_b else None,
        )


@op(operators=["__mul__", "__rmul__"])  # multiplication commutes: `2 * x` is `x * 2`
def mul(a: Any, b: Any) -> Tensor:
    """a * b elementwise, broadcasting, in the dtype PyTorch promotes to."""
    # Speed trick, promotion checked inline: same-typed operands and a float tensor with a Python float
    # (requiring grad: floating) skip the call to needs_promotion, which cost a chain of products 7%.
    da = a._data if type(a) is Tensor else None
    if da is None or not (
        (type(b) is Tensor and (type(da) is type(b._data) is not np.ndarray or da.dtype is b._data.dtype))
        or (type(b) is float and (a._requires_grad or da.dtype.kind == "f"))
    ):
        if needs_promotion(a, b):
            a, b = promote_operands(a, b)
    return Mul.apply(a, b)


@op(export=False, operators=["__imul__"])
def mul_(self: Tensor, other: Any) -> Tensor:
    """self *= other, in place."""
    return apply_inplace(self, "mul_", Mul.apply, other, ufunc=np.multiply, reads_old_value=True)
