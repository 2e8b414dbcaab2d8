"""remainder (`%`), fmod and floor_divide (`//`): division's remainder and quotient, as PyTorch."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..promotion import promote_operands
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast
from .tangents import scaled, total


class Remainder(Function):
    """a - b * floor(a / b) (the sign of b, Python's %) or, with `truncate`, a - b * trunc(a / b) (fmod)."""

    __slots__ = ("a_shape", "b_shape", "quotient")

    @staticmethod
    def forward(ctx, a, b, truncate):
        need_a, need_b = ctx.needs_input_grad[:2]
        ctx.a_shape = np.shape(a) if need_a else None
        ctx.b_shape = np.shape(b) if need_b else None
        if need_b:
            ctx.quotient = np.trunc(a / b) if truncate else np.floor_divide(a, b)
        return np.fmod(a, b) if truncate else np.remainder(a, b)

    @staticmethod
    def jvp(ctx, ta, tb, _truncate):  # d(a - b q) = da - q db, q = floor(a/b) (or trunc) held constant
        a, b, truncate = ctx.primals
        quotient = np.trunc(a / b) if truncate else np.floor_divide(a, b)
        return total(ta, scaled(tb, -quotient))

    @staticmethod
    def backward(ctx, grad):  # d(a - b q) = da - q db, q = floor(a/b) (or trunc) held constant
        need_a, need_b = ctx.needs_input_grad[:2]
        return (
            unbroadcast(grad, ctx.a_shape) if need_a else None,
            unbroadcast(-grad * ctx.quotient, ctx.b_shape) if need_b else None,
            None,
        )


@op(operators=["__mod__"], reflected=["__rmod__"])
def remainder(a: Any, b: Any) -> Tensor:
    """a % b with the sign of b (Python's and PyTorch's %)."""
    a, b = promote_operands(a, b)
    return Remainder.apply(a, b, False)


@op()
def fmod(a: Any, b: Any) -> Tensor:
    """The remainder of a / b with the sign of a (C's fmod)."""
    a, b = promote_operands(a, b)
    return Remainder.apply(a, b, True)


def _values(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else x


@op(operators=["__floordiv__"], reflected=["__rfloordiv__"])
def floor_divide(a: Any, b: Any) -> Tensor:
    """floor(a / b) elementwise (no gradient, as PyTorch's)."""
    a, b = promote_operands(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        return Tensor._make(np.asarray(np.floor_divide(_values(a), _values(b))))
