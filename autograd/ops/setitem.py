"""Item assignment `t[index] = value`: `x[:] = 0`, `grad_h[h < 0] = 0`; differentiable when recorded."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..inplace import apply_inplace, check_leaf, has_tangent
from ..registry import op
from ..state import GRAD_ENABLED, ForwardMode
from ..tensor import Tensor
from .broadcast import unbroadcast
from .getitem import index_arrays


class IndexPut(Function):
    """`t[index] = value` computed out of place, for the recorded path."""

    __slots__ = ("index", "value_shape")

    @staticmethod
    def forward(ctx, x, value, index):
        ctx.index, ctx.value_shape = index, np.shape(value)
        out = np.array(x)
        out[index] = value
        return out

    @staticmethod
    def jvp(ctx, tx, tvalue, _index):  # x's tangent with the written places taken from value's
        x, value, index = ctx.primals
        out = np.zeros(np.shape(x)) if tx is None else np.array(tx, dtype=np.float64)
        out[index] = 0.0 if tvalue is None else tvalue
        return out

    @staticmethod
    def backward(ctx, grad):  # overwritten places pass nothing to x
        idx = ctx.index
        kept = np.ones(grad.shape, dtype=bool)
        kept[idx] = False
        g_value = None
        if ctx.needs_input_grad[1]:
            g_value = unbroadcast(grad[idx], ctx.value_shape)
        return grad * kept, g_value, None


@op(method=False, export=False, operators=["__setitem__"])
def setitem(t: Tensor, index: Any, value: Any) -> None:
    """`t[index] = value`: `x[:] = 0`, `grad_h[h < 0] = 0`."""
    index = index_arrays(index)
    check_leaf(t, "setitem")
    value_requires = isinstance(value, Tensor) and value._requires_grad
    try:
        dual = ForwardMode.level and has_tangent(t, (value,))  # forward mode: the tangent changes too
        if not (GRAD_ENABLED.get() and (t._requires_grad or value_requires)) and not dual:
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
