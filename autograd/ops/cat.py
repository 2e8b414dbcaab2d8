"""cat: join tensors along an existing dimension."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim


class Cat(Function):
    __slots__ = ("dim", "bounds")

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.bounds = np.cumsum([0] + [x.shape[dim] for x in xs])
        return np.concatenate(xs, axis=dim)

    @staticmethod
    def jvp(ctx, _dim, *tangents):  # the tangents joined as the xs are (zero for an input without one)
        dim, *xs = ctx.primals
        return np.concatenate([np.zeros_like(x) if t is None else t for x, t in zip(xs, tangents)], axis=dim)

    @staticmethod
    def backward(ctx, grad):  # each input gets its slice
        lead = (slice(None),) * ctx.dim
        b = ctx.bounds
        return (None,) + tuple(grad[lead + (slice(b[i], b[i + 1]),)] for i in range(len(b) - 1))


def tensors_to_join(op: str, tensors: Any) -> list[Any]:
    """The list `cat` or `stack` was given, each element a Tensor (arrays are wrapped)."""
    if isinstance(tensors, Tensor) or not len(tensors):
        raise TypeError(f"{op}: expected a non-empty list of tensors")
    return [t if isinstance(t, Tensor) else Tensor._make(np.asarray(t)) for t in tensors]


@op(method=False)
def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along an existing dimension: `cat([x, y], dim=0)`."""
    ts = tensors_to_join("cat", tensors)
    for i, t_ in enumerate(ts):
        if t_.ndim == 0:  # as PyTorch: a 0-d tensor has no dimension to join along (stack it instead)
            raise ShapeError(f"cat: expected tensors with at least 1 dimension, got a 0-d tensor at position {i}")
    d = normalize_dim(dim, ts[0].ndim, "cat")
    ref = ts[0].shape
    for t_ in ts[1:]:
        if t_.ndim != len(ref) or any(a != b for i, (a, b) in enumerate(zip(t_.shape, ref)) if i != d):
            raise ShapeError(f"cat: shapes {[tuple(x.shape) for x in ts]} must match except in dimension {d}")
    return Cat.apply(d, *ts)
