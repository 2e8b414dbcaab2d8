"""cumsum: running sums along a dimension."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim


class Cumsum(Function):
    __slots__ = ("dim",)

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return np.cumsum(x, axis=dim, dtype=x.dtype if x.dtype.kind == "f" else None)

    @staticmethod
    def jvp(ctx, tx, _dim):  # d out_i = sum_{j<=i} dx_j
        return np.cumsum(tx, axis=ctx.primals[1])

    @staticmethod
    def backward(ctx, grad):  # d out_i = sum_{j<=i} dx_j: each x_j gets the sum of grad over i >= j
        reverse = (slice(None),) * ctx.dim + (slice(None, None, -1),)
        return Cumsum.call(grad[reverse], ctx.dim)[reverse], None


@op()
def cumsum(x: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """out[i] = x[0] + ... + x[i] along `dim` (integers sum in int64, as PyTorch)."""
    if dtype is not None:
        x = x.to(dtype)
    d = normalize_dim(dim, x.ndim, "cumsum")
    if x.ndim == 0:  # a 0-d tensor stays 0-d, as in PyTorch (np.cumsum makes it 1-D)
        return Cumsum.apply(x.reshape(1), 0).reshape(())
    return Cumsum.apply(x, d)
