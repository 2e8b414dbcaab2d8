"""The function form of every layer, activation and loss: `import nn.functional as F`.

>>> F.relu(autograd.tensor([-1.0, 2.0]))
tensor([0., 2.])
>>> F.mse_loss(autograd.tensor([1.0, 2.0]), autograd.tensor([1.0, 4.0]), reduction="sum")
tensor(4.)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.errors import DtypeError, ShapeError
from autograd.ops import loss as _loss
from autograd.ops.activation import gelu as _gelu
from autograd.ops.activation import leaky_relu as _leaky_relu
from autograd.ops.linear import linear as _linear
from autograd.random import generator

_REDUCTIONS = ("mean", "sum", "none")

# -- layers ---------------------------------------------------------------------------------------


# the engine's ops, under the names PyTorch gives them in torch.nn.functional (docstrings there)
linear = _linear
conv2d = autograd.conv2d
max_pool2d = autograd.max_pool2d
avg_pool2d = autograd.avg_pool2d
flatten = autograd.flatten
sigmoid = autograd.sigmoid
tanh = autograd.tanh


def dropout(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:  # noqa: A002
    """Zero each element with probability `p` and scale the rest by 1/(1-p) (inverted dropout) when training.

    The mask is drawn from the generator `autograd.manual_seed` seeds; with
    `training=False` (or p = 0) the input is returned unchanged.
    """
    if not isinstance(p, (int, float)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: probability has to be between 0 and 1, but got {p!r}")
    if not training or p == 0.0:
        return input
    keep = generator().random(input.shape) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    return input * (keep * np.asarray(scale, dtype=input.dtype))


# -- activations ----------------------------------------------------------------------------------


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """max(x, 0); with `inplace=True` the input tensor is overwritten."""
    return input.relu_() if inplace else autograd.relu(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > 0, `negative_slope` * x elsewhere."""
    out = _leaky_relu(input, negative_slope)
    return input.copy_(out) if inplace else out


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """x * Phi(x) (Phi the standard normal CDF, through erf); `approximate='tanh'` for the tanh form."""
    return _gelu(input, approximate)


