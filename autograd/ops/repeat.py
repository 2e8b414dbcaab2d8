"""repeat and tile: a tensor repeated along each dimension (np.tile), through a broadcast view."""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..registry import op
from ..tensor import Tensor
from .dims import sizes_argument


@op()
def repeat(x: Tensor, *sizes: Any) -> Tensor:
    """x repeated sizes[i] times along dimension i (leading sizes add dimensions): `x.repeat(2, 3)`."""
    reps = sizes_argument(sizes)
    if len(reps) < x.ndim:
        raise ShapeError(
            f"repeat: number of repeat dims ({len(reps)}) can not be smaller than number of tensor dims ({x.ndim})"
        )
    shape = (1,) * (len(reps) - x.ndim) + tuple(x.shape)
    interleaved = [s for r, n in zip(reps, shape) for s in (1, n)]  # (1, n0, 1, n1, ...)
    expanded = [s for r, n in zip(reps, shape) for s in (r, n)]  # (r0, n0, r1, n1, ...): the copies
    out = x.reshape(*interleaved).expand(*expanded)
    return out.reshape(*(r * n for r, n in zip(reps, shape)))


@op()
def tile(x: Tensor, dims: Any) -> Tensor:
    """np.tile: like repeat, but fewer `dims` than dimensions repeat the last ones."""
    reps = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    return repeat(x, *((1,) * (x.ndim - len(reps)) + reps))
