"""layer_norm: each sample normalised over its last dimensions, then scaled and shifted (one node)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import scaled, total


class LayerNorm(Function):
    """y = (x - mean) / sqrt(var + eps) * weight + bias over the last `n` dims; backward in a few passes."""

    __slots__ = ("axes", "x_hat", "inv_std", "eps")

    @staticmethod
    def forward(ctx, x, weight, bias, n, eps):
        axes = tuple(range(x.ndim - n, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        centred = x - mean
        inv_std = 1.0 / np.sqrt((centred * centred).mean(axis=axes, keepdims=True) + eps)
        x_hat = centred * inv_std
        ctx.axes, ctx.x_hat, ctx.inv_std, ctx.eps = axes, x_hat, inv_std, eps
        ctx.save_for_backward(x, weight)
        out = x_hat if weight is None else x_hat * weight
        return (out if bias is None else out + bias).astype(x.dtype, copy=False)

    @staticmethod
    def jvp(
        ctx, tx, tw, tb, _n, _eps
    ):  # d x_hat = inv_std (dx - mean(dx) - x_hat mean(dx x_hat)); dy = d x_hat w + x_hat dw + db
        x, weight, _, n, eps = ctx.primals
        axes = tuple(range(x.ndim - n, x.ndim))
        centred = x - x.mean(axis=axes, keepdims=True)
        inv_std = 1.0 / np.sqrt((centred * centred).mean(axis=axes, keepdims=True) + eps)
        x_hat = centred * inv_std
        d_hat = None
        if tx is not None:
            d_hat = inv_std * (
                tx - tx.mean(axis=axes, keepdims=True) - x_hat * (tx * x_hat).mean(axis=axes, keepdims=True)
            )
        return total(None if d_hat is None else (d_hat if weight is None else d_hat * weight), scaled(tw, x_hat), tb)

    @staticmethod
    def backward(ctx, grad):  # dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat)), g = grad * weight
        x, weight = ctx.saved_tensors
        axes, lead = ctx.axes, tuple(range(grad.ndim - len(ctx.axes)))
        x_hat, inv_std = ctx.x_hat, ctx.inv_std
        if isinstance(grad, Tensor):  # a recorded pass (create_graph): x_hat and inv_std as functions of x
            centred = x - x.mean(dim=axes, keepdim=True)
            inv_std = ((centred * centred).mean(dim=axes, keepdim=True) + ctx.eps).rsqrt()
            x_hat = centred * inv_std
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        g = grad if weight is None else grad * weight
        grad_x = None
        if need_x:
            grad_x = inv_std * (
                g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)
            )
        grad_w = (grad * x_hat).sum(axis=lead) if need_w else None
        grad_b = grad.sum(axis=lead) if need_b else None
        return grad_x, grad_w, grad_b, None, None


@op(method=False)
def layer_norm(
    input: Tensor,  # noqa: A002 - PyTorch's name
    normalized_shape: Any,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise over the last len(normalized_shape) dims (mean 0, variance 1), then * weight + bias."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape) :]) != shape:
        raise ShapeError(
            f"layer_norm: expected input with shape [*, {', '.join(map(str, shape))}], but got input of size "
            f"{list(input.shape)}"
        )
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise ShapeError(f"layer_norm: {name} of shape {tuple(p.shape)} does not match normalized_shape {shape}")
    return LayerNorm.apply(input, weight, bias, len(shape), eps)
