"""lerp: start + weight * (end - start)."""

from __future__ import annotations

from typing import Any

from ..registry import op
from ..tensor import Tensor


@op()
def lerp(start: Tensor, end: Any, weight: Any) -> Tensor:
    """start + weight * (end - start), elementwise (differentiable in all three)."""
    return start + weight * (end - start)
