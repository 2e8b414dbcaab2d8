"""pow: a ** b, with a constant exponent (`x ** 2`) or a tensor one; `square`; the in-place `pow_`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..forward_ad import tangent_of
from ..function import Function, apply_one_tensor
from ..inplace import apply_inplace
from ..registry import op
from ..state import ForwardMode
from ..tensor import Tensor
from .broadcast import shape_of, unbroadcast
from .log import Log
from .tangents import scaled, total
from .where import Where


class PowConstant(Function):
    """x ** p for a constant exponent p."""

    __slots__ = ("p", "x_shape")

    @staticmethod
    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        ctx.x_shape = shape_of(x)
        return x**p

    @staticmethod
    def jvp(ctx, tx, _p):  # d(x^p) = p x^(p-1) dx, and 0 where p = 0
        x, p = ctx.primals
        return scaled(tx, p * x ** (np.where(np.equal(p, 0), 1, p) - 1))

    @staticmethod
    def backward(ctx, grad):  # d(x^p) = p x^(p-1) dx, and 0 where p = 0
        (x,) = ctx.saved_tensors
        p = ctx.p
        if isinstance(p, np.ndarray):  # the array of a tensor exponent without grad: may broadcast x
            slope = p * x ** (np.where(p == 0, 1, p) - 1)  # p = 0 gives 0 * x^0, not 0 * 0^-1 = nan
            return unbroadcast(grad * slope, ctx.x_shape), None
        if p == 2:
            return grad * (x + x), None  # x + x is 2x exactly, without NumPy 2's slower path for a Python 2
        if p == 0:
            return grad * 0, None
        return grad * (p * x ** (p - 1)), None


class Pow(Function):
    """a ** b where the exponent is a tensor."""

    saves_output = True  # forward saves its output

    __slots__ = ("a_shape", "b_shape")

    @staticmethod
    def forward(ctx, a, b):
        out = a**b
        ctx.a_shape, ctx.b_shape = shape_of(a), shape_of(b)
        ctx.save_for_backward(a, b, out)
        return out

    @staticmethod
    def jvp(ctx, ta, tb):  # d(a^b) = b a^(b-1) da + a^b ln(a) db
        a, b = ctx.primals
        log_a = np.log(np.where(a > 0, a, 1.0))  # 0 ** b contributes nothing to db
        return total(scaled(ta, b * a ** (b - 1)), scaled(tb, ctx.output * log_a))

    @staticmethod
    def backward(ctx, grad):  # d(a^b) = b a^(b-1) da + a^b ln(a) db
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        ga = unbroadcast(grad * b * a ** (b - 1), ctx.a_shape) if need_a else None
        gb = None
        if need_b:
            log_a = Log.call(Where.call(a > 0, a, 1.0))  # 0 ** b contributes nothing to db
            gb = unbroadcast(grad * out * log_a, ctx.b_shape)
        return ga, gb


@op(operators=["__pow__"], reflected=["__rpow__"])
def pow(a: Any, b: Any) -> Tensor:  # noqa: A001 - torch.pow
    """a ** b; the exponent may be a number or a tensor."""
    if isinstance(b, Tensor):
        if b._requires_grad or not isinstance(a, Tensor) or (ForwardMode.level and tangent_of(b) is not None):
            return Pow.apply(a, b)  # a differentiable exponent (in forward mode: one carrying a tangent)
        b = b._data
    return apply_one_tensor(PowConstant, a, b)


@op()
def square(x: Tensor) -> Tensor:
    """x ** 2."""
    return PowConstant.apply(x, 2)


@op(export=False)
def pow_(self: Tensor, exponent: Any) -> Tensor:
    """self **= exponent, in place."""
    return apply_inplace(self, "pow_", pow, exponent, reads_old_value=True)
