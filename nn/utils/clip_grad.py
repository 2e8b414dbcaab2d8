"""Clipping gradients in place: by their total norm, or elementwise."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

import autograd
from autograd.extension import increment_version


def _grads(parameters: Any) -> list[Any]:
    params = [parameters] if isinstance(parameters, autograd.Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm_(
    parameters: Iterable[Any] | Any, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False
) -> autograd.Tensor:
    """Scale all gradients together so that their total `norm_type`-norm is at most `max_norm`; returns that
    norm (before clipping), as PyTorch."""
    grads = _grads(parameters)
    if not grads:
        return autograd.tensor(0.0)
    arrays = [g.numpy(force=True) for g in grads]
    if norm_type == math.inf:
        total = max(float(np.abs(a).max()) if a.size else 0.0 for a in arrays)
    else:
        total = float(
            sum(float((np.abs(a.astype(np.float64)) ** norm_type).sum()) for a in arrays) ** (1.0 / norm_type)
        )
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot be "
            "clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    coefficient = max_norm / (total + 1e-6)
    if coefficient < 1:
        for g, a in zip(grads, arrays):
            a *= a.dtype.type(coefficient)
            increment_version(g)
    return autograd.tensor(total, dtype=grads[0].dtype)


def clip_grad_value_(parameters: Iterable[Any] | Any, clip_value: float) -> None:
    """Clamp every gradient element into [-clip_value, clip_value], in place."""
    for g in _grads(parameters):
        a = g.numpy(force=True)
        np.clip(a, -clip_value, clip_value, out=a)
        increment_version(g)
