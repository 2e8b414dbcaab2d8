"""log_softmax: x - logsumexp(x) along a dimension."""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .exp import Exp


class LogSoftmax(Function):
    __slots__ = ("dim",)
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x, dim):
        shifted = x - np.max(x, axis=dim, keepdims=True)
        out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def jvp(ctx, tx, _dim):  # d log s = dx - sum(s dx)
        s, dim = np.exp(ctx.output), ctx.primals[1]
        return tx - (s * tx).sum(axis=dim, keepdims=True)

    @staticmethod
    def backward(ctx, grad):  # d log s = g - s * sum(g)
        (out,) = ctx.saved_tensors
        return grad - Exp.call(out) * grad.sum(axis=ctx.dim, keepdims=True), None


@op()
def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along `dim`: stable where log(softmax(x)) would give -inf."""
    return LogSoftmax.apply(x, normalize_dim(dim, x.ndim, "log_softmax"))
