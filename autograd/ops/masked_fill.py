"""masked_fill: `value` where `mask` is True, x elsewhere."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import op
from ..tensor import Tensor
from .where import where


@op()
def masked_fill(x: Tensor, mask: Any, value: Any) -> Tensor:
    """x with `value` where the (broadcastable) bool `mask` is True; the gradient flows to x elsewhere."""
    m = mask._data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise TypeError(f"masked_fill: the mask must be a bool tensor, got dtype {m.dtype}")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise ValueError(f"masked_fill: value must be a number or a 0-d tensor, got shape {value.shape}")
    fill = value if isinstance(value, Tensor) else np.asarray(value, dtype=x.dtype)
    return where(m, fill, x)
