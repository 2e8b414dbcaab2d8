"""tril, triu, diagonal, diag and trace: the triangles and the diagonal of matrices (the last two dims)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .getitem import GetItem, IndexAdd


def _triangle(x: Tensor, diagonal: int, lower: bool, name: str) -> Tensor:
    if x.ndim < 2:
        raise ShapeError(f"{name}: input tensor must have at least 2 dimensions, got shape {x.shape}")
    rows, cols = x.shape[-2:]
    keep = np.tri(rows, cols, diagonal, dtype=bool) if lower else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
    return x * keep.astype(x.dtype)


@op()
def tril(x: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below the `diagonal`-th diagonal) of the last two dims; zeros above."""
    return _triangle(x, diagonal, True, "tril")


@op()
def triu(x: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above the `diagonal`-th diagonal) of the last two dims; zeros below."""
    return _triangle(x, diagonal, False, "triu")


def _diagonal_index(shape: tuple[int, ...], offset: int, dim1: int, dim2: int) -> tuple[Any, ...]:
    n1, n2 = shape[dim1], shape[dim2]
    start1, start2 = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n1 - start1, n2 - start2))
    index: list[Any] = [slice(None)] * len(shape)
    index[dim1] = np.arange(start1, start1 + length)
    index[dim2] = np.arange(start2, start2 + length)
    return tuple(index)


@op()
def diagonal(x: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The `offset`-th diagonal of the planes (dim1, dim2), as the last dimension (as PyTorch)."""
    d1, d2 = normalize_dim(dim1, x.ndim, "diagonal"), normalize_dim(dim2, x.ndim, "diagonal")
    if d1 == d2:
        raise ValueError(f"diagonal: dim1 and dim2 cannot be the same dimension ({dim1})")
    out = GetItem.apply(x, _diagonal_index(tuple(x.shape), offset, d1, d2))
    # NumPy puts the two advanced indices' dimension first unless they are adjacent: move it last
    first = 0 if abs(d1 - d2) != 1 else min(d1, d2)
    return out.movedim(first, -1)


@op()
def diag(x: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor: the square matrix with it on the `diagonal`-th diagonal. A matrix: that diagonal."""
    if x.ndim == 2:
        return globals()["diagonal"](x, diagonal)
    if x.ndim != 1:
        raise ShapeError(f"diag: expected a 1-D or 2-D tensor, got shape {x.shape}")
    n = x.shape[0] + abs(diagonal)
    return IndexAdd.apply(x, _diagonal_index((n, n), diagonal, 0, 1), (n, n))


@op()
def trace(x: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix."""
    if x.ndim != 2:
        raise ShapeError(f"trace: expected a matrix, got shape {x.shape}")
    return diagonal(x).sum()
