"""Loss ops: each computes the per-element loss and its reduction ('mean', 'sum' or 'none') in one node.

Only the inputs are saved; what backward needs is recomputed from them with
operators that arrays and Tensors share, so the gradients are themselves
differentiable under `create_graph=True`. Argument checking (shapes, reduction
names, value ranges) is done by the `nn.functional` wrappers.
"""

from __future__ import annotations

import numpy as np

from ..function import Function
from .elementwise import Abs, Clamp, Exp, Log, Relu, Sigmoid

_LOG_FLOOR = -100.0  # binary cross-entropy clamps its logs here, as PyTorch does, so log(0) stays finite
_EPSILON = 1e-12  # and the derivative's denominator p (1 - p) is kept at least this


def _reduce(values, reduction):  # type: ignore[no-untyped-def]
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    return values


def _grad_scale(reduction, size):  # type: ignore[no-untyped-def]
    """d(reduced)/d(each element): 1/n for 'mean', 1 otherwise (the incoming grad carries the rest)."""
    return 1.0 / size if reduction == "mean" and size else 1.0


class MseLoss(Function):
    @staticmethod
    def forward(ctx, x, y, reduction):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x, y)
        d = x - y
        ctx.scale = 2.0 * _grad_scale(reduction, d.size)
        if reduction == "none":
            return d * d
        flat = d.reshape(-1)
        total = np.dot(flat, flat)  # the sum of squares in one BLAS call (np.mean costs more on small batches)
        return total / d.size if reduction == "mean" else total

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d (x-y)^2 = 2 (x-y) (dx - dy)
        x, y = ctx.saved_tensors
        need_x, need_y, _ = ctx.needs_input_grad
        g = (x - y) * (grad * ctx.scale)
        return (g if need_x else None), (-g if need_y else None), None


class L1Loss(Function):
    @staticmethod
    def forward(ctx, x, y, reduction):  # type: ignore[no-untyped-def]
        d = x - y
        ctx.sign = np.sign(d)
        ctx.scale = _grad_scale(reduction, d.size)
        return _reduce(np.abs(d), reduction)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d |x-y| = sign(x-y) (dx - dy)
        need_x, need_y, _ = ctx.needs_input_grad
        g = grad * ctx.scale * ctx.sign
        return (g if need_x else None), (-g if need_y else None), None


class BinaryCrossEntropy(Function):
    """-w (y log p + (1 - y) log(1 - p)), each log clamped at -100."""

    @staticmethod
    def forward(ctx, p, y, weight, reduction):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(p, y)
        ctx.weight, ctx.scale = weight, _grad_scale(reduction, np.size(p))
        with np.errstate(divide="ignore"):
            log_p = np.maximum(np.log(p), _LOG_FLOOR)
            log_q = np.maximum(np.log(1 - p), _LOG_FLOOR)
        loss = -(y * log_p + (1 - y) * log_q)
        if weight is not None:
            loss = loss * weight
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # dL/dp = (p - y) / (p (1 - p)); dL/dy = log(1-p) - log p
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


def _softplus_of_negative(x):  # type: ignore[no-untyped-def]
    """log(1 + exp(-x)) = -log sigmoid(x), without overflow: log(1 + exp(-|x|)) + max(-x, 0)."""
    return Log.call(1 + Exp.call(-Abs.call(x))) + Relu.call(-x)


class BinaryCrossEntropyWithLogits(Function):
    """-w (pw y log s(x) + (1 - y) log(1 - s(x))), s the sigmoid, computed from the logits x stably."""

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, reduction):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x, y)
        ctx.weight, ctx.pos_weight, ctx.scale = weight, pos_weight, _grad_scale(reduction, np.size(x))
        softplus_neg = np.log1p(np.exp(-np.abs(x))) + np.maximum(-x, 0)  # -log s(x)
        if pos_weight is None:
            loss = (1 - y) * x + softplus_neg
        else:
            loss = (1 - y) * x + (1 + (pos_weight - 1) * y) * softplus_neg
        if weight is not None:
            loss = loss * weight
        return _reduce(loss, reduction)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # pw=1: dL/dx = s(x) - y, dL/dy = -x
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


class NllLoss(Function):
    """-w[t] logp[t] per sample, for log-probabilities of shape (N, C, ...) and class indices (N, ...)."""

    @staticmethod
    def forward(ctx, logp, target, weight, ignore_index, reduction):  # type: ignore[no-untyped-def]
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
        return _reduce(losses, reduction)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # dL/dlogp = -w[t] at the target class, 0 elsewhere
        with np.errstate(invalid="ignore", divide="ignore"):
            coefficient = -ctx.w / ctx.total if ctx.reduction == "mean" else -ctx.w
        per_sample = grad * coefficient  # shape of the target
        classes = np.arange(ctx.n_classes).reshape((1, -1) + (1,) * (ctx.safe.ndim - 1))
        onehot = (np.expand_dims(ctx.safe, 1) == classes).astype(coefficient.dtype)
        shape = per_sample.shape[:1] + (1,) + per_sample.shape[1:]
        return per_sample.reshape(shape) * onehot, None, None, None, None
