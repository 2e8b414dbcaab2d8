"""Parameters as one flat vector, and back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import autograd
from autograd.extension import increment_version


def parameters_to_vector(parameters: Iterable[Any]) -> autograd.Tensor:
    """All parameters flattened and concatenated (differentiable, a new tensor)."""
    return autograd.cat([p.reshape(-1) for p in parameters])


def vector_to_parameters(vec: autograd.Tensor, parameters: Iterable[Any]) -> None:
    """Copy consecutive slices of `vec` into the parameters' data, in place."""
    if not isinstance(vec, autograd.Tensor) or vec.ndim != 1:
        raise TypeError(f"expected a 1-D Tensor, got {type(vec).__name__}")
    values = vec.detach().numpy()
    start = 0
    for p in parameters:
        n = p.numel()
        if start + n > values.size:
            raise ValueError(f"vector_to_parameters: the vector has {values.size} values, the parameters need more")
        p.numpy(force=True)[...] = values[start : start + n].reshape(p.shape)
        increment_version(p)
        start += n
    if start != values.size:
        raise ValueError(f"vector_to_parameters: the vector has {values.size} values, the parameters take {start}")
