"""Helpers for the ops' forward-mode rules (`jvp`): a tangent is an array, or None for "no tangent" (zero)."""

from __future__ import annotations

from typing import Any


def total(*terms: Any) -> Any:
    """The sum of the terms that are not None (None when all are: the output has no tangent)."""
    result = None
    for term in terms:
        if term is not None:
            result = term if result is None else result + term
    return result


def scaled(tangent: Any, factor: Any) -> Any:
    """tangent * factor, or None for no tangent."""
    return None if tangent is None else tangent * factor
