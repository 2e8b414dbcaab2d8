"""squeeze: remove dimensions of size 1 (a reshape)."""

from __future__ import annotations

from typing import Any

from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .reshape import reshape


@op()
def squeeze(x: Tensor, dim: Any = None) -> Tensor:
    """Remove dimensions of size 1 (all of them, or the one given)."""
    if dim is None:
        return reshape(x, tuple(s for s in x.shape if s != 1))
    d = normalize_dim(dim, x.ndim, "squeeze")
    if x.ndim == 0 or x.shape[d] != 1:
        return x
    return reshape(x, x.shape[:d] + x.shape[d + 1 :])
