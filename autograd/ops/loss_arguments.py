"""Checking and converting a loss's arguments: the input, a target, weights, class indices.

Each check raises an error that names the loss and says what shape or dtype it expected.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..creation import as_tensor
from ..errors import DtypeError, ShapeError
from ..tensor import Tensor


def as_array(x: Any) -> np.ndarray:
    """The values of a Tensor (without its history) or of anything NumPy reads, as an array."""
    return x.detach().numpy() if isinstance(x, Tensor) else np.asarray(x)


def floating_input(op: str, input: Any) -> None:  # noqa: A002
    """A TypeError unless `input` is a Tensor, a DtypeError unless it is floating."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: input must be a Tensor, got {type(input).__name__}")
    if input._data.dtype.kind != "f":  # (the array's dtype: no autograd.dtype made on this per-step path)
        raise DtypeError(f"{op}: input must be a floating tensor, got dtype {input.dtype}")


def same_shape_target(op: str, input: Tensor, target: Any) -> Any:  # noqa: A002
    """The target as a Tensor (or, when it needs a dtype change and no gradient, an array) of input's shape."""
    if not isinstance(target, Tensor):
        target = as_tensor(np.asarray(target))
    if target.shape != input.shape:
        raise ShapeError(
            f"{op}: input of shape {tuple(input.shape)} and target of shape {tuple(target.shape)} must have the "
            "same shape (no broadcasting between them); reshape one, e.g. target.view(-1, 1) or output.squeeze(1)"
        )
    if target._data.dtype != input._data.dtype and not target.requires_grad:
        return target.detach().numpy().astype(input._data.dtype)
    return target


def broadcast_constant(op: str, name: str, value: Any, input: Tensor) -> np.ndarray | None:  # noqa: A002
    """A weight-like argument as an array that broadcasts to input's shape (no gradient flows to it)."""
    if value is None:
        return None
    array = as_array(value)
    try:
        fits = np.broadcast_shapes(array.shape, input.shape) == tuple(input.shape)
    except ValueError:
        fits = False
    if not fits:
        raise ShapeError(
            f"{op}: {name} of shape {array.shape} does not broadcast to the input's shape {tuple(input.shape)}"
        )
    return array.astype(input.dtype, copy=False)


def class_target(op: str, input: Tensor, target: Any, ignore_index: int) -> np.ndarray:  # noqa: A002
    """Class indices as an int64 array of input's shape without the class dimension, each checked."""
    array = as_array(target)
    if array.dtype.kind not in "iu":
        raise DtypeError(f"{op}: target must hold integer class indices, got dtype {array.dtype}")
    expected = (input.shape[0],) + tuple(input.shape[2:])
    if array.shape != expected:
        raise ShapeError(
            f"{op}: input of shape {tuple(input.shape)} needs a target of shape {expected} (one class index per "
            f"sample), got {array.shape}"
        )
    n_classes = input.shape[1]
    bad = (array != ignore_index) & ((array < 0) | (array >= n_classes))
    if bad.any():
        raise IndexError(
            f"{op}: target {int(array[bad].flat[0])} is out of bounds for {n_classes} classes (valid: 0..{n_classes - 1})"
        )
    return array.astype(np.int64, copy=False)


def class_weight(op: str, weight: Any, n_classes: int, dtype: Any) -> np.ndarray | None:
    """A per-class weight as an array of shape (n_classes,) in the input's dtype (None stays None)."""
    if weight is None:
        return None
    array = as_array(weight)
    if array.shape != (n_classes,):
        raise ShapeError(f"{op}: weight must have one entry per class, shape ({n_classes},), got {array.shape}")
    return array.astype(dtype, copy=False)
