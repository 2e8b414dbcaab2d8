"""atan2: the angle of the point (b, a), elementwise."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..promotion import promote_operands
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast
from .tangents import scaled, total


class Atan2(Function):
    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad
        ctx.a_shape = np.shape(a) if need_a else None
        ctx.b_shape = np.shape(b) if need_b else None
        ctx.save_for_backward(a, b)
        return np.arctan2(a, b)

    @staticmethod
    def jvp(ctx, ta, tb):  # d atan2(a, b) = (b da - a db) / (a^2 + b^2)
        a, b = ctx.primals
        r = a * a + b * b
        return total(scaled(ta, b / r), scaled(tb, -a / r))

    @staticmethod
    def backward(ctx, grad):  # d atan2(a, b) = (b da - a db) / (a^2 + b^2)
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        scale = grad / (a * a + b * b)
        return (
            unbroadcast(scale * b, ctx.a_shape) if need_a else None,
            unbroadcast(-scale * a, ctx.b_shape) if need_b else None,
        )


@op(aliases=["arctan2"])
def atan2(a: Any, b: Any) -> Tensor:
    """The angle (radians) of the point (x=b, y=a), in (-pi, pi]."""
    a, b = promote_operands(a, b)
    return Atan2.apply(a, b)
