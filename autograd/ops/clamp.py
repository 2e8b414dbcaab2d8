"""clamp (also `clip`): limit x to [min, max]; and its in-place form `x.clamp_(...)`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, apply_one_tensor
from ..inplace import apply_inplace
from ..registry import op
from ..tensor import Tensor
from .limits import at_least, at_most
from .maximum import maximum, minimum
from .tangents import scaled


class Clamp(Function):
    __slots__ = ("mask",)

    @staticmethod
    def forward(ctx, x, lo, hi):
        if ctx.needs_input_grad[0]:  # where the gradient passes
            if hi is None:
                ctx.mask = x >= lo
            elif lo is None:
                ctx.mask = x <= hi
            else:
                ctx.mask = (x >= lo) & (x <= hi)
        if hi is None:
            return at_least(x, lo)
        if lo is None:
            return at_most(x, hi)
        return np.clip(x, lo, hi)

    @staticmethod
    def jvp(ctx, tx, _lo, _hi):  # d(clamp x) = [lo <= x <= hi] dx
        x, lo, hi = ctx.primals
        inside = (True if lo is None else x >= lo) & (True if hi is None else x <= hi)
        return scaled(tx, inside)

    @staticmethod
    def backward(ctx, grad):  # d(clamp x) = [lo <= x <= hi] dx
        return grad * ctx.mask, None, None


@op(aliases=["clip"])
def clamp(x: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Limit x to [min, max] (either may be None): `h.clamp(min=0)` is ReLU; the gradient is 1 inside, 0 outside."""
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = x if min is None else maximum(x, min)
        return out if max is None else minimum(out, max)
    return apply_one_tensor(Clamp, x, min, max)


@op(export=False)
def clamp_(self: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Clamp in place."""
    return apply_inplace(self, "clamp_", lambda t: clamp(t, min, max))
