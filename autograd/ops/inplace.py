"""In-place changes: `add_`, `mul_`, `copy_`, `fill_`, `t[index] = value`, ...

Two paths, as in PyTorch:
- nothing is recorded (grad mode off, or no tensor involved requires grad):
  NumPy changes the array in place and the version counter goes up;
- otherwise the op is recorded out of place, its result is copied into the
  tensor's memory and the tensor's `grad_fn` moves to the new node.

A leaf that requires grad cannot be changed in place while grad mode is on,
and a tensor saved for a pending backward that is changed makes that backward
raise (the version counter tells).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import DtypeError, ShapeError
from ..function import Function
from ..state import thread
from ..tensor import Tensor
from .broadcast import unbroadcast
from .shape import _index_arrays


def _check_leaf(t: Tensor, op: str) -> None:
    if thread.grad_enabled and t._requires_grad and t.grad_fn is None:
        raise RuntimeError(
            f"{op}: a leaf tensor that requires grad (shape {tuple(t.shape)}) cannot be changed in place "
            "while grad mode is on; wrap the update in `with autograd.no_grad():` or change `t.data`"
        )


def apply_inplace(t: Tensor, name: str, fn: Callable[..., Tensor], *args: Any, ufunc: Any = None) -> Tensor:
    """Compute `fn(t, *args)` and store the result in `t`'s memory (`name` is the method, for errors).

    When nothing is recorded and `ufunc` is given, NumPy computes straight into the
    tensor's memory (`np.subtract(w, g, out=w)`): no temporary, as code by hand would do.
    """
    records = False
    if thread.grad_enabled:  # under no_grad (optimiser updates) nothing below can be recorded
        _check_leaf(t, name)
        records = t._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args)
    if not records:
        if ufunc is not None:
            array = t._data
            if type(array) is not np.ndarray:
                array = t._array()
            other = args[0]._data if isinstance(args[0], Tensor) else args[0]
            try:
                ufunc(array, other, out=array)
            except ValueError:
                raise ShapeError(
                    f"{name}: an operand of shape {tuple(np.shape(other))} cannot be broadcast to the "
                    f"tensor's shape {tuple(array.shape)} (an in-place op keeps the shape)"
                ) from None
            except TypeError as e:
                raise DtypeError(f"{name}: {e}") from None
        else:
            result = fn(Tensor._make(t._data), *args)
            _store(t, result._data, name)
        t._bump_version()
        return t
    base = t._base
    if base is not None and base._requires_grad:
        raise RuntimeError(
            f"{name}: in-place change of a view of a tensor that requires grad is not supported; "
            "change the base tensor, or use an out-of-place op"
        )
    result = fn(t, *args)
    _store(t, result._data, name)
    t._bump_version()
    t.grad_fn = result.grad_fn
    t._output_nr = result._output_nr
    t._requires_grad = result._requires_grad
    return t


def assign(array: np.ndarray, value: Any, out: np.ndarray) -> None:
    """`out[...] = value`, shaped like a ufunc call so `fill_`/`copy_` take the direct path."""
    out[...] = value


def _store(t: Tensor, value: Any, op: str) -> None:
    target = t._array()
    if np.shape(value) != target.shape:
        raise ShapeError(
            f"{op}: the result has shape {tuple(np.shape(value))} but an in-place op must keep the "
            f"tensor's shape {tuple(target.shape)}"
        )
    np.copyto(target, value, casting="unsafe")


class CopyFrom(Function):
    """`dst.copy_(src)`: src broadcast to dst's shape and dtype."""

    __slots__ = ("src_shape",)

    @staticmethod
    def forward(ctx, dst, src):  # type: ignore[no-untyped-def]
        ctx.src_shape = np.shape(src)
        return np.broadcast_to(np.asarray(src, dtype=dst.dtype), dst.shape).copy()

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # dst's old value is forgotten
        return None, unbroadcast(grad, ctx.src_shape)


def copy_from(dst: Tensor, src: Any) -> Tensor:
    """The value `dst.copy_(src)` stores."""
    try:
        return CopyFrom.apply(dst, src)
    except ValueError:
        raise ShapeError(f"copy_: source of shape {np.shape(src)} cannot be broadcast to {tuple(dst.shape)}") from None


def filled(t: Tensor, value: Any) -> Tensor:
    """The value `t.fill_(value)` stores."""
    return copy_from(t, value)


class IndexPut(Function):
    """`t[index] = value` computed out of place, for the recorded path."""

    __slots__ = ("index", "value_shape")

    @staticmethod
    def forward(ctx, x, value, index):  # type: ignore[no-untyped-def]
        ctx.index, ctx.value_shape = index, np.shape(value)
        out = np.array(x)
        out[index] = value
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # overwritten places pass nothing to x
        idx = ctx.index
        kept = np.ones(grad.shape, dtype=bool)
        kept[idx] = False
        g_value = None
        if ctx.needs_input_grad[1]:
            g_value = unbroadcast(grad[idx], ctx.value_shape)
        return grad * kept, g_value, None


def setitem(t: Tensor, index: Any, value: Any) -> None:
    """`t[index] = value`: `x[:] = 0`, `grad_h[h < 0] = 0`."""
    index = _index_arrays(index)
    _check_leaf(t, "setitem")
    value_requires = isinstance(value, Tensor) and value._requires_grad
    try:
        if not (thread.grad_enabled and (t._requires_grad or value_requires)):
            t._array()[index] = value._data if isinstance(value, Tensor) else value
            t._bump_version()
            return
        apply_inplace(t, "setitem", IndexPut.apply, value, index)
    except IndexError as e:
        raise IndexError(f"setitem: index is out of bounds for a tensor of shape {tuple(t.shape)}: {e}") from None
    except ValueError as e:
        raise ShapeError(
            f"setitem: a value of shape {tuple(np.shape(value))} cannot be assigned to the indexed part "
            f"of a tensor of shape {tuple(t.shape)}: {e}"
        ) from None
