"""mean: the mean over some dimensions (all by default)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import kept_shape, reduction_axes
from .expand import Expand


class Mean(Function):
    __slots__ = ("in_shape", "kept", "scale")

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        ctx.in_shape = x.shape
        ctx.kept = kept_shape(x.shape, axes)
        out = np.mean(x, axis=axes, keepdims=keepdim)
        ctx.scale = out.size / x.size if x.size else 0.0
        return out

    @staticmethod
    def jvp(ctx, tx, _axes, _keepdim):  # d mean(x) = mean(dx)
        _, axes, keepdim = ctx.primals
        return tx.mean(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):  # each input element gets grad / n
        return Expand.call(grad.reshape(ctx.kept) * ctx.scale, ctx.in_shape), None, None


@op()
def mean(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None) -> Tensor:
    """Mean over `dim` (all dimensions by default); `axis` and `keepdims` are NumPy's names for the same."""
    if axis is not None:  # NumPy's names: backward passes written for arrays run on Tensors too
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    if x.dtype.kind not in "fc":
        raise TypeError(f"mean: needs a floating tensor, got dtype {x.dtype}; use x.float().mean()")
    return Mean.apply(x, reduction_axes(dim, x, "mean"), keepdim)
