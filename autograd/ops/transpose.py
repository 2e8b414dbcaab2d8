"""transpose (also `swapaxes`): swap two dimensions; `t`, and the properties `T` and `mT` (permutes)."""

from __future__ import annotations

from ..errors import DimError
from ..registry import op
from ..tensor import Tensor
from .dims import normalize_dim
from .permute import permute


@op(aliases=["swapaxes"])
def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions."""
    axes = list(range(x.ndim))
    d0, d1 = normalize_dim(dim0, x.ndim, "transpose"), normalize_dim(dim1, x.ndim, "transpose")
    if x.ndim == 0:  # PyTorch: a 0-d tensor takes dims 0 and -1 and comes back unchanged
        return x
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return permute(x, axes)


@op()
def t(x: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dimensions (0-d and 1-d come back unchanged)."""
    if x.ndim > 2:
        raise DimError(f"t: expects a tensor with at most 2 dimensions, got shape {x.shape}; use transpose(dim0, dim1)")
    return x if x.ndim < 2 else permute(x, (1, 0))


@op(export=False, as_property=True)
def T(x: Tensor) -> Tensor:
    """All dimensions reversed (a 1-D tensor is returned unchanged)."""
    return permute(x, tuple(range(x.ndim - 1, -1, -1)))


@op(export=False, as_property=True)
def mT(x: Tensor) -> Tensor:
    """The last two dimensions swapped."""
    return transpose(x, -2, -1)
