"""split and chunk: cut a tensor along a dimension into slices (views), as one node with one output per slice.

One node rather than one indexing node per slice: the backward joins the slices' gradients with one
concatenation, where a node per slice would scatter each into a zero tensor of the whole shape and add
those up (an LSTM step's four gates: four zero tensors and three additions, now one copy).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .cat import Cat
from .dims import normalize_dim


class Split(Function):
    """The slices of x along `dim` between consecutive `bounds`, as views."""

    __slots__ = ("dim",)

    is_view = True

    @staticmethod
    def forward(ctx, x, dim, bounds):
        ctx.dim = dim
        lead = (slice(None),) * dim
        return tuple(x[lead + (slice(a, b),)] for a, b in zip(bounds[:-1], bounds[1:]))

    @staticmethod
    def jvp(ctx, tx, _dim, _bounds):  # the tangent cut as x is
        _, dim, bounds = ctx.primals
        return Split.call(tx, dim, bounds)

    @staticmethod
    def backward(ctx, *grads):  # slice k is x[bounds_k]: its gradient goes back to those places, side by side
        return Cat.call(ctx.dim, *grads), None, None


@op()
def split(x: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut along `dim` into chunks of one size (the last may be smaller) or of the sizes listed."""
    if x.ndim == 0:  # as PyTorch: a 0-d tensor has no dimension to cut
        raise ShapeError("split: expected a tensor with at least 1 dimension, got a 0-d tensor")
    d = normalize_dim(dim, x.ndim, "split")
    n = x.shape[d]
    if isinstance(split_size_or_sections, int):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sizes = [split_size_or_sections] * (n // split_size_or_sections)
        if n % split_size_or_sections:
            sizes.append(n % split_size_or_sections)
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ShapeError(f"split: sizes {sizes} do not add up to {n}, the size of dimension {d}")
    if any(s < 0 for s in sizes):
        raise ValueError(f"split: sizes must not be negative, got {sizes}")
    return Split.apply(x, d, tuple(int(b) for b in np.cumsum([0] + sizes)))


@op()
def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut into `chunks` parts of nearly equal size along `dim`."""
    if x.ndim == 0:  # as PyTorch: a 0-d tensor has no dimension to cut
        raise ShapeError("chunk: expected a tensor with at least 1 dimension, got a 0-d tensor")
    n = x.shape[normalize_dim(dim, x.ndim, "chunk")]
    return split(x, max(1, -(-n // chunks)), dim)
