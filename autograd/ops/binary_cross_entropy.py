"""binary_cross_entropy: -(y log p + (1 - y) log(1 - p)) for probabilities p, each log clamped at -100."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .clamp import Clamp
from .log import Log
from .loss_arguments import broadcast_constant, floating_input, same_shape_target
from .loss_reduction import check_reduction, grad_scale, reduce
from .tangents import total

_LOG_FLOOR = -100.0  # each log is clamped here, as PyTorch does, so log(0) stays finite
_EPSILON = 1e-12  # and the derivative's denominator p (1 - p) is kept at least this


class BinaryCrossEntropy(Function):
    """-w (y log p + (1 - y) log(1 - p)), each log clamped at -100."""

    __slots__ = ("weight", "scale")

    @staticmethod
    def forward(ctx, p, y, weight, reduction):
        ctx.save_for_backward(p, y)
        ctx.weight, ctx.scale = weight, grad_scale(reduction, np.size(p))
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), _LOG_FLOOR)
            log_q = np.maximum(np.log(1 - p), _LOG_FLOOR)
        loss = -(y * log_p + (1 - y) * log_q)
        if weight is not None:
            loss = loss * weight
        return reduce(loss, reduction)

    @staticmethod
    def jvp(ctx, tp, ty, _weight, _reduction):  # dL = (p - y) / (p (1 - p)) dp + (log(1-p) - log p) dy
        p, y, weight, reduction = ctx.primals
        with np.errstate(divide="ignore"):
            log_p, log_q = np.maximum(np.log(p), _LOG_FLOOR), np.maximum(np.log(1 - p), _LOG_FLOOR)
        d = total(
            None if tp is None else tp * (p - y) / np.maximum((1 - p) * p, _EPSILON),
            None if ty is None else ty * (log_q - log_p),
        )
        d = np.broadcast_to(d if weight is None else d * weight, np.broadcast_shapes(np.shape(p), np.shape(y)))
        return reduce(d, reduction)

    @staticmethod
    def backward(ctx, grad):  # dL/dp = (p - y) / (p (1 - p)); dL/dy = log(1-p) - log p
        p, y = ctx.saved_tensors
        need_p, need_y = ctx.needs_input_grad[:2]
        g = grad * ctx.scale
        if ctx.weight is not None:
            g = g * ctx.weight
        gp = gy = None
        if need_p:
            gp = g * (p - y) / Clamp.call((1 - p) * p, _EPSILON, None)
        if need_y:
            with np.errstate(divide="ignore"):
                log_p = Clamp.call(Log.call(p), _LOG_FLOOR, None)
                log_q = Clamp.call(Log.call(1 - p), _LOG_FLOOR, None)
            gy = g * (log_q - log_p)
        return gp, gy, None, None


@op(method=False)  # torch.nn.functional.binary_cross_entropy
def binary_cross_entropy(
    input: Tensor,  # noqa: A002
    target: Any,
    weight: Any = None,
    *,
    reduction: str = "mean",
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1]; each log is clamped at -100, as PyTorch."""
    check_reduction("binary_cross_entropy", reduction)
    floating_input("binary_cross_entropy", input)
    target = same_shape_target("binary_cross_entropy", input, target)
    values = input.detach().numpy()
    if values.size and not (values.min() >= 0 and values.max() <= 1):  # NaN fails both comparisons
        raise ValueError(
            f"binary_cross_entropy: all elements of input should be probabilities between 0 and 1, got values in "
            f"[{float(values.min()):.6g}, {float(values.max()):.6g}]; apply sigmoid first, or use binary_cross_entropy_with_logits"
        )
    w = broadcast_constant("binary_cross_entropy", "weight", weight, input)
    return BinaryCrossEntropy.apply(input, target, w, reduction)
