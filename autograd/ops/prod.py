"""prod: the product of elements, with a gradient that is right where elements are zero."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim


def _exclusive_products(x: np.ndarray, axis: int) -> np.ndarray:
    """For each element, the product of all the others along `axis` (no division, so zeros are fine)."""
    ones = np.ones_like(np.take(x, [0], axis=axis))
    before = np.cumprod(np.concatenate([ones, np.take(x, range(x.shape[axis] - 1), axis=axis)], axis=axis), axis=axis)
    flipped = np.flip(x, axis=axis)
    after = np.cumprod(
        np.concatenate([ones, np.take(flipped, range(x.shape[axis] - 1), axis=axis)], axis=axis), axis=axis
    )
    return before * np.flip(after, axis=axis)


class Prod(Function):
    __slots__ = ("axis", "keepdim")

    @staticmethod
    def forward(ctx, x, axis, keepdim):
        ctx.axis, ctx.keepdim = axis, keepdim
        ctx.save_for_backward(x)
        return np.prod(x, axis=axis, keepdims=keepdim)

    @staticmethod
    def jvp(ctx, tx, _axis, _keepdim):  # d prod = sum_i (product of the others) dx_i
        x, axis, keepdim = ctx.primals
        if axis is None:
            others = _exclusive_products(x.reshape(-1), 0).reshape(x.shape)
            return (others * tx).sum()
        return (_exclusive_products(x, axis) * tx).sum(axis=axis, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):  # d prod = sum_i (product of the others) dx_i
        (x,) = ctx.saved_tensors
        data = np.asarray(getattr(x, "_data", x))
        if isinstance(x, Tensor) and data.all():  # under create_graph, without zeros: the others are prod / x_i
            others = Prod.call(x, ctx.axis, True) / x
            return (grad if ctx.axis is None or ctx.keepdim else grad.unsqueeze(ctx.axis)) * others, None, None
        if ctx.axis is None:
            others = _exclusive_products(data.reshape(-1), 0).reshape(data.shape)
            return grad * others, None, None
        kept = list(np.shape(grad))
        if not ctx.keepdim:
            kept.insert(ctx.axis, 1)
        # (with a zero under create_graph the products of the others are constants: no second derivative)
        return grad.reshape(*kept) * _exclusive_products(data, ctx.axis), None, None


@op()
def prod(x: Tensor, dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """The product of all elements, or along `dim`."""
    if dtype is not None:
        x = x.to(dtype)
    axis = None if dim is None else normalize_dim(dim, x.ndim, "prod")
    return Prod.apply(x, axis if x.ndim else None, keepdim)  # a 0-d tensor takes dim 0 or -1: all its elements
