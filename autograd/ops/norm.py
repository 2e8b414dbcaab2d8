"""norm and vector_norm: p-norms over dimensions, on the elementwise ops (so their gradients come for free)."""

from __future__ import annotations

import math
from typing import Any

from ..registry import op
from ..tensor import Tensor
from .dims import reduction_axes


def vector_norm_of(x: Tensor, ord: Any, dim: Any, keepdim: bool, name: str) -> Tensor:  # noqa: A002
    """The `ord`-norm of x over `dim` (all elements when None)."""
    axes = reduction_axes(dim, x, name)
    if ord == 2:
        return (x * x).sum(dim=axes, keepdim=keepdim).sqrt()
    if ord in (math.inf, "inf"):
        return x.abs().amax(dim=axes, keepdim=keepdim)
    if ord in (-math.inf, "-inf"):
        return -((-x.abs()).amax(dim=axes, keepdim=keepdim))
    if ord == 1:
        return x.abs().sum(dim=axes, keepdim=keepdim)
    if ord == 0:
        return (x != 0).to(x.dtype).sum(dim=axes, keepdim=keepdim)
    if not isinstance(ord, (int, float)):
        raise ValueError(f"{name}: unsupported norm order {ord!r}")
    return (x.abs() ** ord).sum(dim=axes, keepdim=keepdim) ** (1.0 / ord)


@op()
def norm(x: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False) -> Tensor:
    """The p-norm over `dim` (all elements by default; "fro" is the 2-norm of all elements)."""
    return vector_norm_of(x, 2 if p in ("fro", None) else p, dim, keepdim, "norm")
