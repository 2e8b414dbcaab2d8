"""The function form of every layer, activation and loss: `import nn.functional as F`.

>>> F.relu(autograd.tensor([-1.0, 2.0]))
tensor([0., 2.])
>>> F.mse_loss(autograd.tensor([1.0, 2.0]), autograd.tensor([1.0, 4.0]), reduction="sum")
tensor(4.)
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

import autograd
from autograd import Tensor
from autograd.random import generator

# the engine's ops, under the names PyTorch gives them in torch.nn.functional (docstrings there);
# the losses check their arguments (shapes, reduction names, value ranges) in autograd/ops/ too
linear = autograd.linear
conv2d = autograd.conv2d
conv_transpose2d = autograd.conv_transpose2d
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


# -- normalisation, embeddings, attention and more (issue: the PyTorch API small models use) ---------

layer_norm = autograd.layer_norm
silu = autograd.silu
softplus = autograd.softplus


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float = 0.0) -> Tensor:  # noqa: A002
    """Pad the last dimensions: `pad` lists (left, right) pairs from the last dimension backwards.

    mode "constant" fills with `value`; "reflect", "replicate" and "circular" take the border from the tensor.
    """
    if mode == "constant":
        return autograd.pad(input, pad, value=value)
    if mode not in ("reflect", "replicate", "circular"):
        raise ValueError(f"pad: mode must be constant, reflect, replicate or circular, got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > input.ndim:
        raise ValueError(f"pad: padding length {len(pad)} must be even and at most twice the number of dimensions")
    out = input
    for i in range(len(pad) // 2):
        dim = input.ndim - 1 - i
        left, right = pad[2 * i], pad[2 * i + 1]
        n = out.shape[dim]
        positions = np.arange(-left, n + right)
        if mode == "reflect":
            if left >= n or right >= n:
                raise ValueError(f"pad: reflect padding ({left}, {right}) must be smaller than the dimension ({n})")
            period = 2 * (n - 1) if n > 1 else 1
            positions = np.abs(positions) % period
            positions = np.where(positions >= n, period - positions, positions)
        elif mode == "replicate":
            positions = np.clip(positions, 0, n - 1)
        else:
            positions = positions % n
        out = autograd.index_select(out, dim, autograd.tensor(positions))
    return out


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices -> int64 one-hot rows (a new last dimension of size num_classes, or max + 1)."""
    indices = tensor.numpy()
    if indices.dtype.kind not in "iu":
        raise TypeError(f"one_hot is only applicable to index tensor, got dtype {indices.dtype}")
    if indices.size and indices.min() < 0:
        raise RuntimeError("one_hot: class values must be non-negative")
    n = int(indices.max()) + 1 if num_classes == -1 else num_classes
    if indices.size and indices.max() >= n:
        raise RuntimeError(f"one_hot: class values must be smaller than num_classes ({n})")
    return autograd.tensor((indices[..., None] == np.arange(n)).astype(np.int64))


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None) -> Tensor:  # noqa: A002
    """The rows of `weight` at the indices in `input`; the row `padding_idx` gets no gradient."""
    index = input.numpy() if isinstance(input, Tensor) else np.asarray(input)
    if index.dtype.kind not in "iu":
        raise TypeError(f"embedding: expected integer indices, got dtype {index.dtype}")
    if index.size and (index.min() < -weight.shape[0] or index.max() >= weight.shape[0]):
        raise IndexError(f"embedding: index out of range: indices must be below num_embeddings={weight.shape[0]}")
    rows = weight[index]
    if padding_idx is None:
        return rows
    keep = autograd.tensor((index != padding_idx % weight.shape[0])[..., None].astype(weight.dtype.type))
    return rows * keep + weight.detach()[index] * (1 - keep)


