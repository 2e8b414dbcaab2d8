"""mse_loss: the mean (or sum, or none) of the squared differences (input - target)^2."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, apply_two_tensors
from ..registry import op
from ..tensor import Tensor
from .loss_arguments import floating_input, same_shape_target
from .loss_reduction import check_reduction, grad_scale, reduce
from .tangents import total


class MseLoss(Function):
    __slots__ = ("scale",)

    @staticmethod
    def forward(ctx, x, y, reduction):
        ctx.save_for_backward(x, y)
        d = x - y
        ctx.scale = 2.0 * grad_scale(reduction, d.size)
        if reduction == "none":
            return d * d
        flat = d.reshape(-1)
        total = np.dot(flat, flat)  # the sum of squares in one BLAS call (np.mean costs more on small batches)
        return total / d.size if reduction == "mean" else total

    @staticmethod
    def jvp(ctx, tx, ty, _reduction):  # d (x-y)^2 = 2 (x-y) (dx - dy)
        x, y, reduction = ctx.primals
        d = total(tx, None if ty is None else -ty)
        return reduce(np.broadcast_to(2 * (x - y) * d, np.broadcast_shapes(np.shape(x), np.shape(y))), reduction)

    @staticmethod
    def backward(ctx, grad):  # d (x-y)^2 = 2 (x-y) (dx - dy)
        x, y = ctx.saved_tensors
        need_x, need_y, _ = ctx.needs_input_grad
        g = (x - y) * (grad * ctx.scale)
        return (g if need_x else None), (-g if need_y else None), None


@op(method=False)  # torch.nn.functional.mse_loss
def mse_loss(input: Tensor, target: Any, *, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean (or sum, or none) of the squared differences (input - target)^2; shapes must match."""
    check_reduction("mse_loss", reduction)
    floating_input("mse_loss", input)
    target = same_shape_target("mse_loss", input, target)
    if type(target) is Tensor:
        return apply_two_tensors(MseLoss, input, target, reduction)
    return MseLoss.apply(input, target, reduction)  # a target cast to input's dtype: an array
