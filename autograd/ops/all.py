"""all and any: whether every (some) element is non-zero, without gradient."""

from __future__ import annotations

import numpy as np

from ..registry import op
from ..tensor import Tensor


@op()
def all(x: Tensor) -> Tensor:  # noqa: A001 - torch.all
    """True when every element is non-zero (no gradient)."""
    return Tensor._make(np.all(x._data))


@op()
def any(x: Tensor) -> Tensor:  # noqa: A001 - torch.any
    """True when some element is non-zero (no gradient)."""
    return Tensor._make(np.any(x._data))
