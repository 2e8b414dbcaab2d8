"""nll_loss: the negative log-likelihood -logp[target] of class indices, for log-probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .loss_arguments import as_array, class_target, class_weight, floating_input
from .loss_reduction import check_reduction, reduce


class NllLoss(Function):
    """-w[t] logp[t] per sample, for log-probabilities of shape (N, C, ...) and class indices (N, ...)."""

    __slots__ = ("reduction", "safe", "w", "n_classes", "total")

    @staticmethod
    def forward(ctx, logp, target, weight, ignore_index, reduction):
        ignored = target == ignore_index
        safe = np.where(ignored, 0, target)
        picked = np.take_along_axis(logp, np.expand_dims(safe, 1), axis=1).squeeze(1)
        w = np.ones(target.shape, dtype=logp.dtype) if weight is None else weight[safe].astype(logp.dtype)
        w[ignored] = 0
        losses = -(w * picked)
        ctx.reduction, ctx.safe, ctx.w, ctx.n_classes = reduction, safe, w, logp.shape[1]
        if reduction == "mean":  # weighted mean: divided by the total weight of the samples, as PyTorch
            ctx.total = w.sum()
            with np.errstate(invalid="ignore", divide="ignore"):  # every sample ignored: NaN, as PyTorch
                return losses.sum() / ctx.total
        return reduce(losses, reduction)

    @staticmethod
    def jvp(ctx, tlogp, *_):  # linear in logp: the loss of the tangent
        _, target, weight, ignore_index, reduction = ctx.primals
        return NllLoss.call(tlogp, target, weight, ignore_index, reduction)

    @staticmethod
    def backward(ctx, grad):  # dL/dlogp = -w[t] at the target class, 0 elsewhere
        with np.errstate(invalid="ignore", divide="ignore"):
            coefficient = -ctx.w / ctx.total if ctx.reduction == "mean" else -ctx.w
        per_sample = grad * coefficient  # shape of the target
        classes = np.arange(ctx.n_classes).reshape((1, -1) + (1,) * (ctx.safe.ndim - 1))
        onehot = (np.expand_dims(ctx.safe, 1) == classes).astype(coefficient.dtype)
        shape = per_sample.shape[:1] + (1,) + per_sample.shape[1:]
        return per_sample.reshape(shape) * onehot, None, None, None, None


@op(method=False)  # torch.nn.functional.nll_loss
def nll_loss(
    input: Tensor,  # noqa: A002
    target: Any,
    weight: Any = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of class indices: -input[i, target[i]], for log-probabilities of shape (N, C).

    Also (C,) with a 0-d target, and (N, C, d1, ...) with targets (N, d1, ...). 'mean' divides
    by the total weight of the samples that are not `ignore_index`.
    """
    check_reduction("nll_loss", reduction)
    floating_input("nll_loss", input)
    if input.ndim == 0:
        raise ShapeError("nll_loss: input must have a class dimension, got a 0-d tensor")
    if input.ndim == 1:  # one sample: input (C,), target a single class index
        single = as_array(target)
        if single.shape != ():
            raise ShapeError(
                f"nll_loss: input of shape {tuple(input.shape)} needs a 0-d target, got shape {single.shape}"
            )
        loss = nll_loss(input.unsqueeze(0), single.reshape(1), weight, ignore_index=ignore_index, reduction=reduction)
        return loss.reshape(()) if reduction == "none" else loss
    t = class_target("nll_loss", input, target, ignore_index)
    w = class_weight("nll_loss", weight, input.shape[1], input.dtype)
    return NllLoss.apply(input, t, w, ignore_index, reduction)
