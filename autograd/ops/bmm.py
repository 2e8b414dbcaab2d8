"""bmm, baddbmm and outer: batched matrix products and the outer product, on matmul."""

from __future__ import annotations

from typing import Any

from ..errors import ShapeError
from ..registry import op
from ..tensor import Tensor
from .matmul import matmul


@op()
def bmm(a: Tensor, b: Tensor) -> Tensor:
    """(B, n, m) @ (B, m, p) -> (B, n, p); no broadcasting (as torch.bmm)."""
    if a.ndim != 3 or b.ndim != 3:
        raise ShapeError(f"bmm: batch1 and batch2 must be 3-D tensors, got shapes {a.shape} and {b.shape}")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise ShapeError(f"bmm: shapes {a.shape} and {b.shape} do not fit (B, n, m) @ (B, m, p)")
    return matmul(a, b)


@op()
def baddbmm(x: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta * x + alpha * bmm(batch1, batch2)."""
    product = bmm(batch1, batch2)
    return (x if beta == 1 else x * beta) + (product if alpha == 1 else product * alpha)


@op(aliases=["ger"])
def outer(a: Tensor, b: Tensor) -> Tensor:
    """The outer product of two vectors: out[i, j] = a[i] * b[j]."""
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"outer: expected two 1-D tensors, got shapes {a.shape} and {b.shape}")
    return a.reshape(-1, 1) * b.reshape(1, -1)
