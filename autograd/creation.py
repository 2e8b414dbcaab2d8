"""Making tensors: `tensor`, `zeros`, `ones`, `full`, `empty`, `eye`, `arange`, `linspace`,
`rand`, `randn`, `randint`, the `*_like` forms, `from_numpy` and the legacy `Variable`.

Python floats become the default dtype (float32), Python ints int64, bools bool;
a NumPy array keeps its dtype. Shapes may be given as varargs or as one sequence:
`zeros(2, 3)` and `zeros([2, 3])` are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import dtypes
from .random import generator
from .state import Defaults
from .tensor import Tensor


def _finish(array: np.ndarray, requires_grad: bool) -> Tensor:
    # a 0-d tensor holds a NumPy scalar (8x faster arithmetic); `_array()` makes it an
    # array the moment anyone needs its memory (numpy(), .data, in-place changes)
    t = Tensor._make(array[()] if array.ndim == 0 else array)
    if requires_grad:
        t.requires_grad = True  # checks that the dtype is floating
    return t


def _size(size: Sequence[Any]) -> tuple[int, ...]:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        shape = tuple(int(s) for s in size)
    except (TypeError, ValueError):
        raise TypeError(f"expected a shape of integers, got {tuple(size)!r}") from None
    if any(s < 0 for s in shape):
        raise ValueError(f"negative size in shape {shape}")
    return shape


def _float_dtype(dtype: Any) -> np.dtype:
    return Defaults.dtype if dtype is None else dtypes.to_dtype(dtype)


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of `data` (numbers, nested lists, arrays, tensors).

    >>> tensor([[1, 2], [3, 4]]).dtype        # Python ints: int64
    dtype('int64')
    >>> tensor([1.0], requires_grad=True)
    tensor([1.], requires_grad=True)
    """
    if isinstance(data, Tensor):
        data = data._data
    if dtype is not None:
        array = np.array(data, dtype=dtypes.to_dtype(dtype))
    elif isinstance(data, (np.ndarray, np.generic)):
        array = np.array(data)
    else:
        array = np.array(data)
        if array.dtype == np.float64:
            array = array.astype(Defaults.dtype)
        elif array.dtype.kind == "i":
            array = array.astype(np.int64)
        elif array.dtype.kind not in "fbu":
            raise TypeError(f"tensor: cannot make a tensor from {type(data).__name__} (NumPy dtype {array.dtype})")
    return _finish(array, requires_grad)


def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    """Like `tensor`, but a Tensor or a NumPy array of the right dtype is used without copying."""
    if isinstance(data, Tensor) and (dtype is None or data.dtype == dtypes.to_dtype(dtype)):
        return data
    if isinstance(data, np.ndarray) and (dtype is None or data.dtype == dtypes.to_dtype(dtype)):
        return Tensor._make(data)
    return tensor(data, dtype=dtype)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with `array`: a change to either shows in both."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor._make(array)


def Variable(data: Any, requires_grad: bool = False) -> Tensor:  # noqa: N802 - PyTorch's name
    """Kept from old PyTorch: returns the tensor itself, with `requires_grad` set."""
    t = data if isinstance(data, Tensor) else tensor(data)
    if requires_grad:
        t.requires_grad = True
    return t


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: `zeros(2, 3)` or `zeros([2, 3])`."""
    return _finish(np.zeros(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _finish(np.ones(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (its values are whatever the memory held)."""
    return _finish(np.empty(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def full(size: Sequence[int], fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with `fill_value`."""
    if dtype is None and isinstance(fill_value, bool):
        dtype = dtypes.bool
    elif dtype is None and isinstance(fill_value, int):
        dtype = dtypes.int64
    shape = _size((size,) if isinstance(size, (tuple, list)) else (size,))
    return _finish(np.full(shape, fill_value, dtype=_float_dtype(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix (n x m)."""
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Values from start to end (exclusive) by step; int64 for integer arguments, as PyTorch."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError(f"arange: step must be nonzero (start={start}, end={end})")
    if (end - start) * step < 0:
        raise RuntimeError(
            f"arange: upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step})"
        )
    if dtype is None:
        ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if ints else Defaults.dtype
    return _finish(np.arange(start, end, step, dtype=dtypes.to_dtype(dtype)), requires_grad)


def linspace(start: float, end: float, steps: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced values from start to end (both included)."""
    return _finish(np.linspace(start, end, steps, dtype=_float_dtype(dtype)), requires_grad)


def rand(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the generator seeded by `manual_seed`."""
    array = generator().random(_size(size)).astype(_float_dtype(dtype))
    return _finish(array, requires_grad)


def randn(*size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the generator seeded by `manual_seed`: `randn(64, 1000)`."""
    array = generator().standard_normal(_size(size)).astype(_float_dtype(dtype))
    return _finish(array, requires_grad)


def randint(low: int, high: int | None = None, size: Sequence[int] = (), dtype: Any = None) -> Tensor:
    """Random integers in [low, high) (int64): `randint(0, 10, (3,))` or `randint(10, (3,))`."""
    if high is None or isinstance(high, (tuple, list)):
        if isinstance(high, (tuple, list)):
            size = high
        low, high = 0, low
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    array = generator().integers(low, high, size=_size((size,)))
    return Tensor._make(array.astype(dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)))


def randperm(n: int) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    return Tensor._make(generator().permutation(n).astype(np.int64))


def _like(x: Tensor, dtype: Any) -> tuple[tuple[int, ...], Any]:
    return tuple(x.shape), x.dtype if dtype is None else dtype


def zeros_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with `x`'s shape and dtype."""
    shape, dt = _like(x, dtype)
    return zeros(shape, dtype=dt, requires_grad=requires_grad)


def ones_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with `x`'s shape and dtype."""
    shape, dt = _like(x, dtype)
    return ones(shape, dtype=dt, requires_grad=requires_grad)


def empty_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uninitialised, with `x`'s shape and dtype."""
    shape, dt = _like(x, dtype)
    return empty(shape, dtype=dt, requires_grad=requires_grad)


def full_like(x: Tensor, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """`fill_value` everywhere, with `x`'s shape and dtype."""
    shape, dt = _like(x, dtype)
    return full(shape, fill_value, dtype=dt, requires_grad=requires_grad)


def rand_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) with `x`'s shape and dtype."""
    shape, dt = _like(x, dtype)
    return rand(shape, dtype=dt, requires_grad=requires_grad)


def randn_like(x: Tensor, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples with `x`'s shape and dtype."""
    shape, dt = _like(x, dtype)
    return randn(shape, dtype=dt, requires_grad=requires_grad)