def _softmax_dim(op: str, ndim: int, dim: int | None) -> int:
    if dim is not None:
        return dim
    warnings.warn(
        f"{op}: implicit dimension choice is deprecated (as in PyTorch); pass dim= explicitly",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """exp(x) / sum(exp(x)) along `dim`, computed stably."""
    return autograd.softmax(input, _softmax_dim("softmax", input.ndim, dim))


def log_softmax(input: Tensor, dim: int | None = None) -> Tensor:  # noqa: A002
    """log(softmax(x)) along `dim`, computed stably (x - logsumexp(x))."""
    return autograd.log_softmax(input, _softmax_dim("log_softmax", input.ndim, dim))


# -- losses ---------------------------------------------------------------------------------------


def _check_reduction(op: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _floating_input(op: str, input: Any) -> None:  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input.dtype.kind != "f":
        raise DtypeError(f"{op}: input must be a floating tensor, got dtype {input.dtype}")


def _same_shape_target(op: str, input: Tensor, target: Any) -> Any:  # noqa: A002
    """The target as a Tensor (or, when it needs a dtype change and no gradient, an array) of input's shape."""
    if not isinstance(target, Tensor):
        target = autograd.as_tensor(np.asarray(target))
    if target.shape != input.shape:
        raise ShapeError(
            f"{op}: input of shape {tuple(input.shape)} and target of shape {tuple(target.shape)} must have the "
            "same shape (no broadcasting between them); reshape one, e.g. target.view(-1, 1) or output.squeeze(1)"
        )
    if target.dtype != input.dtype and not target.requires_grad:
        return target.detach().numpy().astype(input.dtype)
    return target


def _constant(op: str, name: str, value: Any, input: Tensor) -> np.ndarray | None:  # noqa: A002
    """A weight-like argument as an array that broadcasts to input's shape (no gradient flows to it)."""
    if value is None:
        return None
    array = value.detach().numpy() if isinstance(value, Tensor) else np.asarray(value)
    try:
        fits = np.broadcast_shapes(array.shape, input.shape) == tuple(input.shape)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(
            f"{op}: {name} of shape {array.shape} does not broadcast to the input's shape {tuple(input.shape)}"
        )
    return array.astype(input.dtype, copy=False)


def mse_loss(input: Tensor, target: Any, *, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean (or sum, or none) of the squared differences (input - target)^2; shapes must match."""
    _check_reduction("mse_loss", reduction)
    _floating_input("mse_loss", input)
    return _loss.MseLoss.apply(input, _same_shape_target("mse_loss", input, target), reduction)


def l1_loss(input: Tensor, target: Any, *, reduction: str = "mean") -> Tensor:  # noqa: A002
    """Mean (or sum, or none) of the absolute differences |input - target|; shapes must match."""
    _check_reduction("l1_loss", reduction)
    _floating_input("l1_loss", input)
    return _loss.L1Loss.apply(input, _same_shape_target("l1_loss", input, target), reduction)


def binary_cross_entropy(
    input: Tensor,  # noqa: A002
    target: Any,
    weight: Any = None,
    *,
    reduction: str = "mean",
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p in [0, 1]; each log is clamped at -100, as PyTorch."""
    _check_reduction("binary_cross_entropy", reduction)
    _floating_input("binary_cross_entropy", input)
    target = _same_shape_target("binary_cross_entropy", input, target)
    values = input.detach().numpy()
    if values.size and not (values.min() >= 0 and values.max() <= 1):  # NaN fails both comparisons
        raise ValueError(
            f"binary_cross_entropy: all elements of input should be probabilities between 0 and 1, got values in "
            f"[{float(values.min()):.6g}, {float(values.max()):.6g}]; apply sigmoid first, or use binary_cross_entropy_with_logits"
        )
    w = _constant("binary_cross_entropy", "weight", weight, input)
    return _loss.BinaryCrossEntropy.apply(input, target, w, reduction)


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
    op = "binary_cross_entropy_with_logits"
    _check_reduction(op, reduction)
    _floating_input(op, input)
    target = _same_shape_target(op, input, target)
    w = _constant(op, "weight", weight, input)
    pw = _constant(op, "pos_weight", pos_weight, input)
    return _loss.BinaryCrossEntropyWithLogits.apply(input, target, w, pw, reduction)


def _class_target(op: str, input: Tensor, target: Any, ignore_index: int) -> np.ndarray:  # noqa: A002
    """Class indices as an int64 array of input's shape without the class dimension, each checked."""
    array = target.detach().numpy() if isinstance(target, Tensor) else np.asarray(target)
    if array.dtype.kind not in "iu":
        raise DtypeError(f"{op}: target must hold integer class indices, got dtype {array.dtype}")
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if array.shape != expected:
        raise ShapeError(
            f"{op}: input of shape {tuple(input.shape)} needs a target of shape {expected} (one class index per "
            f"sample), got {array.shape}"
        )
    n_classes = input.shape[1]
    bad = (array != ignore_index) & ((array < 0) | (array >= n_classes))
    if bad.any():
        raise IndexError(
            f"{op}: target {int(array[bad].flat[0])} is out of bounds for {n_classes} classes (valid: 0..{n_classes - 1})"
        )
    return array.astype(np.int64, copy=False)


def _class_weight(op: str, weight: Any, n_classes: int, dtype: np.dtype) -> np.ndarray | None:
    if weight is None:
        return None
    array = weight.detach().numpy() if isinstance(weight, Tensor) else np.asarray(weight)
    if array.shape != (n_classes,):
        raise ShapeError(f"{op}: weight must have one entry per class, shape ({n_classes},), got {array.shape}")
    return array.astype(dtype, copy=False)


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
    _check_reduction("nll_loss", reduction)
    _floating_input("nll_loss", input)
    if input.ndim == 0:
        raise ShapeError("nll_loss: input must have a class dimension, got a 0-d tensor")
    if input.ndim == 1:  # one sample: input (C,), target a single class index
        single = _as_array(target)
        if single.shape != ():
            raise ShapeError(
                f"nll_loss: input of shape {tuple(input.shape)} needs a 0-d target, got shape {single.shape}"
            )
        loss = nll_loss(input.unsqueeze(0), single.reshape(1), weight, ignore_index=ignore_index, reduction=reduction)
        return loss.reshape(()) if reduction == "none" else loss
    t = _class_target("nll_loss", input, target, ignore_index)
    w = _class_weight("nll_loss", weight, input.shape[1], input.dtype)
    return _loss.NllLoss.apply(input, t, w, ignore_index, reduction)


def _as_array(x: Any) -> np.ndarray:
    return x.detach().numpy() if isinstance(x, Tensor) else np.asarray(x)


def cross_entropy(
    input: Tensor,  # noqa: A002
    target: Any,
    weight: Any = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Cross-entropy of logits (N, C) against class indices (N,): nll_loss(log_softmax(input, 1), target).

    Computed through log_softmax, so it is stable for any logits. A floating target of the
    input's shape is read as class probabilities instead.
    """
    _check_reduction("cross_entropy", reduction)
    _floating_input("cross_entropy", input)
    if input.ndim == 0:
        raise ShapeError("cross_entropy: input must have a class dimension, got a 0-d tensor")
    class_dim = 0 if input.ndim == 1 else 1
    logp = autograd.log_softmax(input, class_dim)
    target_array = _as_array(target)
    if target_array.dtype.kind == "f":  # class probabilities
        if target_array.shape != tuple(input.shape):
            raise ShapeError(
                f"cross_entropy: a probability target must have the input's shape {tuple(input.shape)}, "
                f"got {target_array.shape}"
            )
        probs = target if isinstance(target, Tensor) else autograd.as_tensor(target_array)
        w = _class_weight("cross_entropy", weight, input.shape[class_dim], input.dtype)
        if w is not None:
            shape = [1] * input.ndim
            shape[class_dim] = -1
            probs = probs * w.reshape(shape)
        losses = -(logp * probs).sum(dim=class_dim)
        if reduction == "mean":
            return losses.mean()
        return losses.sum() if reduction == "sum" else losses
    return nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
