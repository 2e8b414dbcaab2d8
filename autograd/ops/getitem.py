"""Indexing `x[index]`: ints, slices, None, Ellipsis, boolean masks and integer arrays, as NumPy indexes.

`GetItem` and `IndexAdd` (its adjoint: scatter-add) are each other's backward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor


class GetItem(Function):
    __slots__ = ("in_shape", "index")

    is_view = True  # for basic indexing; NumPy copies for advanced indexing (data.base is None then)

    @staticmethod
    def forward(ctx, x, index):
        ctx.in_shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def jvp(ctx, tx, _index):  # the tangent indexed as x is
        return tx[ctx.primals[1]]

    @staticmethod
    def backward(ctx, grad):  # scatter-add the gradient back
        return IndexAdd.call(grad, ctx.index, ctx.in_shape), None


class IndexAdd(Function):
    """zeros(shape) with `values` added at `index` (repeated indices accumulate): GetItem's adjoint."""

    __slots__ = ("index",)

    @staticmethod
    def forward(ctx, values, index, shape):
        ctx.index = index
        out = np.zeros(shape, dtype=np.result_type(values))
        rows = None if is_basic_index(index) else _row_index(index)
        if rows is not None:
            add_at_rows(out, rows, values)
        elif is_basic_index(index):
            out[index] = values
        else:
            np.add.at(out, index, values)
        return out

    @staticmethod
    def jvp(ctx, tv, _index, _shape):  # linear in the values
        _, index, shape = ctx.primals
        return IndexAdd.call(tv, index, shape)

    @staticmethod
    def backward(ctx, grad):  # gather back
        return GetItem.call(grad, ctx.index), None, None


def _row_index(index: Any) -> np.ndarray | None:
    """The integer array of an index that picks whole rows (`x[rows]`, `x[(rows,)]`), else None."""
    rows = index[0] if isinstance(index, tuple) and len(index) == 1 else index
    return rows if isinstance(rows, np.ndarray) and rows.dtype.kind in "iu" else None


def add_at_rows(out: np.ndarray, rows: np.ndarray, values: np.ndarray) -> None:
    """out[rows[k]] += values[k] for every k, repeated rows summed (what `np.add.at(out, rows, values)` does).

    Speed trick, sorted row sums: the rows are sorted once and each run of equal rows summed with one
    `np.add.reduceat`, instead of `np.add.at`'s element-by-element loop (an embedding's gradient, 1024
    ids into a 65 x 64 table: 570 -> 100 us).
    """
    flat = rows.reshape(-1).astype(np.intp)
    flat = np.where(flat < 0, flat + out.shape[0], flat)
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    if not ordered.size:
        return
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    per_row = np.reshape(values, (flat.size,) + out.shape[1:])
    out[ordered[starts]] += np.add.reduceat(per_row[order], starts, axis=0)


def is_basic_index(index: Any) -> bool:
    """True for an index of ints, slices, None and Ellipsis only (NumPy returns a view, and no place repeats)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items)


def index_arrays(index: Any) -> Any:
    """The index with the Tensors and lists inside it turned into NumPy arrays."""
    if isinstance(index, tuple):
        return tuple(index_arrays(i) for i in index)
    if isinstance(index, Tensor):
        return index._array()
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _describe(index: Any) -> str:
    if isinstance(index, np.ndarray):
        return f"array of shape {index.shape}" if index.size > 8 else str(index.tolist())
    if isinstance(index, tuple):
        return "[" + ", ".join(_describe(i) for i in index) + "]"
    return repr(index)


@op(method=False, export=False, operators=["__getitem__"])
def getitem(x: Tensor, index: Any) -> Tensor:
    """`x[index]`: ints, slices, None, Ellipsis, bool masks and integer arrays, as NumPy indexes."""
    index = index_arrays(index)
    if type(index) is tuple and not index:  # x[()]: all of x, a view also of a 0-d tensor (NumPy copies that one)
        index = Ellipsis
    try:
        return GetItem.apply(x, index)
    except IndexError as e:
        if type(x._data) is not np.ndarray:  # a 0-d tensor's NumPy scalar: NumPy's error for its array instead
            x._array()  # ("invalid index to scalar variable" names a form the user never sees)
            return getitem(x, index)
        raise IndexError(
            f"index {_describe(index)} is out of bounds for a tensor of shape {tuple(x.shape)}: {e}"
        ) from None
