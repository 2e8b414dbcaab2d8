"""max, min and amax: the largest (smallest) element, or values and indices along a dimension."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim, reduction_axes
from .maximum import maximum, minimum


class MaxAll(Function):
    """The largest element; ties share the gradient equally."""

    __slots__ = ("weight", "kept")

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        out = np.max(x, axis=axes, keepdims=True)
        mask = x == out
        if np.isnan(out).any():  # a NaN is the max (as PyTorch): the gradient goes to the NaNs
            mask |= np.isnan(x) & np.isnan(out)
        ctx.weight = (mask / mask.sum(axis=axes, keepdims=True)).astype(x.dtype)
        ctx.kept = out.shape
        return (
            out
            if keepdim
            else out.reshape(tuple(s for i, s in enumerate(x.shape) if axes is not None and i not in axes))
        )

    @staticmethod
    def jvp(ctx, tx, _axes, _keepdim):  # d max = mean of dx over the places that are the max
        x, axes, keepdim = ctx.primals
        top = np.max(x, axis=axes, keepdims=True)
        mask = (x == top) | (np.isnan(x) & np.isnan(top))
        return (tx * mask).sum(axis=axes, keepdims=keepdim) / mask.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):  # d max = [x is the max] /  #ties
        return grad.reshape(ctx.kept) * ctx.weight, None, None


class MaxDim(Function):
    """(values, indices) of the largest element along one dim; the gradient goes to that index."""

    __slots__ = ("onehot", "kept")

    @staticmethod
    def forward(ctx, x, dim, keepdim, largest):
        idx = np.argmax(x, axis=dim) if largest else np.argmin(x, axis=dim)
        idx_k = np.expand_dims(idx, dim)
        values = np.take_along_axis(x, idx_k, axis=dim)
        ctx.onehot = (np.arange(x.shape[dim]).reshape([-1 if i == dim else 1 for i in range(x.ndim)]) == idx_k).astype(
            x.dtype
        )
        ctx.kept = values.shape
        if not keepdim:
            values = values.reshape(idx.shape)
            idx_k = idx
        return values, idx_k

    @staticmethod
    def jvp(ctx, tx, _dim, _keepdim, _largest):  # the tangent at the chosen index
        _, dim, keepdim, _ = ctx.primals
        index = ctx.output[1] if keepdim else np.expand_dims(ctx.output[1], dim)
        picked = np.take_along_axis(tx, index, axis=dim)
        return (picked if keepdim else picked.squeeze(dim)), None

    @staticmethod
    def backward(ctx, grad, _grad_indices):  # one-hot at the chosen index
        return grad.reshape(ctx.kept) * ctx.onehot, None, None, None


def _extreme(x: Tensor, dim: Any, keepdim: bool, largest: bool) -> Any:
    name = "max" if largest else "min"
    if x.numel() == 0:
        raise ValueError(f"{name}: the tensor of shape {x.shape} is empty")
    if dim is None:
        if largest:
            return MaxAll.apply(x, None, keepdim)
        return -MaxAll.apply(-x, None, keepdim)
    if isinstance(dim, Tensor):  # max(a, b): elementwise, as torch.max(a, b)
        return maximum(x, dim) if largest else minimum(x, dim)
    d = normalize_dim(dim, x.ndim, name)
    result = return_types.max if largest else return_types.min
    if x.ndim == 0:  # PyTorch: a 0-d tensor is its own max along dim 0, at index 0
        return result(*MaxDim.apply(x.reshape(1), 0, False, largest))
    return result(*MaxDim.apply(x, d, keepdim, largest))


@op()
def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001 - torch.max
    """The largest element; `(values, indices)` along `dim` (a named tuple); or max(a, b) elementwise."""
    return _extreme(x, dim, keepdim, True)


@op()
def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001 - torch.min
    """The smallest element; `(values, indices)` along `dim` (a named tuple); or min(a, b) elementwise."""
    return _extreme(x, dim, keepdim, False)


@op()
def amax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """The largest values over `dim` (ties share the gradient)."""
    return MaxAll.apply(x, reduction_axes(dim, x, "amax"), keepdim)
