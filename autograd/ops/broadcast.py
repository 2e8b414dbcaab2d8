"""Broadcasting in both directions: `broadcast_view` stretches, `unbroadcast` sums back; `shape_of` any operand."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import _ndarray


def shape_of(x: Any) -> tuple[int, ...]:
    """The shape of an operand: an array's or a tensor's, () for a Python number."""
    return x.shape if hasattr(x, "shape") else ()


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum `grad` over the dimensions NumPy broadcasting added or stretched, giving `shape`.

    Works on arrays and on Tensors alike (it only uses `.sum`).

    Speed trick, called only where broadcasting happened: the commonest binary ops (add, sub,
    mul) keep an input's shape in forward only when it differs from the output's, and their
    backward passes the gradient on as it is otherwise, without this call (a tiny graph:
    64.9k -> 61.7k instructions a step, four calls fewer).
    """
    gshape = grad.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    stretched = tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    if lead:
        grad = grad.sum(axis=tuple(range(lead)))
    return grad  # a fresh array, not a view: the engine can hand it to a leaf without a copy


def broadcast_view(x: Any, shape: tuple[int, ...]) -> Any:
    """A read-only view of `x` stretched to `shape` (`np.broadcast_to`, without its ~2 us of Python).

    `shape` must be a valid broadcast of `x.shape` (callers check it).
    """
    if type(x) is not _ndarray or not x.flags.c_contiguous:
        return np.broadcast_to(x, shape)
    if x.size == 1:  # a gradient of a full reduction: one value everywhere
        strides: tuple[int, ...] = (0,) * len(shape)
    else:
        lead = len(shape) - x.ndim
        strides = (0,) * lead + tuple(
            [
                0 if size == 1 and target != 1 else stride
                for size, target, stride in zip(x.shape, shape[lead:], x.strides)
            ]
        )
    view = _ndarray(shape, x.dtype, x, 0, strides)
    view.flags.writeable = False
    return view
