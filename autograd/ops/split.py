"""split and chunk: cut a tensor along a dimension into slices (views, through indexing)."""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .getitem import GetItem


@op()
def split(x: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut along `dim` into chunks of one size (the last may be smaller) or of the sizes listed."""
    d = normalize_dim(dim, x.ndim, "split")
    n = x.shape[d]
    if isinstance(split_size_or_sections, int):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sizes = [split_size_or_sections] * (n // split_size_or_sections)
        if n % split_size_or_sections:
            sizes.append(n % split_size_or_sections)
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ShapeError(f"split: sizes {sizes} do not add up to {n}, the size of dimension {d}")
    lead = (slice(None),) * d
    out, start = [], 0
    for s in sizes:
        out.append(GetItem.apply(x, lead + (slice(start, start + s),)))
        start += s
    return tuple(out)


@op()
def chunk(x: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """Cut into `chunks` parts of nearly equal size along `dim`."""
    n = x.shape[normalize_dim(dim, x.ndim, "chunk")]
    return split(x, max(1, -(-n // chunks)), dim)
