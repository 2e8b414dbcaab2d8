"""sign: -1, 0 or 1 elementwise, with a zero gradient (as PyTorch)."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class Sign(Function):
    __slots__ = ()

    @staticmethod
    def forward(ctx, x):
        return np.sign(x)

    @staticmethod
    def jvp(ctx, tx):  # d sign(x) = 0 (almost everywhere)
        return scaled(tx, 0.0)

    @staticmethod
    def backward(ctx, grad):  # d sign(x) = 0 (almost everywhere)
        return grad * 0


@op()
def sign(x: Tensor) -> Tensor:
    """-1, 0 or 1 elementwise; requires grad when x does, with a zero gradient (as PyTorch)."""
    return Sign.apply(x)
