"""`linear`: x @ W.T + b as one graph node (the op behind `nn.Linear`).

One node instead of three (transpose, matmul, add) keeps the per-layer cost of
small batches low; the backward is written with operators that arrays and
Tensors share, so it is recorded under `create_graph=True` like any other op.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DtypeError, ShapeError
from ..function import Function, apply_two_tensors
from ..registry import op
from ..tensor import Tensor, _ndarray
from .tangents import total

# Speed trick, two shapes NumPy's defaults handle slowly, done another way with the same result:
# - an outer product (inner dimension 1, as a 1-output layer's input gradient): a broadcast multiply gives
#   exactly matmul's values, without its BLAS call (1279 rows x 64: 169 -> 43 us; 32 rows: 5.4 -> 2.6 us);
# - the bias gradient of a tall gradient (column sums): one matrix-vector product with a vector of ones
#   instead of np.sum along the rows (1279 x 64: 25 -> 7 us; below 256 rows the ones cost more than this
#   saves). Summed in another order, it can differ from np.sum in the last bits, as BLAS sums do.
COLUMN_SUMS_BY_PRODUCT_FROM = 256  # rows


def matrix_product(a: Any, b: Any) -> Any:
    """a @ b for 2-D operands (arrays, or Tensors under create_graph); an outer product as a broadcast multiply."""
    if a.shape[-1] == 1 and b.shape[0] == 1:
        return a * b  # one term per element: exactly what matmul computes
    return a @ b


def column_sums(g: Any) -> Any:
    """g.sum(axis=0) of a 2-D gradient: for a tall array, as ones @ g."""
    if type(g) is _ndarray and g.shape[0] >= COLUMN_SUMS_BY_PRODUCT_FROM:
        return np.ones(g.shape[0], g.dtype) @ g
    return g.sum(axis=0)


class Linear(Function):
    """y = x W^T + b for x of shape (..., in), W of shape (out, in), b of shape (out,) or None."""

    __slots__ = ("x_shape",)

    @staticmethod
    def forward(ctx, x, weight, bias):
        need_x, need_w, _ = ctx.needs_input_grad
        ctx.save_for_backward(x if need_w else None, weight if need_x else None)  # (None, None) for the bias alone
        ctx.x_shape = x.shape
        if x.ndim > 2:  # one product over the flattened batch dims: NumPy's stacked matmul is 1.3-2.3x slower
            out = (x.reshape(-1, x.shape[-1]) @ weight.T).reshape(x.shape[:-1] + (weight.shape[0],))
        else:
            out = matrix_product(x, weight.T)
        if bias is not None:
            if bias.dtype == out.dtype:
                out += bias  # the product is a fresh array: add in place
            else:
                out = out + bias  # mixed dtypes promote as NumPy does
        return out

    @staticmethod
    def jvp(ctx, tx, tw, tb):  # dy = dx W^T + x dW^T + db
        x, weight, _ = ctx.primals
        return total(None if tx is None else tx @ weight.T, None if tw is None else x @ tw.T, tb)

    @staticmethod
    def backward(ctx, grad):  # dy = dx W^T + x dW^T + db
        x, weight = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad
        out_features = grad.shape[-1]
        g2 = grad if grad.ndim == 2 else grad.reshape((-1, out_features))  # batch dims flattened
        gx = gw = gb = None
        if need_x:
            gx = matrix_product(g2, weight)
            if gx.shape != ctx.x_shape:
                gx = gx.reshape(ctx.x_shape)
        if need_w:
            x2 = x if x.ndim == 2 else x.reshape((-1, x.shape[-1]))
            gw = g2.T @ x2
        if need_b:
            gb = column_sums(g2)
        return gx, gw, gb


@op(method=False)  # torch.nn.functional.linear: no Tensor method, as in PyTorch
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002 - PyTorch's name
    """x @ weight.T + bias over the last dimension of `input` (one graph node).

    >>> linear(ones(5, 3), ones(2, 3), zeros(2)).shape
    (5, 2)
    """
    try:
        w, b = weight._data, None if bias is None else bias._data
    except AttributeError:
        raise TypeError(
            f"linear: weight and bias must be Tensors, got {type(weight).__name__} and {type(bias).__name__}"
        ) from None
    # Checked without building shape tuples (this runs once per layer and step): the weight's and
    # the bias's dimensions here, the input's last dimension only when NumPy refuses x @ W.T.
    if w.ndim != 2 or (b is not None and (b.ndim != 1 or len(b) != len(w))):
        _check_shapes(input, w, b)
    x = getattr(input, "_data", input)
    if getattr(x, "dtype", w.dtype) != w.dtype:  # as PyTorch: no silent promotion of an int or float64 input
        raise DtypeError(
            f"linear: mat1 and mat2 must have the same dtype, but got {np.dtype(x.dtype)} (input) and "
            f"{w.dtype} (weight); convert the input with .to({w.dtype}) or the layer with .to(...)"
        )
    try:
        return (
            apply_two_tensors(Linear, input, weight, bias)
            if isinstance(input, Tensor)
            else Linear.apply(input, weight, bias)
        )
    except ValueError:
        _check_shapes(input, w, b)
        raise


def _check_shapes(input: Any, w: Any, b: Any) -> None:  # noqa: A002
    """Raise the ShapeError that names the first argument that does not fit (nothing if they all do)."""
    x_shape, w_shape = tuple(np.shape(input)), tuple(np.shape(w))
    if len(w_shape) != 2:
        raise ShapeError(f"linear: weight must be 2-D (out_features, in_features), got shape {w_shape}")
    if not x_shape or x_shape[-1] != w_shape[1]:
        raise ShapeError(
            f"linear: input of shape {x_shape} does not fit weight of shape {w_shape} "
            f"(the input's last dimension must be in_features = {w_shape[1]})"
        )
    if b is not None and np.shape(b) != w_shape[:1]:
        raise ShapeError(
            f"linear: bias must have shape ({w_shape[0]},) to match weight {w_shape}, got {tuple(np.shape(b))}"
        )
