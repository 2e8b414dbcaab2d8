"""softmax: exp(x) / sum(exp(x)) along a dimension."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim


class Softmax(Function):
    __slots__ = ("dim",)
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x, dim):
        e = np.exp(x - np.max(x, axis=dim, keepdims=True))
        out = e / np.sum(e, axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def jvp(ctx, tx, _dim):  # ds = s * (dx - sum(s dx))
        s, dim = ctx.output, ctx.primals[1]
        return s * (tx - (s * tx).sum(axis=dim, keepdims=True))

    @staticmethod
    def backward(ctx, grad):  # ds = s * (g - sum(g s))
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=ctx.dim, keepdims=True)), None


@op()
def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`, shifted by the maximum so it never overflows."""
    return Softmax.apply(x, normalize_dim(dim, x.ndim, "softmax"))
