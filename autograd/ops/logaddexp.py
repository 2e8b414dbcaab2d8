"""logaddexp: log(e ** a + e ** b), without overflow."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..promotion import promote_operands
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast
from .tangents import scaled, total


class LogAddExp(Function):
    __slots__ = ("a_shape", "b_shape")
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad
        ctx.a_shape = np.shape(a) if need_a else None
        ctx.b_shape = np.shape(b) if need_b else None
        out = np.logaddexp(a, b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def jvp(ctx, ta, tb):  # d log(e^a + e^b) = e^(a - out) da + e^(b - out) db
        a, b = ctx.primals
        return total(scaled(ta, np.exp(a - ctx.output)), scaled(tb, np.exp(b - ctx.output)))

    @staticmethod
    def backward(ctx, grad):  # d log(e^a + e^b) = e^(a - out) da + e^(b - out) db
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (
            unbroadcast(grad * (a - out).exp() if hasattr(a, "exp") else grad * np.exp(a - out), ctx.a_shape)
            if need_a
            else None,
            unbroadcast(grad * (b - out).exp() if hasattr(b, "exp") else grad * np.exp(b - out), ctx.b_shape)
            if need_b
            else None,
        )


@op()
def logaddexp(a: Any, b: Any) -> Tensor:
    """log(e ** a + e ** b) elementwise, stable for large values."""
    a, b = promote_operands(a, b)
    return LogAddExp.apply(a, b)
