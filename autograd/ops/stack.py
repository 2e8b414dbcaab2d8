"""stack: join tensors of one shape along a new dimension."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .cat import tensors_to_join
from .dims import normalize_dim


class Stack(Function):
    __slots__ = ("dim", "n")

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim, ctx.n = dim, len(xs)
        return np.stack(xs, axis=dim)

    @staticmethod
    def jvp(ctx, _dim, *tangents):  # the tangents stacked as the xs are (zero for an input without one)
        dim, *xs = ctx.primals
        return np.stack([np.zeros_like(x) if t is None else t for x, t in zip(xs, tangents)], axis=dim)

    @staticmethod
    def backward(ctx, grad):  # each input gets its index along dim
        lead = (slice(None),) * ctx.dim
        return (None,) + tuple(grad[lead + (i,)] for i in range(ctx.n))


@op(method=False)
def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors of one shape along a new dimension."""
    ts = tensors_to_join("stack", tensors)
    if any(x.shape != ts[0].shape for x in ts):
        raise ShapeError(f"stack: all tensors must have the same shape, got {[tuple(x.shape) for x in ts]}")
    return Stack.apply(normalize_dim(dim, ts[0].ndim + 1, "stack"), *ts)
