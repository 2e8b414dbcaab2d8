"""tensordot: sums of products over paired dimensions, through einsum (so its gradients are einsums too)."""

from __future__ import annotations

from typing import Any

from ..registry import op
from ..tensor import Tensor
from .einsum import einsum

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@op(method=False)
def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """np.tensordot: contract the last `dims` dims of a with the first of b, or the listed pairs."""
    if isinstance(dims, int):
        pairs = list(zip(range(a.ndim - dims, a.ndim), range(dims)))
    else:
        first, second = dims
        pairs = list(zip([first] if isinstance(first, int) else first, [second] if isinstance(second, int) else second))
    a_letters = list(LETTERS[: a.ndim])
    b_letters = list(LETTERS[a.ndim : a.ndim + b.ndim])
    for i, j in pairs:
        b_letters[j % b.ndim] = a_letters[i % a.ndim]
    contracted = {a_letters[i % a.ndim] for i, _ in pairs}
    out = [c for c in a_letters if c not in contracted] + [c for c in b_letters if c not in contracted]
    return einsum(f"{''.join(a_letters)},{''.join(b_letters)}->{''.join(out)}", a, b)
