"""expand (also `broadcast_to`, `expand_as`): broadcast to a larger shape, as a view without copying."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .broadcast import broadcast_view, unbroadcast
from .dims import sizes_argument


class Expand(Function):
    __slots__ = ("in_shape",)

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return broadcast_view(x, shape)

    @staticmethod
    def jvp(ctx, tx, _shape):  # the tangent broadcast as x is
        return np.broadcast_to(tx, ctx.primals[1])

    @staticmethod
    def backward(ctx, grad):  # sum over the broadcast dimensions
        return unbroadcast(grad, ctx.in_shape), None


@op(aliases=["broadcast_to"])
def expand(x: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying; -1 keeps a size."""
    target = sizes_argument(sizes)
    lead = len(target) - x.ndim
    if lead < 0:
        raise ShapeError(f"expand: cannot expand shape {x.shape} to fewer dimensions {target}")
    shape = tuple(x.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(target))
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ShapeError(f"expand: shape {tuple(x.shape)} cannot be expanded to {target}") from None
    if shape == x.shape:
        return x
    return Expand.apply(x, shape)


@op(export=False)
def expand_as(x: Tensor, other: Tensor) -> Tensor:
    """Broadcast to `other`'s shape."""
    return expand(x, other.shape)
