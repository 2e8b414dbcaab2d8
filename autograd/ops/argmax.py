"""argmax and argmin: the index of the largest (smallest) value, without gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim


@op()
def argmax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the largest value (flattened when dim is None); no gradient."""
    if dim is None:
        return Tensor._make(np.array(np.argmax(x._data)))
    return Tensor._make(np.argmax(x._data, axis=normalize_dim(dim, x.ndim, "argmax"), keepdims=keepdim))


@op()
def argmin(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest value (flattened when dim is None); no gradient."""
    if dim is None:
        return Tensor._make(np.array(np.argmin(x._data)))
    return Tensor._make(np.argmin(x._data, axis=normalize_dim(dim, x.ndim, "argmin"), keepdims=keepdim))
