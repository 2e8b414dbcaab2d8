"""copy_: copy a value into a tensor in place; and the fills built on it, `fill_`, `zero_`, `normal_`, `uniform_`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..inplace import apply_inplace, assign
from ..random import generator
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast


class CopyFrom(Function):
    """`dst.copy_(src)`: src broadcast to dst's shape and dtype."""

    __slots__ = ("src_shape",)

    @staticmethod
    def forward(ctx, dst, src):
        ctx.src_shape = np.shape(src)
        return np.broadcast_to(np.asarray(src, dtype=dst.dtype), dst.shape).copy()

    @staticmethod
    def jvp(ctx, _tdst, tsrc):  # dst's old value is forgotten: the tangent is src's, broadcast
        dst = ctx.primals[0]
        return np.zeros(np.shape(dst)) if tsrc is None else np.broadcast_to(tsrc, np.shape(dst))

    @staticmethod
    def backward(ctx, grad):  # dst's old value is forgotten
        return None, unbroadcast(grad, ctx.src_shape)


def copy_from(dst: Tensor, src: Any) -> Tensor:
    """The value `dst.copy_(src)` stores, computed out of place."""
    try:
        return CopyFrom.apply(dst, src)
    except ValueError:
        raise ShapeError(f"copy_: source of shape {np.shape(src)} cannot be broadcast to {tuple(dst.shape)}") from None


@op(export=False)
def copy_(self: Tensor, src: Any) -> Tensor:
    """Copy `src` (broadcast to this shape) into this tensor."""
    return apply_inplace(self, "copy_", copy_from, src, ufunc=assign)


@op(export=False)
def fill_(self: Tensor, value: Any) -> Tensor:
    """Fill with `value`, in place."""
    return apply_inplace(self, "fill_", copy_from, value, ufunc=assign)


@op(export=False)
def zero_(self: Tensor) -> Tensor:
    """Fill with zeros, in place."""
    return apply_inplace(self, "fill_", copy_from, 0, ufunc=assign)


@op(export=False)
def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with samples of N(mean, std^2) from the seeded generator."""
    sample = generator().normal(mean, std, size=self.shape)
    return apply_inplace(self, "normal_", copy_from, sample)


@op(export=False)
def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with samples of U(a, b) from the seeded generator."""
    sample = generator().uniform(a, b, size=self.shape)
    return apply_inplace(self, "uniform_", copy_from, sample)
