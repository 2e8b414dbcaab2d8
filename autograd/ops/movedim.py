"""movedim: dimensions moved to new positions, the others keeping their order."""

from __future__ import annotations

from typing import Any

from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim


@op(aliases=["moveaxis"])
def movedim(x: Tensor, source: Any, destination: Any) -> Tensor:
    """x with dimension(s) `source` moved to `destination` (np.moveaxis), as a view."""
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise ValueError(f"movedim: Invalid source or destination dims: {len(src)} source and {len(dst)} destination")
    src = [normalize_dim(d, x.ndim, "movedim") for d in src]
    dst = [normalize_dim(d, x.ndim, "movedim") for d in dst]
    if x.ndim == 0:  # dim 0 or -1 of a 0-d tensor, as in PyTorch: nothing moves
        return x.permute()
    rest = [d for d in range(x.ndim) if d not in src]
    order: list[int] = [-1] * x.ndim
    for s, d in zip(src, dst):
        order[d] = s
    fill = iter(rest)
    order = [next(fill) if o == -1 else o for o in order]
    return x.permute(*order)
