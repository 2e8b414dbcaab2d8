"""Elementwise limits against a number: `at_least(x, lo)` is max(x, lo), `at_most(x, hi)` is min(x, hi).

Speed trick, a limit taken against a full array: NumPy (2.4) has a vectorised loop for
np.maximum / np.minimum of two arrays but not of an array and a number. Filling a new array
with the number and taking the limit into it is 2-3x faster from a few hundred elements on,
fill included, and needs no more memory, since that array is the result (float32, measured:
a 1279x64 ReLU 31 -> 13 us; LeNet's first ReLU, 64x6x28x28, 113 -> 41 us). Below that size,
and for anything but a floating array with a number, NumPy's own call is used: same values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import _ndarray

FULL_ARRAY_FROM = 256  # elements; below this the fill costs more than the vectorised loop saves


def at_least(x: Any, lo: Any) -> Any:
    """max(x, lo) elementwise, NaN kept (np.maximum's values), for an array or number `x` and a number `lo`."""
    return limited(np.maximum, x, lo)


def at_most(x: Any, hi: Any) -> Any:
    """min(x, hi) elementwise, NaN kept (np.minimum's values), for an array or number `x` and a number `hi`."""
    return limited(np.minimum, x, hi)


def limited(limit: np.ufunc, x: Any, bound: Any) -> Any:
    """`limit(x, bound)` (np.maximum or np.minimum), against a full array of `bound` where that is faster."""
    if type(x) is _ndarray and x.size >= FULL_ARRAY_FROM and x.dtype.kind == "f" and type(bound) in (int, float):
        out = np.full(x.shape, bound, x.dtype) if bound else np.zeros(x.shape, x.dtype)
        return limit(x, out, out=out)
    return limit(x, bound)
