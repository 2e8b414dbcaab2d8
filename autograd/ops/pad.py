"""pad: pad with a constant; `pad` lists (left, right) pairs from the last dimension backwards, as PyTorch."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor


class Pad(Function):
    __slots__ = ("region",)

    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.region = tuple(slice(lo, lo + s) for (lo, _), s in zip(widths, x.shape))
        return np.pad(x, widths, mode="constant", constant_values=value)

    @staticmethod
    def jvp(ctx, tx, _widths, _value):  # the tangent padded with zeros (the fill value is a constant)
        return Pad.call(tx, ctx.primals[1], 0.0)

    @staticmethod
    def backward(ctx, grad):  # the gradient of the unpadded region
        return grad[ctx.region], None, None


@op(method=False)  # torch.nn.functional.pad: no Tensor method, as in PyTorch
def pad(x: Tensor, pad: Sequence[int], mode: str = "constant", value: float = 0.0) -> Tensor:
    """Pad with a constant; `pad` lists (left, right) pairs from the last dimension backwards, as PyTorch."""
    if mode != "constant":
        raise ValueError(f"pad: only mode='constant' is supported, got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ShapeError(f"pad: {list(pad)} must hold (left, right) pairs for at most {x.ndim} dimensions")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {list(pad)} is not supported")
    if x.ndim == 0:  # an empty pad: a copy, as in PyTorch (np.pad cannot take a 0-d array's empty widths)
        return Pad.apply(x.reshape(1), ((0, 0),), value).reshape(())
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return Pad.apply(x, tuple(widths), value)
