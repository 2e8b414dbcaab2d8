"""log2: the base-2 logarithm, ln(x) / ln(2) (the gradient comes from log's)."""

from __future__ import annotations

from ..registry import op
from ..tensor import Tensor
from .log import log

LN_2 = 0.6931471805599453


@op()
def log2(x: Tensor) -> Tensor:
    """Base-2 logarithm, elementwise."""
    return log(x) * (1.0 / LN_2)
