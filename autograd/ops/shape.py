"""Shape ops: reshape, permute, expand, indexing, cat, stack, split, pad.

Reshape, permute, expand and basic indexing return NumPy views (`is_view`):
the result shares memory with its input, as in PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import DimError, ShapeError
from ..function import Function
from ..tensor import Tensor
from .broadcast import broadcast_view, unbroadcast
from .dims import normalize_dim


class Reshape(Function):
    __slots__ = ("in_shape",)

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):  # type: ignore[no-untyped-def]
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # the same elements, the input's shape
        return grad.reshape(ctx.in_shape), None


class Permute(Function):
    __slots__ = ("inverse",)

    is_view = True

    @staticmethod
    def forward(ctx, x, axes):  # type: ignore[no-untyped-def]
        ctx.inverse = tuple(np.argsort(axes))
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # permute back
        return Permute.call(grad, ctx.inverse), None


class Expand(Function):
    __slots__ = ("in_shape",)

    is_view = True

    @staticmethod
    def forward(ctx, x, shape):  # type: ignore[no-untyped-def]
        ctx.in_shape = x.shape
        return broadcast_view(x, shape)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # sum over the broadcast dimensions
        return unbroadcast(grad, ctx.in_shape), None


class GetItem(Function):
    __slots__ = ("in_shape", "index")

    is_view = True  # for basic indexing; NumPy copies for advanced indexing (data.base is None then)

    @staticmethod
    def forward(ctx, x, index):  # type: ignore[no-untyped-def]
        ctx.in_shape, ctx.index = x.shape, index
        return x[index]

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # scatter-add the gradient back
        return IndexAdd.call(grad, ctx.index, ctx.in_shape), None


class IndexAdd(Function):
    """zeros(shape) with `values` added at `index` (repeated indices accumulate): GetItem's adjoint."""

    __slots__ = ("index",)

    @staticmethod
    def forward(ctx, values, index, shape):  # type: ignore[no-untyped-def]
        ctx.index = index
        out = np.zeros(shape, dtype=np.result_type(values))
        if _is_basic(index):
            out[index] = values
        else:
            np.add.at(out, index, values)
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # gather back
        return GetItem.call(grad, ctx.index), None, None


class Cat(Function):
    __slots__ = ("dim", "bounds")

    @staticmethod
    def forward(ctx, dim, *xs):  # type: ignore[no-untyped-def]
        ctx.dim = dim
        ctx.bounds = np.cumsum([0] + [x.shape[dim] for x in xs])
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # each input gets its slice
        lead = (slice(None),) * ctx.dim
        b = ctx.bounds
        return (None,) + tuple(grad[lead + (slice(b[i], b[i + 1]),)] for i in range(len(b) - 1))


class Stack(Function):
    __slots__ = ("dim", "n")

    @staticmethod
    def forward(ctx, dim, *xs):  # type: ignore[no-untyped-def]
        ctx.dim, ctx.n = dim, len(xs)
        return np.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # each input gets its index along dim
        lead = (slice(None),) * ctx.dim
        return (None,) + tuple(grad[lead + (i,)] for i in range(ctx.n))


class Pad(Function):
    __slots__ = ("region",)

    @staticmethod
    def forward(ctx, x, widths, value):  # type: ignore[no-untyped-def]
        ctx.region = tuple(slice(lo, lo + s) for (lo, _), s in zip(widths, x.shape))
        return np.pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # the gradient of the unpadded region
        return grad[ctx.region], None, None


# -- module-level functions ------------------------------------------------------------------


