"""isclose, allclose and equal: comparisons of whole tensors (no gradient)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import op
from ..tensor import Tensor


def _values(x: Any) -> Any:
    return x._data if isinstance(x, Tensor) else np.asarray(x)


@op()
def isclose(a: Tensor, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """|a - b| <= atol + rtol * |b| elementwise, as a bool tensor."""
    return Tensor._make(np.asarray(np.isclose(_values(a), _values(b), rtol=rtol, atol=atol, equal_nan=equal_nan)))


@op()
def allclose(a: Tensor, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """True when every element of a is close to b's (see isclose)."""
    return bool(np.allclose(_values(a), _values(b), rtol=rtol, atol=atol, equal_nan=equal_nan))


@op()
def equal(a: Tensor, b: Tensor) -> bool:
    """True when a and b have the same shape and the same elements."""
    x, y = _values(a), _values(b)
    return bool(x.shape == y.shape and np.array_equal(x, y))
