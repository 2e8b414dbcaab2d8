"""leaky_relu: x where x > 0, negative_slope * x elsewhere."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class LeakyRelu(Function):
    __slots__ = ("scale",)

    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.scale = np.where(x > 0, 1.0, negative_slope).astype(x.dtype)  # slope of each piece
        return x * ctx.scale

    @staticmethod
    def jvp(ctx, tx, _):  # d lrelu(x) = ([x > 0] + slope [x <= 0]) dx
        x, slope = ctx.primals
        return scaled(tx, np.where(x > 0, 1.0, slope))

    @staticmethod
    def backward(ctx, grad):  # d lrelu(x) = ([x > 0] + slope [x <= 0]) dx
        return grad * ctx.scale, None


@op(method=False)  # torch.nn.functional.leaky_relu: no Tensor method, as in PyTorch
def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, negative_slope * x elsewhere."""
    return LeakyRelu.apply(x, negative_slope)