def batch_norm(
    input: Tensor,  # noqa: A002
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float | None = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dim 1) with the batch's statistics (training) or the running ones (eval).

    In training the running statistics are updated in place: (1 - momentum) * running + momentum * batch,
    with the unbiased batch variance (as PyTorch); momentum None means a plain average (the caller counts).
    """
    axes = (0, *range(2, input.ndim))
    shape = [1, -1] + [1] * (input.ndim - 2)
    if training:
        n = input.numel() // input.shape[1]
        if n <= 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {list(input.shape)}"
            )
        mean = input.mean(dim=axes, keepdim=True)
        centred = input - mean
        var = (centred * centred).mean(dim=axes, keepdim=True)
        if running_mean is not None and running_var is not None:
            factor = 1.0 if momentum is None else momentum
            with autograd.no_grad():
                running_mean.mul_(1 - factor).add_(mean.detach().reshape(-1) * factor)
                running_var.mul_(1 - factor).add_(var.detach().reshape(-1) * (factor * n / (n - 1)))
        out = centred * (var + eps).rsqrt()
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: evaluation needs running_mean and running_var")
        out = (input - running_mean.reshape(*shape)) * (running_var.reshape(*shape) + eps).rsqrt()
    if weight is not None:
        out = out * weight.reshape(*shape)
    if bias is not None:
        out = out + bias.reshape(*shape)
    return out


def group_norm(
    input: Tensor,  # noqa: A002
    num_groups: int,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each sample's channels in `num_groups` groups, then scale and shift per channel."""
    n, c = input.shape[0], input.shape[1]
    if c % num_groups:
        raise ValueError(f"group_norm: {c} channels are not divisible into {num_groups} groups")
    grouped = input.reshape(n, num_groups, -1)
    out = autograd.layer_norm(grouped, grouped.shape[-1:], eps=eps).reshape(*input.shape)
    shape = [1, -1] + [1] * (input.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(*shape)
    if bias is not None:
        out = out + bias.reshape(*shape)
    return out


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """x where x > 0, alpha * (e ** x - 1) elsewhere."""
    return autograd.where(input > 0, input, autograd.expm1(autograd.minimum(input, 0.0)) * alpha)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:  # noqa: A002
    """input / max(||input||_p over dim, eps)."""
    norms = autograd.linalg.vector_norm(input, p, dim=dim, keepdim=True)
    return input / autograd.clamp(norms, min=eps)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """x1 . x2 / max(||x1|| * ||x2||, eps) along `dim`."""
    dot = (x1 * x2).sum(dim=dim)
    norms = autograd.linalg.vector_norm(x1, 2, dim=dim) * autograd.linalg.vector_norm(x2, 2, dim=dim)
    return dot / autograd.clamp(norms, min=eps)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True) -> Tensor:  # noqa: A002
    """Zero whole channels (dim 1) with probability p, scaling the rest by 1/(1-p), when training."""
    if not 0 <= p <= 1:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0:
        return input
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    keep = (generator().random(shape) >= p).astype(input.dtype.type) / (1 - p) if p < 1 else np.zeros(shape)
    return input * autograd.tensor(keep.astype(input.dtype.type))


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(q @ k^T * scale + mask) @ v over the last two dims (a bool mask keeps where True)."""
    d = query.shape[-1]
    scores = (query @ key.transpose(-2, -1)) * (1 / math.sqrt(d) if scale is None else scale)
    length_q, length_k = query.shape[-2], key.shape[-2]
    if is_causal:
        scores = scores.masked_fill(autograd.tensor(~np.tri(length_q, length_k, dtype=bool)), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == autograd.bool:
            scores = scores.masked_fill(autograd.tensor(~attn_mask.numpy()), float("-inf"))
        else:
            scores = scores + attn_mask
    weights = autograd.softmax(scores, dim=-1)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p)
    return weights @ value


def _reduce(losses: Tensor, reduction: str, name: str) -> Tensor:
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"{name}: {reduction} is not a valid value for reduction")


def huber_loss(input: Tensor, target: Any, reduction: str = "mean", delta: float = 1.0) -> Tensor:  # noqa: A002
    """0.5 d² where |d| < delta, delta (|d| - delta / 2) elsewhere (d = input - target)."""
    d = input - target
    quadratic = autograd.clamp(d.abs(), max=delta)
    return _reduce(quadratic * (d.abs() - 0.5 * quadratic), reduction, "huber_loss")


def smooth_l1_loss(input: Tensor, target: Any, reduction: str = "mean", beta: float = 1.0) -> Tensor:  # noqa: A002
    """0.5 d² / beta where |d| < beta, |d| - beta / 2 elsewhere (beta = 0: the L1 loss)."""
    if beta == 0:
        return _reduce((input - target).abs(), reduction, "smooth_l1_loss")
    return _reduce(huber_loss(input, target, "none", beta) / beta, reduction, "smooth_l1_loss")


def kl_div(input: Tensor, target: Any, reduction: str = "mean", log_target: bool = False) -> Tensor:  # noqa: A002
    """Pointwise target * (log target - input), input being log-probabilities; "batchmean" divides by the batch."""
    if log_target:
        pointwise = target.exp() * (target - input)
    else:
        t = target if isinstance(target, Tensor) else autograd.tensor(target)
        safe = autograd.where(t > 0, t, autograd.ones_like(t))
        pointwise = autograd.where(t > 0, t * (safe.log() - input), input * 0)
    if reduction == "batchmean":
        return pointwise.sum() / input.shape[0]
    return _reduce(pointwise, reduction, "kl_div")


def conv1d(
    input: Tensor,  # noqa: A002
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int = 1,
    padding: Any = 0,
    dilation: int = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution of (N, C_in, L) with (C_out, C_in / groups, k) kernels, as conv2d over a height of 1."""
    if input.ndim not in (2, 3) or weight.ndim != 3:
        raise ValueError(
            f"conv1d: expected (N, C, L) input and (C_out, C_in, k) weight, got {input.shape} and {weight.shape}"
        )
    pad = padding if isinstance(padding, str) else (0, padding)
    out = autograd.conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, stride), pad, (1, dilation), groups)
    return out.squeeze(-2)


