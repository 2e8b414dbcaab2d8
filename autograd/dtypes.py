"""Data types: NumPy dtypes under PyTorch's names, and the default floating dtype."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .state import Defaults


class dtype:
    """A tensor's element type, PyTorch's `torch.dtype`: prints as `autograd.float32`.

    NumPy takes it wherever it takes a dtype (it has NumPy's `.dtype` attribute), it equals the
    NumPy dtype it stands for (`autograd.float32 == np.float32`), and NumPy's attributes such as
    `.kind` and `.itemsize` read through to it.
    """

    __slots__ = ("dtype", "name")

    def __init__(self, numpy_dtype: Any) -> None:
        self.dtype = np.dtype(numpy_dtype)  # the NumPy dtype; `np.dtype(autograd.float32)` reads it
        self.name = self.dtype.name

    def __repr__(self) -> str:
        return f"autograd.{self.name}"

    __str__ = __repr__

    @property
    def is_floating_point(self) -> builtins.bool:
        """True for float16, float32 and float64."""
        return self.dtype.kind == "f"

    @property
    def is_signed(self) -> builtins.bool:
        """True unless the type is unsigned (uint8, bool)."""
        return self.dtype.kind not in "ub"

    def __eq__(self, other: object) -> builtins.bool:
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        try:
            return self.dtype == np.dtype(other)  # type: ignore[call-overload]
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.dtype)  # as NumPy's, so a dict keyed by NumPy dtypes finds it

    def __getattr__(self, name: str) -> Any:
        return getattr(self.dtype, name)  # kind, itemsize, type, char: NumPy's

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (of, (self.name,))


_KNOWN: dict[np.dtype, dtype] = {}


def of(numpy_dtype: Any) -> dtype:
    """The `autograd.dtype` for a NumPy dtype (or a name such as "float32")."""
    d = np.dtype(numpy_dtype)
    known = _KNOWN.get(d)
    if known is None:
        known = _KNOWN.setdefault(d, dtype(d))
    return known


float16 = of(np.float16)
float32 = of(np.float32)
float64 = of(np.float64)
int8 = of(np.int8)
int16 = of(np.int16)
int32 = of(np.int32)
int64 = of(np.int64)
uint8 = of(np.uint8)
bool = of(np.bool_)  # noqa: A001 - PyTorch's name
half, float, double, long = float16, float32, float64, int64  # noqa: A001


def get_default_dtype() -> dtype:
    """The dtype Python floats become (float32 unless changed)."""
    return of(Defaults.dtype)


def set_default_dtype(dtype: Any) -> None:
    """Choose the dtype Python floats become: `set_default_dtype(autograd.float64)`."""
    d = to_dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"set_default_dtype: expected a floating dtype, got {d}")
    Defaults.dtype = d


def to_dtype(dtype: Any) -> np.dtype:
    """Turn `float`, `"float64"`, `np.float32` or `autograd.int64` into a NumPy dtype."""
    if dtype is builtins.float:
        return Defaults.dtype
    if dtype is builtins.int:
        return int64.dtype
    if dtype is builtins.bool:
        return bool.dtype
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"unknown dtype {dtype!r}; expected e.g. autograd.float32") from None
