"""Type promotion as PyTorch's: which dtype an op on mixed operands computes in.

NumPy agrees with PyTorch on most pairs (float32 with float32, a float tensor with a Python
number, int32 with a Python int). Where they differ, an elementwise op's module function casts
its operands first (`promote_operands`), so NumPy computes in PyTorch's dtype:

- an integer or bool tensor with a Python float or a float tensor: the default float dtype
  (`tensor([1, 2]) + 1.5` is float32; NumPy would give float64);
- true division of integers: the default float dtype (`tensor([1, 2]) / 2`);
- a 0-d tensor does not promote a dimensioned one of the same category
  (`tensor(1.0, dtype=float64) + float32 vector` is float32; `tensor(5) + int32 vector` is int32);
  of a higher category it does (`tensor(1.5, dtype=float64) + int vector` is float64).

Categories: bool < integer < floating. `result_type(*operands)` is `torch.result_type`.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

import numpy as np

from .function import apply_one_tensor, apply_two_tensors
from .state import Defaults
from .tensor import Tensor, _ndarray

BOOL, INTEGER, FLOATING = 0, 1, 2


def category(dtype: np.dtype) -> int:
    """0 for bool, 1 for integers, 2 for floating dtypes."""
    return FLOATING if dtype.kind == "f" else BOOL if dtype.kind == "b" else INTEGER


def _python_dtype(value: Any) -> np.dtype | None:
    if isinstance(value, builtins.bool):
        return np.dtype(np.bool_)
    if isinstance(value, builtins.int):
        return np.dtype(np.int64)
    if isinstance(value, builtins.float):
        return Defaults.dtype
    return None


def promote_types(a: Any, b: Any) -> np.dtype:
    """torch.promote_types: the higher category wins (int64 with float32 is float32); within one, NumPy's rule."""
    a, b = np.dtype(a), np.dtype(b)
    ca, cb = category(a), category(b)
    if ca != cb:
        return a if ca > cb else b
    return np.promote_types(a, b)


def _promote_group(dtypes: list[np.dtype]) -> np.dtype | None:
    result = None
    for d in dtypes:
        result = d if result is None else promote_types(result, d)
    return result


def _merge(result: np.dtype | None, other: np.dtype | None) -> np.dtype | None:
    """Fold a lower-priority group into the result: it counts only when of a higher category."""
    if other is None:
        return result
    if result is None:
        return other
    if category(other) > category(result):
        return other
    return result


def result_type(*operands: Any) -> np.dtype:
    """The dtype PyTorch computes an elementwise op on these operands in (tensors, arrays, Python numbers)."""
    dimensioned: list[np.dtype] = []
    zero_dim: list[np.dtype] = []
    numbers: list[np.dtype] = []
    for x in operands:
        if isinstance(x, (Tensor, np.ndarray, np.generic)):
            (dimensioned if np.ndim(x) > 0 else zero_dim).append(np.dtype(x.dtype))
        else:
            d = _python_dtype(x)
            if d is None:
                raise TypeError(f"result_type: expected tensors or numbers, got {type(x).__name__}")
            numbers.append(d)
    result = _merge(_promote_group(dimensioned), _promote_group(zero_dim))
    wrapped = _promote_group(numbers)
    if wrapped is not None and wrapped.kind == "f" and result is not None and result.kind != "f":
        wrapped = Defaults.dtype  # a Python float makes an integer tensor the default float dtype
    result = _merge(result, wrapped)
    assert result is not None
    return result


def cast_to(x: Any, dtype: np.dtype) -> Any:
    """`x` in `dtype`: a Tensor through the differentiable cast, a number or array left to NumPy."""
    if not isinstance(x, Tensor) or x._data.dtype == dtype:
        return x
    from .ops.to import cast

    return cast(x, dtype)


def promote_operands(a: Any, b: Any, true_division: bool = False) -> tuple[Any, Any]:
    """(a, b), cast where NumPy's promotion would differ from PyTorch's (see the module's docstring)."""
    dtype = result_type(a, b)
    if true_division and dtype.kind != "f":
        dtype = Defaults.dtype
    a_dtype, b_dtype = _dtype_of(a), _dtype_of(b)
    if a_dtype == dtype and (b_dtype is None or b_dtype == dtype):
        return a, b
    if b_dtype == dtype and a_dtype is None:
        return a, b
    return cast_to(_as_tensor(a, dtype), dtype), cast_to(_as_tensor(b, dtype), dtype)


def _dtype_of(x: Any) -> np.dtype | None:
    return x._data.dtype if isinstance(x, Tensor) else None


def _as_tensor(x: Any, dtype: np.dtype) -> Any:
    """A Python number stays a number when it fits the result (NumPy keeps the tensor's dtype then)."""
    if isinstance(x, (builtins.bool, builtins.int, builtins.float)) and not (
        isinstance(x, builtins.float) and dtype.kind != "f"
    ):
        return x
    if isinstance(x, (np.ndarray, np.generic)):
        return x.astype(dtype)
    return x


def needs_promotion(a: Any, b: Any) -> builtins.bool:
    """False on the common path (same-dtype tensors, a float tensor with a number): no cast needed."""
    if type(a) is Tensor:
        if type(b) is Tensor:
            return a._data.dtype is not b._data.dtype
        return a._data.dtype.kind != "f" and type(b) is builtins.float
    if type(b) is Tensor:
        return b._data.dtype.kind != "f" and type(a) is builtins.float
    return True


def promoting(apply: Callable[[Any, Any], Tensor], name: str, doc: str, module: str) -> Callable[[Any, Any], Tensor]:
    """The module function of a binary elementwise op (add, sub, mul): operands promoted, then `apply`.

    Speed trick, promotion checked inline: same-typed tensors, and a float tensor with a Python float
    (one that requires grad is floating), skip the call to needs_promotion, which cost a chain of
    products 7% of its instructions; two same-typed tensors go to `apply_two_tensors`.
    """

    cls = apply.__self__  # type: ignore[attr-defined]

    def binary(a: Any, b: Any) -> Tensor:
        da = a._data if type(a) is Tensor else None
        if da is not None and type(b) is Tensor:
            if type(da) is type(b._data) is not _ndarray or da.dtype is b._data.dtype:
                return apply_two_tensors(cls, a, b)
        elif da is not None and type(b) is builtins.float and (a._requires_grad or da.dtype.kind == "f"):
            return apply_one_tensor(cls, a, b)
        if needs_promotion(a, b):
            a, b = promote_operands(a, b)
        return apply(a, b)

    binary.__name__ = binary.__qualname__ = name
    binary.__doc__ = doc
    binary.__module__ = module
    return binary
