"""Reading `dim` and shape arguments: checked against a tensor's number of dimensions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import DimError


def normalize_dim(dim: Any, ndim: int, op: str) -> int:
    """`dim` as a non-negative index, or a `DimError` naming the op and the valid range."""
    if not isinstance(dim, int) and not hasattr(dim, "__index__"):
        raise TypeError(f"{op}: dim must be an integer, got {dim!r}")
    dim = int(dim)
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise DimError(
            f"{op}: dim {dim} is out of range for a tensor with {ndim} dimensions (expected {-size}..{size - 1})"
        )
    return dim % size


def normalize_dims(dim: Any, ndim: int, op: str) -> tuple[int, ...] | None:
    """A `dim` that may be None (all), an int or a sequence of ints, as a tuple of non-negative ints."""
    if dim is None:
        return None
    if isinstance(dim, (tuple, list)):
        dims = tuple(normalize_dim(d, ndim, op) for d in dim)
        if len(set(dims)) != len(dims):
            raise DimError(f"{op}: dim {tuple(dim)} names a dimension twice")
        return dims
    return (normalize_dim(dim, ndim, op),)


def reduction_axes(dim: Any, x: Any, op: str) -> tuple[int, ...] | None:
    """A reduction's `dim` as NumPy axes (None: all); a 0-d tensor takes dim 0 or -1, as in PyTorch,
    and reduces to itself."""
    if dim is None:
        return None
    axes = normalize_dims(dim, x.ndim, op)
    return None if x.ndim == 0 else axes


def kept_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    """The shape a reduction over `axes` has with `keepdim=True`: each reduced dimension becomes 1."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def sizes_argument(sizes: Sequence[Any]) -> tuple[int, ...]:
    """Sizes given as varargs or as one sequence (`x.reshape(3, 2)`, `x.reshape((3, 2))`), as a tuple of ints."""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = sizes[0]
    return tuple(int(s) for s in sizes)
