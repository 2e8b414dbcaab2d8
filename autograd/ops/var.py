"""var and std: the variance sum((x - mean)^2) / (n - correction) and its square root, built from other ops."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..registry import op
from ..tensor import Tensor
from .dims import reduction_axes
from .mean import mean
from .sqrt import sqrt
from .sum import sum


@op()
def var(x: Tensor, dim: Any = None, keepdim: bool = False, *, unbiased: Any = None, correction: Any = None) -> Tensor:
    """Variance over `dim`: sum((x - mean)^2) / (n - correction); correction=1 (unbiased) by default."""
    if correction is None:
        correction = 0 if unbiased is False else 1
    axes = reduction_axes(dim, x, "var")
    n = x.numel() if axes is None else int(np.prod([x.shape[a] for a in axes]))
    centred = x - mean(x, dim=axes, keepdim=True)
    return sum(centred * centred, dim=axes, keepdim=keepdim) / builtins.max(n - correction, 0)


@op()
def std(x: Tensor, dim: Any = None, keepdim: bool = False, *, unbiased: Any = None, correction: Any = None) -> Tensor:
    """Standard deviation over `dim`: sqrt(var); correction=1 (unbiased) by default."""
    return sqrt(var(x, dim, keepdim, unbiased=unbiased, correction=correction))
