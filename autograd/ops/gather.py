"""gather, take_along_dim, index_select, scatter, scatter_add and index_add: indexing along one dimension.

Each builds a NumPy advanced index and goes through `x[index]` (GetItem) or its adjoint (IndexAdd),
so gradients, and gradients of gradients, come from those two ops.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DimError, ShapeError
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .getitem import GetItem, IndexAdd
from .where import where


def _indices(index: Any, op_name: str) -> np.ndarray:
    array = index._data if isinstance(index, Tensor) else np.asarray(index)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{op_name}: the index must be an integer tensor, got dtype {array.dtype}")
    return np.asarray(array)


def _as_1d(v: Any) -> Any:
    """A 0-d tensor or array as 1-D, of its one element (as PyTorch's gather and scatter take it); others as they are."""
    if not isinstance(v, Tensor):
        v = np.asarray(v)
    return v.reshape(1) if v.ndim == 0 else v


def _along(index: np.ndarray, dim: int, size: int, op_name: str) -> tuple[Any, ...]:
    """The advanced index that picks index[i, j, ...] along `dim` and position i, j, ... elsewhere."""
    if index.size and (index.min() < -size or index.max() >= size):
        raise IndexError(
            f"{op_name}: index {int(index.max() if index.max() >= size else index.min())} is out of "
            f"bounds for dimension {dim} with size {size}"
        )
    grid: list[Any] = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


@op()
def gather(x: Tensor, dim: int, index: Any) -> Tensor:
    """out[i][j] = x[index[i][j]][j] for dim 0 (and so on): values picked along `dim`."""
    d = normalize_dim(dim, x.ndim, "gather")
    idx = _indices(index, "gather")
    if max(idx.ndim, 1) != max(x.ndim, 1):
        raise ValueError(f"gather: index has {idx.ndim} dimensions, x has {x.ndim}; they must match")
    if x.ndim == 0 or idx.ndim == 0:  # as PyTorch: a 0-d tensor or index counts as 1-D; out has index's shape
        return gather(_as_1d(x), d, _as_1d(idx)).reshape(idx.shape)
    return GetItem.apply(x, _along(idx, d, x.shape[d], "gather"))


@op()
def take_along_dim(x: Tensor, indices: Any, dim: int) -> Tensor:
    """np.take_along_axis: gather with the index broadcast against x."""
    d = normalize_dim(dim, x.ndim, "take_along_dim")
    idx = _indices(indices, "take_along_dim")
    if x.ndim == 0 or idx.ndim == 0:  # as PyTorch, which takes a 0-d tensor only without a dim (flattened)
        raise DimError(
            f"take_along_dim: expected x and indices with at least 1 dimension, got shapes {x.shape} and {idx.shape}"
        )
    shape = list(np.broadcast_shapes(tuple(s if i != d else 1 for i, s in enumerate(x.shape)), idx.shape))
    shape[d] = idx.shape[d]
    return gather(x, d, np.broadcast_to(idx, shape))


@op()
def index_select(x: Tensor, dim: int, index: Any) -> Tensor:
    """The slices of x at positions `index` (1-D) along `dim`."""
    d = normalize_dim(dim, x.ndim, "index_select")
    idx = _indices(index, "index_select").reshape(-1)
    if x.ndim == 0:  # as PyTorch: a 0-d tensor takes an index of one element and gives a 0-d tensor
        if idx.size != 1:
            raise ShapeError(f"index_select: a 0-d tensor takes an index of one element, got {idx.size}")
        return index_select(x.reshape(1), 0, idx).reshape(())
    return GetItem.apply(x, (slice(None),) * d + (idx,))


@op()
def scatter_add(x: Tensor, dim: int, index: Any, src: Any) -> Tensor:
    """x with src[i][j] added at [index[i][j]][j] (dim 0): repeated positions accumulate."""
    d = normalize_dim(dim, x.ndim, "scatter_add")
    idx = _indices(index, "scatter_add")
    if x.ndim == 0 or idx.ndim == 0:  # as PyTorch: a 0-d tensor, index or src counts as 1-D
        return scatter_add(_as_1d(x), d, _as_1d(idx), _as_1d(src)).reshape(x.shape)
    values = (
        src[tuple(slice(0, n) for n in idx.shape)]
        if isinstance(src, Tensor)
        else np.asarray(src)[tuple(slice(0, n) for n in idx.shape)]
    )
    return x + IndexAdd.apply(values, _along(idx, d, x.shape[d], "scatter_add"), tuple(x.shape))


@op()
def scatter(x: Tensor, dim: int, index: Any, src: Any = None, value: Any = None) -> Tensor:
    """x with src[i][j] (or `value`) written at [index[i][j]][j] (dim 0); x's gradient is 0 where written."""
    d = normalize_dim(dim, x.ndim, "scatter")
    idx = _indices(index, "scatter")
    if x.ndim == 0 or idx.ndim == 0:  # as PyTorch: a 0-d tensor, index or src counts as 1-D
        return scatter(_as_1d(x), d, _as_1d(idx), None if src is None else _as_1d(src), value).reshape(x.shape)
    place = _along(idx, d, x.shape[d], "scatter")
    written = np.zeros(x.shape, dtype=bool)
    written[place] = True
    if src is None:
        if value is None:
            raise TypeError("scatter: give src (a tensor) or value (a number)")
        return where(written, np.asarray(value, dtype=x.dtype), x)
    values = src[tuple(slice(0, n) for n in idx.shape)]
    return where(written, IndexAdd.apply(values, place, tuple(x.shape)), x)


@op()
def index_add(x: Tensor, dim: int, index: Any, source: Any, alpha: Any = 1) -> Tensor:
    """x with source's slices added at positions `index` along `dim` (repeated positions accumulate)."""
    d = normalize_dim(dim, x.ndim, "index_add")
    idx = _indices(index, "index_add").reshape(-1)
    if x.ndim == 0:  # as PyTorch: a 0-d tensor takes one index (or more, to the same place) and a 0-d or 1-D source
        return index_add(x.reshape(1), 0, idx, _as_1d(source), alpha).reshape(())
    values = source if alpha == 1 else source * alpha
    return x + IndexAdd.apply(values, (slice(None),) * d + (idx,), tuple(x.shape))