def _shape_arg(shape: Sequence[Any]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(int(s) for s in shape)


def reshape(x: Tensor, *shape: Any) -> Tensor:
    """The same elements in `shape` (one size may be -1): `x.reshape(3, 2)`, `x.view(1, -1)`."""
    new = _shape_arg(shape)
    n = x.numel()
    known = math.prod(s for s in new if s != -1)
    if (
        new.count(-1) > 1
        or any(s < -1 for s in new)
        or (-1 in new and (known == 0 or n % known))
        or (-1 not in new and known != n)
    ):
        raise ShapeError(f"reshape: shape {list(new)} is invalid for a tensor of shape {tuple(x.shape)} ({n} elements)")
    if new == x.shape:
        return x
    return Reshape.apply(x, new)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions start_dim..end_dim into one: `flatten(x, 1)` keeps the batch dimension."""
    if x.ndim == 0:
        return reshape(x, 1)
    s = normalize_dim(start_dim, x.ndim, "flatten")
    e = normalize_dim(end_dim, x.ndim, "flatten")
    if s > e:
        raise DimError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    shape = x.shape[:s] + (math.prod(x.shape[s : e + 1]),) + x.shape[e + 1 :]
    return reshape(x, shape)


def permute(x: Tensor, *dims: Any) -> Tensor:
    """Reorder the dimensions: `x.permute(2, 0, 1)`."""
    axes = _shape_arg(dims)
    if len(axes) != x.ndim:
        raise DimError(f"permute: got {len(axes)} dims {list(axes)} for a tensor with {x.ndim} dimensions")
    axes = tuple(normalize_dim(d, x.ndim, "permute") for d in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise DimError(f"permute: dims {list(axes)} are not a permutation of 0..{x.ndim - 1}")
    if axes == tuple(range(x.ndim)):
        return x
    return Permute.apply(x, axes)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    axes = list(range(x.ndim))
    d0, d1 = normalize_dim(dim0, x.ndim, "transpose"), normalize_dim(dim1, x.ndim, "transpose")
    if x.ndim == 0:  # PyTorch: a 0-d tensor takes dims 0 and -1 and comes back unchanged
        return x
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return permute(x, axes)


def t(x: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dimensions (0-d and 1-d come back unchanged)."""
    if x.ndim > 2:
        raise DimError(f"t: expects a tensor with at most 2 dimensions, got shape {x.shape}; use transpose(dim0, dim1)")
    return x if x.ndim < 2 else permute(x, (1, 0))


def squeeze(x: Tensor, dim: Any = None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or the one given)."""
    if dim is None:
        return reshape(x, tuple(s for s in x.shape if s != 1))
    d = normalize_dim(dim, x.ndim, "squeeze")
    if x.ndim == 0 or x.shape[d] != 1:
        return x
    return reshape(x, x.shape[:d] + x.shape[d + 1 :])


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at `dim`."""
    d = normalize_dim(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


def expand(x: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to a larger shape without copying; -1 keeps a size."""
    target = _shape_arg(sizes)
    lead = len(target) - x.ndim
    if lead < 0:
        raise ShapeError(f"expand: cannot expand shape {x.shape} to fewer dimensions {target}")
    shape = tuple(x.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(target))
    try:
        np.broadcast_shapes(x.shape, shape)
    except ValueError:
        raise ShapeError(f"expand: shape {tuple(x.shape)} cannot be expanded to {target}") from None
    if shape == x.shape:
        return x
    return Expand.apply(x, shape)


broadcast_to = expand


def _is_basic(index: Any) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, (int, np.integer, slice)) for i in items)


def _index_arrays(index: Any) -> Any:
    """Tensors and lists inside an index become NumPy arrays."""
    if isinstance(index, tuple):
        return tuple(_index_arrays(i) for i in index)
    if isinstance(index, Tensor):
        return index._array()
    if isinstance(index, list):
        return np.asarray(index)
    return index


def getitem(x: Tensor, index: Any) -> Tensor:
    """`x[index]`: ints, slices, None, Ellipsis, bool masks and integer arrays, as NumPy indexes."""
    index = _index_arrays(index)
    try:
        return GetItem.apply(x, index)
    except IndexError as e:
        raise IndexError(
            f"index {_describe(index)} is out of bounds for a tensor of shape {tuple(x.shape)}: {e}"
        ) from None


def _describe(index: Any) -> str:
    if isinstance(index, np.ndarray):
        return f"array of shape {index.shape}" if index.size > 8 else str(index.tolist())
    if isinstance(index, tuple):
        return "[" + ", ".join(_describe(i) for i in index) + "]"
    return repr(index)


def _tensors_for_join(op: str, tensors: Any) -> list[Any]:
    if isinstance(tensors, Tensor) or not len(tensors):
        raise TypeError(f"{op}: expected a non-empty list of tensors")
    return [t if isinstance(t, Tensor) else Tensor._make(np.asarray(t)) for t in tensors]


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension: `cat([x, y], dim=0)`."""
    ts = _tensors_for_join("cat", tensors)
    d = normalize_dim(dim, ts[0].ndim, "cat")
    ref = ts[0].shape
    for t_ in ts[1:]:
        if t_.ndim != len(ref) or any(a != b for i, (a, b) in enumerate(zip(t_.shape, ref)) if i != d):
            raise ShapeError(f"cat: shapes {[tuple(x.shape) for x in ts]} must match except in dimension {d}")
    return Cat.apply(d, *ts)


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new dimension."""
    ts = _tensors_for_join("stack", tensors)
    if any(x.shape != ts[0].shape for x in ts):
        raise ShapeError(f"stack: all tensors must have the same shape, got {[tuple(x.shape) for x in ts]}")
    return Stack.apply(normalize_dim(dim, ts[0].ndim + 1, "stack"), *ts)


def split(x: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut along `dim` into chunks of one size (the last may be smaller) or of the sizes listed."""
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
    lead = (slice(None),) * d
    out, start = [], 0
    for s in sizes:
        out.append(GetItem.apply(x, lead + (slice(start, start + s),)))
        start += s
    return tuple(out)


def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut into `chunks` parts of nearly equal size along `dim`."""
    n = x.shape[normalize_dim(dim, x.ndim, "chunk")]
    return split(x, max(1, -(-n // chunks)), dim)


def pad(x: Tensor, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    """Pad with a constant; `pad` lists (left, right) pairs from the last dimension backwards, as PyTorch."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ShapeError(f"pad: {list(pad)} must hold (left, right) pairs for at most {x.ndim} dimensions")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {list(pad)} is not supported")
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return Pad.apply(x, tuple(widths), value)
