"""sum: the sum over some dimensions (all by default)."""

from __future__ import annotations

from typing import Any

from ..function import Function, apply_one_tensor
from ..registry import op
from ..tensor import Tensor
from .dims import kept_shape, reduction_axes
from .expand import Expand


class Sum(Function):
    __slots__ = ("in_shape", "kept")

    @staticmethod
    def forward(ctx, x, axes, keepdim):
        if ctx.needs_input_grad[0]:
            ctx.in_shape = x.shape
            ctx.kept = kept_shape(x.shape, axes)
        return x.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def jvp(ctx, tx, _axes, _keepdim):  # d sum(x) = sum(dx)
        _, axes, keepdim = ctx.primals
        return tx.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):  # each input element gets the sum's gradient
        return Expand.call(grad.reshape(ctx.kept), ctx.in_shape), None, None


@op()
def sum(x: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None, keepdims: Any = None) -> Tensor:  # noqa: A001 - torch.sum
    """Sum over `dim` (all dimensions by default); `axis` and `keepdims` are NumPy's names for the same.

    >>> sum(tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([4., 6.])
    """
    if axis is not None:  # NumPy's names: backward passes written for arrays run on Tensors too
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return apply_one_tensor(Sum, x, reduction_axes(dim, x, "sum"), keepdim)
