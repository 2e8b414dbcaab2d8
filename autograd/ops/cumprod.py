"""cumprod: running products along a dimension, with a gradient that is right where elements are zero."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .cumsum import Cumsum
from .dims import normalize_dim
from .sum import Sum
from .where import Where


def _reverse_cumsum(v: Any, dim: int) -> Any:
    """out[j] = v[j] + v[j+1] + ... along `dim` (arrays or, under create_graph, Tensors)."""
    reverse = (slice(None),) * dim + (slice(None, None, -1),)
    return Cumsum.call(v[reverse], dim)[reverse]


def _cumprod_grad(grad: Any, x: Any, out: Any, dim: int) -> Any:
    """The gradient of cumprod(x) along `dim` (arrays, or Tensors that differentiate again)."""
    zero = np.asarray(getattr(x, "_data", x)) == 0
    if not zero.any():  # each x_j gets sum_{i>=j} grad_i out_i / x_j
        return _reverse_cumsum(grad * out, dim) / x
    # With z each row's first zero and x1 = x with x_z read as 1: out = cumprod(x1) * (x_z from z on, else 1).
    zeros_so_far = np.cumsum(zero, axis=dim)
    first_zero, from_z = zero & (zeros_so_far == 1), zeros_so_far > 0
    x1 = Where.call(first_zero, 1, x)
    out1 = Cumprod.call(x1, dim)
    x_z = Sum.call(Where.call(first_zero, x, 0), (dim,), True)
    grad_x_z = Sum.call(Where.call(from_z, grad * out1, 0), (dim,), True)
    grad_out1 = grad * Where.call(from_z, x_z, 1)
    if isinstance(x, Tensor):  # x1's later zeros matter to the second derivative: the same rule again
        grad_x1 = _cumprod_grad(grad_out1, x1, out1, dim)
    else:  # grad_out1 is 0 from z on, so x1's later zeros only need a safe division
        grad_x1 = _reverse_cumsum(grad_out1 * out1, dim) / Where.call(zero, 1, x1)
    return Where.call(first_zero, grad_x_z, grad_x1)


class Cumprod(Function):
    __slots__ = ("dim",)
    saves_output = True  # forward saves its output

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        out = np.cumprod(x, axis=dim, dtype=x.dtype if x.dtype.kind == "f" else None)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def jvp(ctx, tx, _dim):  # d out_i = x_i d out_(i-1) + out_(i-1) dx_i
        x, dim = ctx.primals
        out = np.moveaxis(ctx.output, dim, 0)
        xs, ts = np.moveaxis(x, dim, 0), np.moveaxis(tx, dim, 0)
        tangent = np.empty(np.shape(ts), dtype=np.result_type(ts, out))
        tangent[0] = ts[0]
        for i in range(1, len(ts)):  # the recurrence, right where elements are zero
            tangent[i] = xs[i] * tangent[i - 1] + out[i - 1] * ts[i]
        return np.moveaxis(tangent, 0, dim)

    @staticmethod
    def backward(ctx, grad):  # d out_i = sum_{j<=i} (prod_{k<=i, k!=j} x_k) dx_j
        x, out = ctx.saved_tensors
        return _cumprod_grad(grad, x, out, ctx.dim), None


@op()
def cumprod(x: Tensor, dim: int, dtype: Any = None) -> Tensor:
    """out[i] = x[0] * ... * x[i] along `dim` (integers multiply in int64, as PyTorch)."""
    if dtype is not None:
        x = x.to(dtype)
    d = normalize_dim(dim, x.ndim, "cumprod")
    if x.ndim == 0:  # a 0-d tensor stays 0-d, as in PyTorch (np.cumprod makes it 1-D)
        return Cumprod.apply(x.reshape(1), 0).reshape(())
    return Cumprod.apply(x, d)
