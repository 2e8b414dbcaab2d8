"""tanh: the hyperbolic tangent."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Tanh(Function):
    __slots__ = ()
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x):
        out = np.tanh(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def jvp(ctx, tx):  # d(tanh x) = (1 - tanh^2 x) dx
        return scaled(tx, 1 - ctx.output * ctx.output)

    @staticmethod
    def backward(ctx, grad):  # d(tanh x) = (1 - tanh^2 x) dx
        (out,) = ctx.saved_tensors
        return grad * (1 - out * out)


@op()
def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent, elementwise."""
    return Tanh.apply(x)
