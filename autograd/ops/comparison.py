"""Comparisons `==`, `!=`, `<`, `<=`, `>`, `>=` (`eq`, `ne`, `lt`, `le`, `gt`, `ge`): bool tensors, no gradient."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import DtypeError
from ..registry import op
from ..tensor import Tensor


def compare(ufunc: Callable, a: Any, b: Any) -> Tensor:
    """A comparison or logical ufunc (`np.less`, `np.logical_and` ...) of two operands: a bool tensor without gradient."""
    a_ = a._data if isinstance(a, Tensor) else a
    b_ = b._data if isinstance(b, Tensor) else b
    try:
        return Tensor._make(ufunc(a_, b_))
    except (ValueError, TypeError) as e:
        raise DtypeError(f"{ufunc.__name__}: cannot compare shapes {np.shape(a_)} and {np.shape(b_)}: {e}") from None


@op(operators=["__eq__"])
def eq(a: Any, b: Any) -> Any:
    """a == b elementwise (no gradient); `x == None` is False, as in PyTorch."""
    if b is None:
        return False
    return compare(np.equal, a, b)


@op(operators=["__ne__"])
def ne(a: Any, b: Any) -> Any:
    """a != b elementwise (no gradient); `x != None` is True, as in PyTorch."""
    if b is None:
        return True
    return compare(np.not_equal, a, b)


@op(operators=["__lt__"])
def lt(a: Any, b: Any) -> Tensor:
    """a < b elementwise (no gradient)."""
    return compare(np.less, a, b)


@op(operators=["__le__"])
def le(a: Any, b: Any) -> Tensor:
    """a <= b elementwise (no gradient)."""
    return compare(np.less_equal, a, b)


@op(operators=["__gt__"])
def gt(a: Any, b: Any) -> Tensor:
    """a > b elementwise (no gradient)."""
    return compare(np.greater, a, b)


@op(operators=["__ge__"])
def ge(a: Any, b: Any) -> Tensor:
    """a >= b elementwise (no gradient)."""
    return compare(np.greater_equal, a, b)
