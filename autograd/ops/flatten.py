"""flatten: merge a run of dimensions into one (a reshape)."""

from __future__ import annotations

import math

from ..errors import DimError
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .reshape import reshape


@op()
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
