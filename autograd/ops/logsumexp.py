"""logsumexp: log(sum(exp(x))), shifted by the maximum so it never overflows."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import reduction_axes
from .exp import Exp


class LogSumExp(Function):
    __slots__ = ("kept",)
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        m = np.max(x, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # all -inf rows stay -inf, without NaN
        out = m + np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True))
        ctx.kept = out.shape
        if not keepdim:
            out = out.reshape(np.sum(x, axis=axes).shape)
        ctx.save_for_backward(x, out)  # the returned array itself, so double backward sees it
        return out

    @staticmethod
    def jvp(ctx, tx, _axes, _keepdim):  # d lse = sum(softmax(x) dx)
        x, axes, keepdim = ctx.primals
        weights = np.exp(x - np.max(x, axis=axes, keepdims=True))
        weights /= weights.sum(axis=axes, keepdims=True)
        return (weights * tx).sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):  # d lse = softmax(x) dx
        x, out = ctx.saved_tensors
        return grad.reshape(ctx.kept) * Exp.call(x - out.reshape(ctx.kept)), None, None


@op()
def logsumexp(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over `dim`, shifted by the maximum so it never overflows."""
    return LogSumExp.apply(x, reduction_axes(dim, x, "logsumexp"), keepdim)
