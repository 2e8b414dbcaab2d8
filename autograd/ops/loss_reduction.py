"""A loss's `reduction` ('mean', 'sum' or 'none'): checking it, applying it, and its factor in the gradient."""

from __future__ import annotations

from typing import Any

REDUCTIONS = ("mean", "sum", "none")


def check_reduction(op: str, reduction: str) -> None:
    """A ValueError naming the op unless `reduction` is 'mean', 'sum' or 'none'."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"{op}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def reduce(values: Any, reduction: str) -> Any:
    """The per-element losses reduced: their mean, their sum, or unchanged ('none')."""
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    return values


def grad_scale(reduction: str, size: int) -> float:
    """d(reduced)/d(each element): 1/n for 'mean', 1 otherwise (the incoming grad carries the rest)."""
    return 1.0 / size if reduction == "mean" and size else 1.0
