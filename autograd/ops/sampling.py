"""multinomial, bernoulli and normal: samples from the generator `manual_seed` seeds (no gradient)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..random import generator
from ..registry import op
from ..state import Defaults
from ..tensor import Tensor


@op()
def multinomial(input: Tensor, num_samples: int, replacement: bool = False) -> Tensor:  # noqa: A002
    """Indices drawn in proportion to the (unnormalised, non-negative) weights in each row of `input`."""
    weights = np.asarray(input._data, dtype=np.float64)
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: prob_dist must be 1 or 2 dim, got shape {weights.shape}")
    if (weights < 0).any() or not np.isfinite(weights).all():
        raise RuntimeError("multinomial: probability tensor contains either inf, nan or element < 0")
    rows = weights.reshape(-1, weights.shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    out = []
    for row in rows:
        total = row.sum()
        if total <= 0:
            raise RuntimeError("multinomial: invalid multinomial distribution (sum of probabilities <= 0)")
        if not replacement and np.count_nonzero(row) < num_samples:
            raise RuntimeError(
                "multinomial: invalid multinomial distribution (with replacement=False, not enough non-negative "
                "category to sample)"
            )
        out.append(generator().choice(len(row), size=num_samples, replace=replacement, p=row / total))
    samples = np.array(out, dtype=np.int64)
    return Tensor._make(samples.reshape(num_samples) if weights.ndim == 1 else samples)


@op()
def bernoulli(input: Tensor, p: Any = None) -> Tensor:  # noqa: A002
    """1 with probability input (or p) elementwise, else 0, in input's dtype."""
    probs = np.asarray(input._data if p is None else np.broadcast_to(p, input.shape))
    return Tensor._make((generator().random(input.shape) < probs).astype(input.dtype))


@op(method=False)
def normal(mean: Any, std: Any = 1.0, size: Any = None) -> Tensor:
    """Samples of N(mean, std²): mean and std may be tensors (broadcast) or numbers with a `size`."""
    m = mean._data if isinstance(mean, Tensor) else mean
    s = std._data if isinstance(std, Tensor) else std
    shape = np.broadcast_shapes(np.shape(m), np.shape(s)) if size is None else tuple(size)
    dtype = next((t.dtype for t in (mean, std) if isinstance(t, Tensor) and t.dtype.kind == "f"), Defaults.dtype)
    return Tensor._make((m + s * generator().standard_normal(shape)).astype(dtype))
