"""all and any: whether every (some) element is non-zero, without gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import op
from ..tensor import Tensor
from .dims import reduction_axes


@op()
def all(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.all
    """True when every element (along `dim`) is non-zero (no gradient)."""
    return Tensor._make(np.asarray(np.all(x._data, axis=reduction_axes(dim, x, "all"), keepdims=keepdim)))


@op()
def any(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.any
    """True when some element (along `dim`) is non-zero (no gradient)."""
    return Tensor._make(np.asarray(np.any(x._data, axis=reduction_axes(dim, x, "any"), keepdims=keepdim)))
