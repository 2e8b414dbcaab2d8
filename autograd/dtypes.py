"""Data types: NumPy dtypes under PyTorch's names, and the default floating dtype."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .state import Defaults

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool = np.dtype(np.bool_)  # noqa: A001 - PyTorch's name
half, float, double, long = float16, float32, float64, int64  # noqa: A001


def get_default_dtype() -> np.dtype:
    """The dtype Python floats become (float32 unless changed)."""
    return Defaults.dtype


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
        return int64
    if dtype is builtins.bool:
        return bool
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"unknown dtype {dtype!r}; expected e.g. autograd.float32") from None
