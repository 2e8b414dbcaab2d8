"""`autograd.linalg`, as `torch.linalg`: vector and matrix norms.

>>> autograd.linalg.vector_norm(x, ord=2, dim=-1)
"""

from __future__ import annotations

from typing import Any

from .ops.norm import vector_norm_of
from .tensor import Tensor


def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The `ord`-norm of x seen as a vector over `dim` (all elements by default)."""
    return vector_norm_of(x, ord, dim, keepdim, "linalg.vector_norm")


def norm(x: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A002
    """The 2-norm of all elements by default (Frobenius for a matrix); `ord` for a vector norm over `dim`."""
    if ord in (None, "fro"):
        return vector_norm_of(x, 2, dim, keepdim, "linalg.norm")
    if x.ndim == 2 and dim is None:
        raise NotImplementedError(f"linalg.norm: matrix norm ord={ord!r} is not supported; give dim for a vector norm")
    return vector_norm_of(x, ord, dim, keepdim, "linalg.norm")
