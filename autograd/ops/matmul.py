"""matmul: the matrix product `a @ b` (1-D, 2-D, batched, broadcast batch dimensions); `mm` and `dot`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function, apply_two_tensors
from ..registry import op
from ..tensor import Tensor
from .broadcast import unbroadcast
from .tangents import total


class MatMul(Function):
    __slots__ = ("shapes",)

    @staticmethod
    def forward(ctx, a, b):
        need_a, need_b = ctx.needs_input_grad
        ctx.save_for_backward(a if need_b else None, b if need_a else None)
        ctx.shapes = (a.shape, b.shape)
        return a @ b

    @staticmethod
    def jvp(ctx, ta, tb):  # d(AB) = dA B + A dB
        a, b = ctx.primals
        return total(None if ta is None else ta @ b, None if tb is None else a @ tb)

    @staticmethod
    def backward(ctx, grad):  # d(AB) = dA B + A dB
        a, b = ctx.saved_tensors
        a_shape, b_shape = ctx.shapes
        need_a, need_b = ctx.needs_input_grad
        if len(a_shape) == 2 and len(b_shape) == 2:  # the common case: nothing to reshape or sum
            return (grad @ b.T if need_a else None), (a.T @ grad if need_b else None)
        if len(a_shape) == 1 and len(b_shape) == 1:  # inner product
            return (grad * b if need_a else None), (grad * a if need_b else None)
        # treat 1-D operands as a row (a) or a column (b), as matmul does
        if len(a_shape) == 1:
            grad = grad.reshape(grad.shape[:-1] + (1, grad.shape[-1]))
            a = a.reshape((1,) + a_shape) if a is not None else None
        if len(b_shape) == 1:
            grad = grad.reshape(grad.shape + (1,))
            b = b.reshape(b_shape + (1,)) if b is not None else None
        ga = gb = None
        if need_a:
            ga = grad @ b.swapaxes(-1, -2)
            ga = unbroadcast(ga, a_shape if len(a_shape) > 1 else (1,) + a_shape)
            if ga.shape != a_shape:
                ga = ga.reshape(a_shape)  # a 1-D operand's row back to a vector
        if need_b:
            gb = a.swapaxes(-1, -2) @ grad
            gb = unbroadcast(gb, b_shape if len(b_shape) > 1 else b_shape + (1,))
            if gb.shape != b_shape:
                gb = gb.reshape(b_shape)
        return ga, gb


def _mismatch(op: str, a: Tensor, b: Tensor) -> ShapeError:
    """The error for shapes NumPy refused to multiply, saying which rule they break."""
    sa, sb = tuple(a.shape), tuple(b.shape)
    if len(sa) == 0 or len(sb) == 0:
        return ShapeError(f"{op}: both arguments need at least 1 dimension, got shapes {sa} and {sb}")
    inner_a = sa[-1]
    inner_b = sb[0] if len(sb) == 1 else sb[-2]
    if inner_a != inner_b:
        return ShapeError(
            f"{op}: shapes {sa} and {sb} cannot be multiplied ({inner_a} columns in the first, "
            f"{inner_b} rows in the second; they must be equal)"
        )
    return ShapeError(f"{op}: batch dimensions of shapes {sa} and {sb} do not broadcast")


@op(operators=["__matmul__"], reflected=["__rmatmul__"])
def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules: `a @ b`; batch dimensions broadcast.

    >>> matmul(ones(2, 3), ones(3, 4)).shape
    (2, 4)
    """
    if not isinstance(a, Tensor):
        a = Tensor._make(np.asarray(a))
    if not isinstance(b, Tensor):
        b = Tensor._make(np.asarray(b))
    try:
        return apply_two_tensors(MatMul, a, b)
    except ValueError:  # shapes are checked only when NumPy refuses them
        raise _mismatch("matmul", a, b) from None
    except TypeError:  # two 0-d tensors holding NumPy scalars: scalars have no `@` (0-d arrays raise ValueError)
        if a.ndim and b.ndim:
            raise
        raise _mismatch("matmul", a, b) from None


@op()
def mm(a: Tensor, b: Tensor) -> Tensor:
    """Product of two 2-D tensors."""
    if a._data.ndim != 2 or b._data.ndim != 2:
        raise ShapeError(f"mm: expects two 2-D tensors, got shapes {tuple(a.shape)} and {tuple(b.shape)}")
    try:
        return apply_two_tensors(MatMul, a, b)
    except ValueError:  # shapes are checked only when NumPy refuses them
        raise _mismatch("mm", a, b) from None


@op()
def dot(a: Tensor, b: Tensor) -> Tensor:
    """Inner product of two 1-D tensors."""
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"dot: expects two 1-D tensors, got shapes {tuple(a.shape)} and {tuple(b.shape)}")
    return matmul(a, b)
