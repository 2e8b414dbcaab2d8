"""In-place changes (`add_`, `mul_`, `copy_`, `fill_`, `t[index] = value`, ...): the engine's part.

The ops in `autograd/ops/` say what value an in-place method computes; this
module stores it into the tensor's memory. Two paths, as in PyTorch:

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

from . import forward_ad
from .errors import DtypeError, ShapeError
from .state import GRAD_ENABLED, ForwardMode
from .tensor import Tensor, _ndarray


def check_leaf(t: Tensor, op: str) -> None:
    """Refuse to change a leaf that requires grad while grad mode is on (its gradient would be wrong)."""
    if t._requires_grad and t.grad_fn is None and GRAD_ENABLED.get():
        raise RuntimeError(
            f"{op}: a leaf tensor that requires grad (shape {tuple(t.shape)}) cannot be changed in place "
            "while grad mode is on; wrap the update in `with autograd.no_grad():` or change `t.data`"
        )


def apply_inplace(
    t: Tensor, name: str, fn: Callable[..., Tensor], *args: Any, ufunc: Any = None, reads_old_value: bool = False
) -> Tensor:
    """Compute `fn(t, *args)` and store the result in `t`'s memory (`name` is the method, for errors).

    When nothing is recorded and `ufunc` is given, NumPy computes straight into the
    tensor's memory (`np.subtract(w, g, out=w)`): no temporary, as code by hand would do.
    `reads_old_value`: the op's backward uses the tensor's value before the change (mul_, div_,
    pow_); when recorded, the op then runs on a copy of it, which its node keeps (as PyTorch saves
    `self` for these), instead of on memory the change overwrites.
    """
    records = False
    if GRAD_ENABLED.get():  # under no_grad (optimiser updates) nothing below can be recorded
        check_leaf(t, name)
        records = t._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args)
    dual = ForwardMode.level and has_tangent(t, args)
    if not records:
        if ufunc is not None and not dual:
            array = t._data
            if type(array) is not _ndarray:
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
            result = fn(forward_ad.carrying_tangent(t) if dual else Tensor._make(t._data), *args)
            store(t, result._data, name)
            if dual:
                forward_ad.take_tangent(t, result)
        t._bump_version()
        return t
    base = t._base
    if base is not None:
        return change_through_view(t, base, name, fn(old_value(t) if reads_old_value else t, *args))
    result = fn(old_value(t) if reads_old_value else t, *args)
    store(t, result._data, name)
    t._bump_version()
    t.grad_fn = result.grad_fn
    t._output_nr = result._output_nr
    t._requires_grad = result._requires_grad
    if dual:
        forward_ad.take_tangent(t, result)
    return t


def has_tangent(t: Tensor, args: tuple) -> bool:
    """In forward mode: whether the changed tensor or an operand carries a tangent."""
    return forward_ad.tangent_of(t) is not None or any(forward_ad.tangent_of(a) is not None for a in args)


def old_value(t: Tensor) -> Tensor:
    """A tensor at t's place in the graph (same node and output) holding a copy of t's current values."""
    copy = Tensor._make(np.array(t._data, copy=True), t._requires_grad, t.grad_fn)
    copy._output_nr = t._output_nr
    tangent = forward_ad.tangent_of(t)
    if tangent is not None:  # forward mode: the old value's tangent too
        forward_ad.set_tangent(copy, tangent)
    return copy


def assign(array: np.ndarray, value: Any, out: np.ndarray) -> None:
    """`out[...] = value`, shaped like a ufunc call so `fill_`/`copy_` take the direct path."""
    out[...] = value


def store(t: Tensor, value: Any, op: str) -> None:
    """Copy `value` into `t`'s memory, which keeps its shape and dtype."""
    target = t._array()
    if np.shape(value) != target.shape:
        raise ShapeError(
            f"{op}: the result has shape {tuple(np.shape(value))} but an in-place op must keep the "
            f"tensor's shape {tuple(target.shape)}"
        )
    np.copyto(target, value, casting="unsafe")


def view_positions(view: np.ndarray, base: np.ndarray) -> np.ndarray:
    """For each element of `view` (a strided view of `base`'s memory), its flat index in `base`."""
    itemsize = base.itemsize
    start = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // itemsize
    positions = np.full(view.shape, start, dtype=np.int64)
    for axis, (n, stride) in enumerate(zip(view.shape, view.strides)):
        positions += (np.arange(n) * (stride // itemsize)).reshape([-1 if k == axis else 1 for k in range(view.ndim)])
    return positions


def change_through_view(t: Tensor, base: Tensor, name: str, result: Tensor) -> Tensor:
    """An in-place change of a view, differentiated as PyTorch's CopySlices does.

    The base's graph is rewritten: its new node puts `result` at the view's places of its old value
    (IndexPut over the flat base), so gradients reach both the old base (elsewhere) and whatever made
    `result`; the view becomes that new base seen through the same places.
    """
    if base._requires_grad and base.grad_fn is None:
        raise RuntimeError(
            f"{name}: a view of a leaf Variable that requires grad is being used in an in-place operation."
        )
    data = base._data
    if type(data) is not _ndarray or not data.flags.c_contiguous or type(t._data) is not _ndarray:
        raise RuntimeError(f"{name}: in-place change of a view of a non-contiguous tensor is not supported")
    from .ops.setitem import IndexPut  # the ops import this module

    positions = view_positions(t._data, data)
    store(t, result._data, name)  # into the shared memory: the base changes too
    flat = IndexPut.apply(base.reshape(-1), result, positions)
    new_base = flat.reshape(*data.shape)
    t._bump_version()
    base.grad_fn, base._output_nr, base._requires_grad = new_base.grad_fn, new_base._output_nr, new_base._requires_grad
    view = flat[positions]
    t.grad_fn, t._output_nr, t._requires_grad = view.grad_fn, view._output_nr, view._requires_grad
    return t
