"""cross_entropy: nll_loss(log_softmax(logits)), or the cross-entropy against class probabilities."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..creation import as_tensor
from ..errors import ShapeError
from ..registry import op
from ..tensor import Tensor
from .log_softmax import log_softmax
from .loss_arguments import as_array, class_weight, floating_input
from .loss_reduction import check_reduction
from .nll_loss import nll_loss


@op(method=False)  # torch.nn.functional.cross_entropy
def cross_entropy(
    input: Tensor,  # noqa: A002
    target: Any,
    weight: Any = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits (N, C) against class indices (N,): nll_loss(log_softmax(input, 1), target).

    Computed through log_softmax, so it is stable for any logits. A floating target of the
    input's shape is read as class probabilities instead. `label_smoothing` mixes the target with
    the uniform distribution over the C classes, as PyTorch.
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    check_reduction("cross_entropy", reduction)
    floating_input("cross_entropy", input)
    if input.ndim == 0:
        raise ShapeError("cross_entropy: input must have a class dimension, got a 0-d tensor")
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    target_array = as_array(target)
    if target_array.dtype.kind == "f":  # class probabilities
        if target_array.shape != tuple(input.shape):
            raise ShapeError(
                f"cross_entropy: a probability target must have the input's shape {tuple(input.shape)}, "
                f"got {target_array.shape}"
            )
        probs = target if isinstance(target, Tensor) else as_tensor(target_array)
        if label_smoothing:
            probs = probs * (1 - label_smoothing) + label_smoothing / input.shape[class_dim]
        w = class_weight("cross_entropy", weight, input.shape[class_dim], input.dtype)
        if w is not None:
            shape = [1] * input.ndim
            shape[class_dim] = -1
            probs = probs * w.reshape(shape)
        losses = -(logp * probs).sum(dim=class_dim)
        if reduction == "mean":
            return losses.mean()
        return losses.sum() if reduction == "sum" else losses
    loss = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if not label_smoothing:
        return loss
    return loss * (1 - label_smoothing) + _smoothing_term(
        logp, target_array, weight, ignore_index, reduction, class_dim
    ) * (label_smoothing / input.shape[class_dim])


def _smoothing_term(
    logp: Tensor, target: np.ndarray, weight: Any, ignore_index: int, reduction: str, class_dim: int
) -> Tensor:
    """-sum over classes of (weight *) log p, per sample, reduced as PyTorch's label smoothing does."""
    w = class_weight("cross_entropy", weight, logp.shape[class_dim], logp.dtype)
    shape = [1] * logp.ndim
    shape[class_dim] = -1
    per_sample = -((logp * w.reshape(shape)) if w is not None else logp).sum(dim=class_dim)
    kept = target != ignore_index
    per_sample = per_sample * kept.astype(logp.dtype.type)
    if reduction == "none":
        return per_sample
    if reduction == "sum":
        return per_sample.sum()
    denominator = w[np.where(kept, target, 0)][kept].sum() if w is not None else kept.sum()
    return per_sample.sum() / float(denominator)
