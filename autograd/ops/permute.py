"""permute: reorder the dimensions, as a view of the input."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DimError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim, sizes_argument


class Permute(Function):
    __slots__ = ("inverse",)

    is_view = True

    @staticmethod
    def forward(ctx, x, axes):
        ctx.inverse = tuple(np.argsort(axes))
        return np.transpose(x, axes)

    @staticmethod
    def jvp(ctx, tx, _axes):  # the tangent permuted as x is
        return np.transpose(tx, ctx.primals[1])

    @staticmethod
    def backward(ctx, grad):  # permute back
        return Permute.call(grad, ctx.inverse), None


@op()
def permute(x: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions: `x.permute(2, 0, 1)`."""
    axes = sizes_argument(dims)
    if len(axes) != x.ndim:
        raise DimError(f"permute: got {len(axes)} dims {list(axes)} for a tensor with {x.ndim} dimensions")
    axes = tuple(normalize_dim(d, x.ndim, "permute") for d in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise DimError(f"permute: dims {list(axes)} are not a permutation of 0..{x.ndim - 1}")
    if axes == tuple(range(x.ndim)):
        return x
    return Permute.apply(x, axes)
