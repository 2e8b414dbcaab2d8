"""div: a / b, broadcasting; `1 / x`; and the in-place form `a.div_(b)`, `a /= b`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..inplace import apply_inplace
from ..promotion import needs_promotion, promote_operands
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast
from .tangents import scaled, total

_FLOAT = np.dtype(np.float32)


class Div(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad
        if need_a or need_b:
            ctx.a_shape = a.shape if need_a else None
            ctx.b_shape = b.shape if need_b else None
            ctx.save_for_backward(a if need_b else None, b)
        return a / b

    @staticmethod
    def jvp(ctx, ta, tb):  # d(a/b) = da / b - (a/b) db / b
        a, b = ctx.primals
        return total(scaled(ta, 1 / b), scaled(tb, -ctx.output / b))

    @staticmethod
    def backward(ctx, grad):  # d(a/b) = da / b - a db / b^2
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad / b, ctx.a_shape) if need_a else None,
            unbroadcast(-grad * a / (b * b), ctx.b_shape) if need_b else None,
        )


@op(operators=["__truediv__"])
def div(a: Any, b: Any) -> Tensor:
    """a / b, broadcasting; integers divide into the default float dtype, as PyTorch."""
    if needs_promotion(a, b) or getattr(a, "dtype", _FLOAT).kind != "f":
        a, b = promote_operands(a, b, true_division=True)
    return Div.apply(a, b)


@op(method=False, export=False, operators=["__rtruediv__"])
def rdiv(self: Tensor, other: Any) -> Tensor:
    """other / self, for Python's reflected operator (`1 / x`)."""
    if needs_promotion(self, other) or self._data.dtype.kind != "f":
        self, other = promote_operands(self, other, true_division=True)
    return Div.apply(other, self)


@op(export=False, operators=["__itruediv__"])
def div_(self: Tensor, other: Any) -> Tensor:
    """self /= other, in place."""
    return apply_inplace(self, "div_", Div.apply, other, ufunc=np.true_divide, reads_old_value=True)
