"""l1_loss: the mean (or sum, or none) of the absolute differences |input - target|."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .loss_arguments import floating_input, same_shape_target
from .loss_reduction import check_reduction, grad_scale, reduce
from .tangents import total


class L1Loss(Function):
    __slots__ = ("sign", "scale")

    @staticmethod
    def forward(ctx, x, y, reduction):
        d = x - y
        ctx.sign = np.sign(d)
        ctx.scale = grad_scale(reduction, d.size)
        return reduce(np.abs(d), reduction)

    @staticmethod
    def jvp(ctx, tx, ty, _reduction):  # d |x-y| = sign(x-y) (dx - dy)
        x, y, reduction = ctx.primals
        d = total(tx, None if ty is None else -ty)
        return reduce(np.broadcast_to(np.sign(x - y) * d, np.broadcast_shapes(np.shape(x), np.shape(y))), reduction)

    @staticmethod
    def backward(ctx, grad):  # d |x-y| = sign(x-y) (dx - dy)
        need_x, need_y, _ = ctx.needs_input_grad
        g = grad * ctx.scale * ctx.sign
        return (g if need_x else None), (-g if need_y else None), None


@op(method=False)  # torch.nn.functional.l1_loss
def l1_loss(input: Tensor, target: Any, *, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean (or sum, or none) of the absolute differences |input - target|; shapes must match."""
    check_reduction("l1_loss", reduction)
    floating_input("l1_loss", input)
    return L1Loss.apply(input, same_shape_target("l1_loss", input, target), reduction)
