"""reshape (and `view`, `view_as`): the same elements in a new shape, a view of the input when NumPy can."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import sizes_argument


class Reshape(Function):
    __slots__ = ("in_shape",)

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def jvp(ctx, tx, _shape):  # the same elements in the new shape
        return np.reshape(tx, np.shape(ctx.output))

    @staticmethod
    def backward(ctx, grad):  # the same elements, the input's shape
        return grad.reshape(ctx.in_shape), None


@op()
def reshape(x: Tensor, *shape: Any) -> Tensor:
    """The same elements in `shape` (one size may be -1): `x.reshape(3, 2)`, `x.view(1, -1)`."""
    new = sizes_argument(shape)
    n = x.numel()
    known = math.prod(s for s in new if s != -1)
    if (
        new.count(-1) > 1
        or any(s < -1 for s in new)
        or (-1 in new and (known == 0 or n % known))
        or (-1 not in new and known != n)
    ):
        raise ShapeError(f"reshape: shape {list(new)} is invalid for a tensor of shape {tuple(x.shape)} ({n} elements)")
    if new == x.shape:
        return x
    return Reshape.apply(x, new)


@op(export=False)
def view(x: Tensor, *shape: Any) -> Tensor:
    """As `reshape` (NumPy views whenever it can)."""
    return reshape(x, *shape)


@op(export=False)
def view_as(x: Tensor, other: Tensor) -> Tensor:
    """Reshape to `other`'s shape."""
    return reshape(x, other.shape)
