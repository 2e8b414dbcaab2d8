"""nan_to_num: NaN and infinities replaced by finite numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled


class NanToNum(Function):
    __slots__ = ("finite",)

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.finite = np.isfinite(x)
        return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def jvp(ctx, tx, *_):  # the identity where x was finite, 0 where it was replaced
        return scaled(tx, np.isfinite(ctx.primals[0]))

    @staticmethod
    def backward(ctx, grad):  # the identity where x was finite, 0 where it was replaced
        return grad * ctx.finite, None, None, None


@op()
def nan_to_num(x: Tensor, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> Tensor:
    """NaN -> `nan`, +inf -> `posinf` (default: the dtype's largest), -inf -> `neginf` (its lowest)."""
    return NanToNum.apply(x, nan, posinf, neginf)
