"""sign: -1, 0 or 1 elementwise, without gradient."""

from __future__ import annotations

import numpy as np

from ..registry import op
from ..tensor import Tensor


@op()
def sign(x: Tensor) -> Tensor:
    """-1, 0 or 1 elementwise (no gradient)."""
    return Tensor._make(np.sign(x._data))
