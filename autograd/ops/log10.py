"""log10: the base-10 logarithm, ln(x) / ln(10) (the gradient comes from log's)."""

from __future__ import annotations

from ..registry import op
from ..tensor import Tensor
from .log import log

LN_10 = 2.302585092994046


@op()
def log10(x: Tensor) -> Tensor:
    """Base-10 logarithm, elementwise."""
    return log(x) * (1.0 / LN_10)
