"""The function form of every layer, activation and loss: `import nn.functional as F`.

>>> F.relu(autograd.tensor([-1.0, 2.0]))
tensor([0., 2.])
>>> F.mse_loss(autograd.tensor([1.0, 2.0]), autograd.tensor([1.0, 4.0]), reduction="sum")
tensor(4.)
"""

from __future__ import annotations

import warnings

import numpy as np

import autograd
from autograd import Tensor
from autograd.random import generator

# the engine's ops, under the names PyTorch gives them in torch.nn.functional (docstrings there);
# the losses check their arguments (shapes, reduction names, value ranges) in autograd/ops/ too
linear = autograd.linear
conv2d = autograd.conv2d
max_pool2d = autograd.max_pool2d
avg_pool2d = autograd.avg_pool2d
flatten = autograd.flatten
sigmoid = autograd.sigmoid
tanh = autograd.tanh
gelu = autograd.gelu
mse_loss = autograd.mse_loss
l1_loss = autograd.l1_loss
binary_cross_entropy = autograd.binary_cross_entropy
binary_cross_entropy_with_logits = autograd.binary_cross_entropy_with_logits
nll_loss = autograd.nll_loss
cross_entropy = autograd.cross_entropy

# -- what torch.nn.functional adds to the ops -----------------------------------------------------


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
    out = autograd.leaky_relu(input, negative_slope)
    return input.copy_(out) if inplace else out


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
