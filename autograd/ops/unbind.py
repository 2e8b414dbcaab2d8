"""unbind, select and narrow: pieces of a tensor along one dimension, as views.

unbind is one node with an output per slice, whose backward stacks their gradients in one copy (a node
per slice would scatter each into a zero tensor of the whole shape: for an RNN's time steps, T tensors
of the whole sequence's size).
"""

from __future__ import annotations

from typing import Any

from ..errors import DimError, ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .getitem import GetItem
from .stack import Stack


class Unbind(Function):
    """Every slice of x along `dim`, each without that dimension, as views."""

    __slots__ = ("dim",)

    is_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        lead = (slice(None),) * dim
        return tuple(x[lead + (i,)] for i in range(x.shape[dim]))

    @staticmethod
    def jvp(ctx, tx, _dim):  # the tangent's slices as x's
        return Unbind.call(tx, ctx.primals[1])

    @staticmethod
    def backward(ctx, *grads):  # slice i is x[..., i, ...]: the gradients stacked back along dim
        return Stack.call(ctx.dim, *grads), None


@op()
def select(x: Tensor, dim: int, index: int) -> Tensor:
    """The slice at position `index` of `dim`, without that dimension."""
    if x.ndim == 0:  # as PyTorch: a 0-d tensor has no slices
        raise DimError("select: expected a tensor with at least 1 dimension, got a 0-d tensor")
    d = normalize_dim(dim, x.ndim, "select")
    n = x.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select: index {index} out of range for dimension {dim} of size {n}")
    return GetItem.apply(x, (slice(None),) * d + (index,))


@op()
def unbind(x: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The slices along `dim`, each without that dimension."""
    if x.ndim == 0:  # as PyTorch: a 0-d tensor has no slices
        raise DimError("unbind: expected a tensor with at least 1 dimension, got a 0-d tensor")
    return Unbind.apply(x, normalize_dim(dim, x.ndim, "unbind"))


@op()
def narrow(x: Tensor, dim: int, start: int, length: int) -> Tensor:
    """Elements start .. start + length - 1 of `dim` (a view)."""
    if x.ndim == 0:  # as PyTorch: a 0-d tensor has no dimension to narrow
        raise ShapeError("narrow: expected a tensor with at least 1 dimension, got a 0-d tensor")
    d = normalize_dim(dim, x.ndim, "narrow")
    if start < 0:
        start += x.shape[d]
    if start < 0 or length < 0 or start + length > x.shape[d]:
        raise IndexError(f"narrow: start ({start}) + length ({length}) exceeds dimension size ({x.shape[d]})")
    index: list[Any] = [slice(None)] * x.ndim
    index[d] = slice(start, start + length)
    return GetItem.apply(x, tuple(index))
