"""softplus: log(1 + e ** (beta x)) / beta, linear above a threshold (as PyTorch)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Softplus(Function):
    __slots__ = ("beta",)

    @staticmethod
    def forward(ctx, x, beta, threshold):
        z = x * beta
        out = np.where(z > threshold, x, np.logaddexp(0, z) / beta)
        ctx.beta = beta
        ctx.save_for_backward(x, np.asarray(z > threshold))
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def jvp(ctx, tx, _beta, _threshold):  # d softplus = sigmoid(beta x) dx (1 above the threshold)
        x, beta, threshold = ctx.primals
        z = x * beta
        return scaled(tx, np.where(z > threshold, 1.0, 0.5 * (1 + np.tanh(0.5 * z))))

    @staticmethod
    def backward(ctx, grad):  # d softplus = sigmoid(beta x) dx (1 above the threshold)
        x, linear = ctx.saved_tensors
        z = x * ctx.beta
        s = z.sigmoid() if hasattr(z, "sigmoid") else 1 / (1 + np.exp(-z))
        return grad * (s * (1 - linear) + linear), None, None


@op()
def softplus(x: Tensor, beta: Any = 1.0, threshold: Any = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta; x itself where beta * x > threshold."""
    return Softplus.apply(x, beta, threshold)
