"""`unbroadcast`: reduce a gradient back to the shape of the input that was broadcast."""

from __future__ import annotations

from typing import Any


def unbroadcast(grad: Any, shape: tuple[int, ...]) -> Any:
    """Sum `grad` over the dimensions NumPy broadcasting added or stretched, giving `shape`.

    Works on arrays and on Tensors alike (it only uses `.sum` and `.reshape`).
    """
    gshape = grad.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)
