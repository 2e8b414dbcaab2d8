"""binary_cross_entropy_with_logits: binary cross-entropy of sigmoid(x), computed from the logits x stably."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .abs import Abs
from .exp import Exp
from .log import Log
from .loss_arguments import broadcast_constant, floating_input, same_shape_target
from .loss_reduction import check_reduction, grad_scale, reduce
from .relu import Relu
from .sigmoid import Sigmoid
from .tangents import total


def _softplus_of_negative(x):
    """log(1 + exp(-x)) = -log sigmoid(x), without overflow: log(1 + exp(-|x|)) + max(-x, 0)."""
    return Log.call(1 + Exp.call(-Abs.call(x))) + Relu.call(-x)


class BinaryCrossEntropyWithLogits(Function):
    """-w (pw y log s(x) + (1 - y) log(1 - s(x))), s the sigmoid, computed from the logits x stably."""

    __slots__ = ("weight", "pos_weight", "scale")

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, reduction):
        ctx.save_for_backward(x, y)
        ctx.weight, ctx.pos_weight, ctx.scale = weight, pos_weight, grad_scale(reduction, np.size(x))
        softplus_neg = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)  # -log s(x)
        if pos_weight is None:
            loss = (1 - y) * x + softplus_neg
        else:
            loss = (1 - y) * x + (1 + (pos_weight - 1) * y) * softplus_neg
        if weight is not None:
            loss = loss * weight
        return reduce(loss, reduction)

    @staticmethod
    def jvp(ctx, tx, ty, *_):  # pw=1: dL = (s(x) - y) dx - x dy
        x, y, weight, pw, reduction = ctx.primals
        s = 0.5 * (1 + np.tanh(0.5 * x))
        slope_x = (s - y) if pw is None else (1 - y) + (1 + (pw - 1) * y) * (s - 1)
        slope_y = -x if pw is None else (pw - 1) * _softplus_of_negative(x) - x
        d = total(None if tx is None else tx * slope_x, None if ty is None else ty * slope_y)
        d = np.broadcast_to(d if weight is None else d * weight, np.broadcast_shapes(np.shape(x), np.shape(y)))
        return reduce(d, reduction)

    @staticmethod
    def backward(ctx, grad):  # pw=1: dL/dx = s(x) - y, dL/dy = -x
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad[:2]
        pw = ctx.pos_weight
        g = grad * ctx.scale
        if ctx.weight is not None:
            g = g * ctx.weight
        gx = gy = None
        if need_x:
            s = Sigmoid.call(x)
            gx = g * (s - y) if pw is None else g * ((1 - y) + (1 + (pw - 1) * y) * (s - 1))
        if need_y:
            gy = g * (-x) if pw is None else g * ((pw - 1) * _softplus_of_negative(x) - x)
        return gx, gy, None, None, None


@op(method=False)  # torch.nn.functional.binary_cross_entropy_with_logits
def binary_cross_entropy_with_logits(
    input: Tensor,  # noqa: A002
    target: Any,
    weight: Any = None,
    *,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Binary cross-entropy of sigmoid(input) computed from the logits, stable for any logit (even +-1000).

    `pos_weight` multiplies the loss of the positive examples (broadcast over the last dimension).
    """
    name = "binary_cross_entropy_with_logits"
    check_reduction(name, reduction)
    floating_input(name, input)
    target = same_shape_target(name, input, target)
    w = broadcast_constant(name, "weight", weight, input)
    pw = broadcast_constant(name, "pos_weight", pos_weight, input)
    return BinaryCrossEntropyWithLogits.apply(input, target, w, pw, reduction)
