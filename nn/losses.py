"""Loss layers: `MSELoss`, `L1Loss`, `CrossEntropyLoss`, `BCELoss`, `BCEWithLogitsLoss`.

Each takes `reduction='mean' | 'sum' | 'none'` and is called as `loss_fn(input, target)`.

>>> loss_fn = nn.MSELoss(reduction="sum")
>>> loss_fn(autograd.tensor([1.0, 2.0]), autograd.tensor([0.0, 0.0]))
tensor(5.)
"""

from __future__ import annotations

from typing import Any

import autograd
from autograd import Tensor

from . import functional as F  # noqa: N812 - the name PyTorch code uses
from .module import Module


class _Loss(Module):
    """What every loss layer shares: the checked `reduction`."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        if reduction not in ("mean", "sum", "none"):  # checked now, as the functions check it when called
            raise ValueError(f"{type(self).__name__}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
        self.reduction = reduction


class _WeightedLoss(_Loss):
    """A loss with a per-class (or per-element) `weight`, kept as a buffer (so it is in `state_dict`)."""

    weight: Tensor | None

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", None if weight is None else autograd.as_tensor(weight))


class MSELoss(_Loss):
    """Mean (or sum, or none) of (input - target)^2; input and target must have the same shape."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002 - PyTorch's name
        """The loss of `input` against `target`."""
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean (or sum, or none) of |input - target|; input and target must have the same shape."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        """The loss of `input` against `target`."""
        return F.l1_loss(input, target, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits (N, C) against class indices (N,) (or class probabilities (N, C)).

    `weight` (C,) rescales each class; targets equal to `ignore_index` are skipped.
    """

    def __init__(
        self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean", label_smoothing: float = 0.0
    ) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        """The loss of the logits `input` against `target`."""
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1] (apply sigmoid first); logs clamped at -100."""

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        """The loss of the probabilities `input` against `target`."""
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy computed from logits (sigmoid included), stable for any logit."""

    pos_weight: Tensor | None

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(weight, reduction)
        self.register_buffer("pos_weight", None if pos_weight is None else autograd.as_tensor(pos_weight))

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        """The loss of the logits `input` against `target`."""
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (N, C) against class indices; `ignore_index` skipped."""

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        """The loss of the log-probabilities `input` against `target`."""
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class HuberLoss(_Loss):
    """Quadratic for errors below `delta`, linear above."""

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        """huber_loss."""
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_Loss):
    """Huber loss divided by `beta`: quadratic below beta, L1 above."""

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        """smooth_l1_loss."""
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)


class KLDivLoss(_Loss):
    """Kullback-Leibler divergence of log-probabilities `input` from `target` ("batchmean" as PyTorch advises)."""

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__("mean" if reduction == "batchmean" else reduction)
        self.reduction, self.log_target = reduction, log_target

    def forward(self, input: Tensor, target: Any) -> Tensor:  # noqa: A002
        """kl_div."""
        return F.kl_div(input, target, self.reduction, self.log_target)
