"""Logical `&`, `|`, `~` (`logical_and`, `logical_or`, `logical_not`): bool tensors, no gradient."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import op
from ..tensor import Tensor
from .comparison import compare


@op(operators=["__and__"])
def logical_and(a: Any, b: Any) -> Tensor:
    """a and b elementwise, for masks: `(x > 0) & (x < 1)` (no gradient)."""
    return compare(np.logical_and, a, b)


@op(operators=["__or__"])
def logical_or(a: Any, b: Any) -> Tensor:
    """a or b elementwise, for masks: `(x < 0) | (x > 1)` (no gradient)."""
    return compare(np.logical_or, a, b)


@op(operators=["__invert__"])
def logical_not(x: Tensor) -> Tensor:
    """not x elementwise, for masks: `~mask` (no gradient)."""
    return Tensor._make(np.logical_not(x._data))
