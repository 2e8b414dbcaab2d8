"""Checking `dim` arguments against a tensor's number of dimensions."""

from __future__ import annotations

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
