"""Hints for the mistakes students make most when they write a backward by hand.

Each function looks at what a backward returned (or at its disagreement with finite differences) and
says, in a sentence, what the likely mistake is; None when it sees none. gradcheck's report on the
culprit op and the engine's rejection of a user Function's gradient both use them.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def shape_hint(got: tuple[int, ...], expected: tuple[int, ...]) -> str | None:
    """A gradient of the wrong shape: a broadcast that was not summed back, or a transposed product."""
    got, expected = tuple(got), tuple(expected)
    if got == expected:
        return None
    try:
        widened = np.broadcast_shapes(got, expected)
    except ValueError:
        widened = None
    if widened == got:  # the input was broadcast to `got` in forward
        lead = len(got) - len(expected)
        axes = list(range(lead)) + [lead + k for k, n in enumerate(expected) if n == 1 and got[lead + k] != 1]
        noun = "axis" if len(axes) == 1 else "axes"
        where = ", ".join(map(str, axes))
        keep = ", keepdims=True" if lead == 0 else ""
        return (
            f"the input was broadcast from {expected} to {got} in forward: did you sum over the broadcast "
            f"{noun} {where}? (e.g. grad.sum(axis={axes[0] if len(axes) == 1 else tuple(axes)}{keep}))"
        )
    if len(got) == 2 and got == expected[::-1]:
        return (
            f"{got} is the input's shape {expected} transposed: in a matrix product's gradient, "
            "check which factor is transposed (for y = a @ b: da = grad @ b.T, db = a.T @ grad)"
        )
    return None


def dtype_hint(got: Any, expected: Any) -> str | None:
    """A float32 gradient for a float64 input: the precision a numeric check needs is gone."""
    got, expected = np.dtype(got), np.dtype(expected)
    if got.kind == "f" and expected.kind == "f" and got.itemsize < expected.itemsize:
        return (
            f"the backward returned {got.name} for a {expected.name} input: {got.name} keeps about "
            f"{np.finfo(got).precision} significant digits, too few for the finite differences a gradient check "
            "compares against (compute in the input's dtype, e.g. with .astype(x.dtype))"
        )
    return None


def value_hints(analytic: np.ndarray, numeric: np.ndarray, rtol: float = 1e-3) -> list[str]:
    """Patterns in a wrong gradient of the right shape: a constant factor missing, or a transposed gradient."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    hints = []
    scale = float(np.sum(a * a))
    if scale > 0 and np.any(n != 0):
        factor = float(np.sum(a * n)) / scale
        if abs(factor - 1) > rtol and np.allclose(factor * a, n, rtol=rtol, atol=1e-8 * np.abs(n).max()):
            hints.append(
                f"the numeric derivative is {factor:.6g} times the analytic one everywhere: a constant factor "
                f"is missing from the backward (e.g. the 2 in d(x^2) = 2x dx)"
            )
    tolerance = 1e-6 * float(np.abs(n).max(initial=0.0))  # finite differences are not exact near zero
    if a.ndim == 2 and a.shape[0] == a.shape[1] > 1 and not np.allclose(a, n, rtol=rtol, atol=tolerance):
        if np.allclose(a.T, n, rtol=rtol, atol=tolerance):
            hints.append(
                "the analytic gradient is the numeric one transposed: in a matrix product's gradient, check "
                "which factor is transposed (for y = a @ b: da = grad @ b.T, db = a.T @ grad)"
            )
    return hints
