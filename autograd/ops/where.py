"""where: elements of `a` where a condition holds, of `b` elsewhere."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..promotion import needs_promotion, promote_operands
from ..registry import op
from ..tensor import Tensor
from .broadcast import shape_of, unbroadcast


class Where(Function):
    __slots__ = ("cond", "a_shape", "b_shape")

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        ctx.a_shape, ctx.b_shape = shape_of(a), shape_of(b)
        return np.where(cond, a, b)

    @staticmethod
    def jvp(ctx, _cond, ta, tb):  # d where(c,a,b) = [c] da + [not c] db
        if ta is None and tb is None:
            return None
        return np.where(ctx.primals[0], 0.0 if ta is None else ta, 0.0 if tb is None else tb)

    @staticmethod
    def backward(ctx, grad):  # d where(c,a,b) = [c] da + [not c] db
        c = ctx.cond
        need_a, need_b = ctx.needs_input_grad[1:]
        return (
            None,
            unbroadcast(grad * c, ctx.a_shape) if need_a else None,
            unbroadcast(grad * ~c, ctx.b_shape) if need_b else None,
        )


@op(method=False)  # PyTorch's `x.where(condition, y)` takes its arguments in another order
def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elements of `a` where `condition` holds, of `b` elsewhere (no gradient through the condition)."""
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if cond.dtype != np.bool_:
        cond = cond.astype(bool)
    if needs_promotion(a, b):
        a, b = promote_operands(a, b)
    return Where.apply(cond, a, b)
