"""sort, argsort, topk, median and mode along a dimension: values (differentiable, through gather) and indices."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import return_types
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .gather import gather


def _order(x: Tensor, dim: int, descending: bool) -> np.ndarray:
    data = np.asarray(x._data)
    if descending:  # a stable descending order: NaN first, as PyTorch's
        keys = -data if data.dtype.kind != "b" else ~data
        if data.dtype.kind == "f":
            keys = np.where(np.isnan(data), -np.inf, keys)
        return np.argsort(keys, axis=dim, kind="stable")
    return np.argsort(data, axis=dim, kind="stable")


@op()
def argsort(x: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort x along `dim` (ties keep their order)."""
    d = normalize_dim(dim, max(x.ndim, 1), "argsort")
    return Tensor._make(_order(x, d, descending) if x.ndim else np.zeros((), dtype=np.int64))


@op()
def sort(x: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """(values, indices) sorted along `dim`; the gradient of values goes back to where each came from."""
    if x.ndim == 0:
        return return_types.sort(x, Tensor._make(np.zeros((), dtype=np.int64)))
    d = normalize_dim(dim, x.ndim, "sort")
    order = _order(x, d, descending)
    return return_types.sort(gather(x, d, order), Tensor._make(order))


@op()
def topk(x: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:  # noqa: A002
    """(values, indices) of the k largest (or smallest) elements along `dim`, largest first."""
    d = normalize_dim(dim, max(x.ndim, 1), "topk")
    n = x.shape[d] if x.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"topk: selected index k ({k}) out of range for dimension {d} of size {n}")
    if x.ndim == 0 and k == 1:
        return return_types.topk(x.clone(), Tensor._make(np.zeros((), dtype=np.int64)))
    order = _order(x, d, largest)
    index = np.take(order, np.arange(k), axis=d)
    return return_types.topk(gather(x, d, index), Tensor._make(index))


@op()
def median(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:
    """The lower median of all elements, or (values, indices) along `dim` (as PyTorch: no averaging)."""
    if dim is None:
        flat = x.reshape(-1)
        order = _order(flat, 0, False)
        return gather(flat, 0, order[(flat.shape[0] - 1) // 2 :][:1]).reshape(())
    d = normalize_dim(dim, x.ndim, "median")
    if x.ndim == 0:
        return return_types.median(x.clone(), Tensor._make(np.zeros((), dtype=np.int64)))
    order = _order(x, d, False)
    index = np.take(order, [(x.shape[d] - 1) // 2], axis=d)
    values, indices = gather(x, d, index), Tensor._make(index)
    if not keepdim:
        values, indices = values.squeeze(d), Tensor._make(index.squeeze(d))
    return return_types.median(values, indices)


def _mode_index(x: Tensor, dim: int) -> np.ndarray:
    """Along `dim` (kept as size 1): the last index of the smallest of the most frequent values."""
    order = np.moveaxis(_order(x, dim, False), dim, -1)
    rows = order.reshape(-1, order.shape[-1])
    values = np.take_along_axis(np.moveaxis(np.asarray(x._data), dim, -1).reshape(rows.shape), rows, axis=1)
    n = rows.shape[1]
    run_ends = np.ones(rows.shape, dtype=bool)  # the last place of each run of equal sorted values
    run_ends[:, :-1] = values[:, 1:] != values[:, :-1]
    positions = np.broadcast_to(np.arange(n), rows.shape)
    starts = np.maximum.accumulate(np.where(np.roll(run_ends, 1, axis=1) | (positions == 0), positions, 0), axis=1)
    lengths = np.where(run_ends, positions - starts + 1, 0)
    last = np.argmax(lengths, axis=1)  # the first longest run: the smallest value
    index = rows[np.arange(rows.shape[0]), last]
    return np.moveaxis(index.reshape(order.shape[:-1] + (1,)), -1, dim)


@op()
def mode(x: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """(values, indices): the most frequent value along `dim` (the smallest on a tie) and its last index."""
    if x.ndim == 0:
        return return_types.mode(x.clone(), Tensor._make(np.zeros((), dtype=np.int64)))
    d = normalize_dim(dim, x.ndim, "mode")
    if x.shape[d] == 0:
        raise RuntimeError(f"mode: expected a non-empty dimension {d}, got shape {tuple(x.shape)}")
    index = _mode_index(x, d)
    values, indices = gather(x, d, index), Tensor._make(index)
    if not keepdim:
        values, indices = values.squeeze(d), Tensor._make(index.squeeze(d))
    return return_types.mode(values, indices)
