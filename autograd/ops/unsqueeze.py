"""unsqueeze: insert a dimension of size 1 (a reshape)."""

from __future__ import annotations

from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .reshape import reshape


@op()
def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at `dim`."""
    d = normalize_dim(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])
