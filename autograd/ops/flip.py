"""flip and roll: the order of elements reversed, or rotated, along dimensions."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DimError
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .getitem import GetItem


@op()
def flip(x: Tensor, dims: Any, *more_dims: int) -> Tensor:
    """x with the order of elements reversed along each of `dims` (a view): `flip(x, (0, 1))`, `x.flip(0, 1)`."""
    axes = ([dims] if isinstance(dims, int) else list(dims)) + list(more_dims)
    index: list[Any] = [slice(None)] * x.ndim
    for d in axes:
        d = normalize_dim(d, x.ndim, "flip")
        if x.ndim:  # a 0-d tensor takes dim 0 or -1, as in PyTorch, and stays as it is
            index[d] = slice(None, None, -1)
    return GetItem.apply(x, tuple(index))


@op()
def roll(x: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """x with elements shifted by `shifts` along `dims` (wrapping around); flattened first when dims is None."""
    if dims is None:
        return roll(x.reshape(-1), shifts, 0).reshape(*x.shape)
    shift_list = [shifts] if isinstance(shifts, int) else list(shifts)
    dim_list = [dims] if isinstance(dims, int) else list(dims)
    if len(shift_list) != len(dim_list):
        raise ValueError(f"roll: shifts and dims must align, got {len(shift_list)} shifts and {len(dim_list)} dims")
    if x.ndim == 0:  # as PyTorch: a 0-d tensor has no dimension to roll along (dims=None rolls it)
        raise DimError(f"roll: expected a tensor with at least 1 dimension for dims {dims}, got a 0-d tensor")
    out = x
    for s, d in zip(shift_list, dim_list):
        d = normalize_dim(d, x.ndim, "roll")
        n = x.shape[d]
        index: list[Any] = [slice(None)] * x.ndim
        index[d] = (np.arange(n) - s) % n
        out = GetItem.apply(out, tuple(index))
    return out