def _pair(value: Any) -> tuple[Any, Any]:
    return (value, value) if isinstance(value, int) or value is None else (value[0], value[1])


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:  # noqa: A002
    """Mean over PyTorch's bins: output cell i covers rows floor(i H / out) .. ceil((i + 1) H / out)."""
    height, width = input.shape[-2:]
    out_h, out_w = _pair(output_size)
    out_h, out_w = out_h or height, out_w or width
    if height % out_h == 0 and width % out_w == 0:  # equal bins: one reshape and one mean
        kh, kw = height // out_h, width // out_w
        return input.reshape(*input.shape[:-2], out_h, kh, out_w, kw).mean(dim=(-3, -1))
    rows = []
    for i in range(out_h):
        top, bottom = (i * height) // out_h, -(-((i + 1) * height) // out_h)
        cells = []
        for j in range(out_w):
            left, right = (j * width) // out_w, -(-((j + 1) * width) // out_w)
            cells.append(input[..., top:bottom, left:right].mean(dim=(-2, -1)))
        rows.append(autograd.stack(cells, -1))
    return autograd.stack(rows, -2)


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest") -> Tensor:  # noqa: A002
    """Resize the last one or two dims by nearest neighbour: source index floor(i * in / out)."""
    if mode != "nearest":
        raise NotImplementedError(f"interpolate: only mode='nearest' is supported, got {mode!r}")
    spatial = input.ndim - 2
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    sizes = [size] * spatial if isinstance(size, int) else size
    if sizes is None:
        factors = [scale_factor] * spatial if not isinstance(scale_factor, (tuple, list)) else scale_factor
        sizes = [int(math.floor(n * f)) for n, f in zip(input.shape[2:], factors)]
        scales = [1 / f for f in factors]
    else:
        scales = [n / s for n, s in zip(input.shape[2:], sizes)]
    out = input
    for k, (n_out, scale) in enumerate(zip(sizes, scales)):
        index = np.minimum(np.floor(np.arange(n_out) * scale).astype(np.int64), input.shape[2 + k] - 1)
        out = autograd.index_select(out, 2 + k, autograd.tensor(index))
    return out
