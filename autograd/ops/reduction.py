"""Reductions (`sum`, `mean`, `var`, `std`, `max`, `min`, `logsumexp`, `argmax`) and softmax.

Each takes `dim` (None for all dimensions, an int, or a tuple) and `keepdim`.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from .dims import normalize_dim, normalize_dims
from .shape import Expand


def _keepdim_shape(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> tuple[int, ...]:
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


class Sum(Function):
    __slots__ = ("in_shape", "kept")

    @staticmethod
    def forward(ctx, x, axes, keepdim):  # type: ignore[no-untyped-def]
        if ctx.needs_input_grad[0]:
            ctx.in_shape = x.shape
            ctx.kept = _keepdim_shape(x.shape, axes)
        return x.sum(axis=axes, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # each input element gets the sum's gradient
        return Expand.call(grad.reshape(ctx.kept), ctx.in_shape), None, None


class Mean(Function):
    __slots__ = ("in_shape", "kept", "scale")

    @staticmethod
    def forward(ctx, x, axes, keepdim):  # type: ignore[no-untyped-def]
        ctx.in_shape = x.shape
        ctx.kept = _keepdim_shape(x.shape, axes)
        out = np.mean(x, axis=axes, keepdims=keepdim)
        ctx.scale = out.size / x.size if x.size else 0.0
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # each input element gets grad / n
        return Expand.call(grad.reshape(ctx.kept) * ctx.scale, ctx.in_shape), None, None


class MaxAll(Function):
    """The largest element; ties share the gradient equally."""

    __slots__ = ("weight", "kept")

    @staticmethod
    def forward(ctx, x, axes, keepdim):  # type: ignore[no-untyped-def]
        out = np.max(x, axis=axes, keepdims=True)
        mask = x == out
        ctx.weight = (mask / mask.sum(axis=axes, keepdims=True)).astype(x.dtype)
        ctx.kept = out.shape
        return (
            out
            if keepdim
            else out.reshape(tuple(s for i, s in enumerate(x.shape) if axes is not None and i not in axes))
        )

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d max = [x is the max] / #ties
        return grad.reshape(ctx.kept) * ctx.weight, None, None


class MaxDim(Function):
    """(values, indices) of the largest element along one dim; the gradient goes to that index."""

    __slots__ = ("onehot", "kept")

    @staticmethod
    def forward(ctx, x, dim, keepdim, largest):  # type: ignore[no-untyped-def]
        idx = np.argmax(x, axis=dim) if largest else np.argmin(x, axis=dim)
        idx_k = np.expand_dims(idx, dim)
        values = np.take_along_axis(x, idx_k, axis=dim)
        ctx.onehot = (np.arange(x.shape[dim]).reshape([-1 if i == dim else 1 for i in range(x.ndim)]) == idx_k).astype(
            x.dtype
        )
        ctx.kept = values.shape
        if not keepdim:
            values = values.reshape(idx.shape)
            idx_k = idx
        return values, idx_k

    @staticmethod
    def backward(ctx, grad, _grad_indices):  # type: ignore[no-untyped-def]  # one-hot at the chosen index
        return grad.reshape(ctx.kept) * ctx.onehot, None, None, None


class LogSumExp(Function):
    __slots__ = ("kept",)

    @staticmethod
    def forward(ctx, x, axes, keepdim):  # type: ignore[no-untyped-def]
        m = np.max(x, axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)  # all -inf rows stay -inf, without NaN
        out = m + np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True))
        ctx.kept = out.shape
        if not keepdim:
            out = out.reshape(np.sum(x, axis=axes).shape)
        ctx.save_for_backward(x, out)  # the returned array itself, so double backward sees it
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d lse = softmax(x) dx
        x, out = ctx.saved_tensors
        from .elementwise import Exp

        return grad.reshape(ctx.kept) * Exp.call(x - out.reshape(ctx.kept)), None, None


class Softmax(Function):
    __slots__ = ("dim",)

    @staticmethod
    def forward(ctx, x, dim):  # type: ignore[no-untyped-def]
        e = np.exp(x - np.max(x, axis=dim, keepdims=True))
        out = e / np.sum(e, axis=dim, keepdims=True)
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # ds = s * (g - sum(g s))
        (out,) = ctx.saved_tensors
        return out * (grad - (grad * out).sum(axis=ctx.dim, keepdims=True)), None


class LogSoftmax(Function):
    __slots__ = ("dim",)

    @staticmethod
    def forward(ctx, x, dim):  # type: ignore[no-untyped-def]
        shifted = x - np.max(x, axis=dim, keepdims=True)
        out = shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))
        ctx.save_for_backward(out)
        ctx.dim = dim
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d log s = g - s * sum(g)
        (out,) = ctx.saved_tensors
        from .elementwise import Exp

        return grad - Exp.call(out) * grad.sum(axis=ctx.dim, keepdims=True), None


# -- module-level functions ------------------------------------------------------------------


def _axes(dim: Any, x: Tensor, op: str) -> tuple[int, ...] | None:
    """`dim` as NumPy axes (None: all); a 0-d tensor takes dim 0 or -1, as in PyTorch, and reduces to itself."""
    if dim is None:
        return None
    axes = normalize_dims(dim, x.ndim, op)
    return None if x.ndim == 0 else axes


def sum(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.sum
    """Sum over `dim` (all dimensions by default).

    >>> sum(tensor([[1., 2.], [3., 4.]]), dim=0)
    tensor([4., 6.])
    """
    return Sum.apply(x, _axes(dim, x, "sum"), keepdim)


def mean(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Mean over `dim` (all dimensions by default)."""
    if x.dtype.kind not in "fc":
        raise TypeError(f"mean: needs a floating tensor, got dtype {x.dtype}; use x.float().mean()")
    return Mean.apply(x, _axes(dim, x, "mean"), keepdim)


def var(x: Tensor, dim: Any = None, keepdim: bool = False, *, unbiased: Any = None, correction: Any = None) -> Tensor:
    """Variance over `dim`: sum((x - mean)^2) / (n - correction); correction=1 (unbiased) by default."""
    if correction is None:
        correction = 0 if unbiased is False else 1
    axes = _axes(dim, x, "var")
    n = x.numel() if axes is None else int(np.prod([x.shape[a] for a in axes]))
    centred = x - mean(x, dim=axes, keepdim=True)
    return sum(centred * centred, dim=axes, keepdim=keepdim) / builtins.max(n - correction, 0)


def std(x: Tensor, dim: Any = None, keepdim: bool = False, *, unbiased: Any = None, correction: Any = None) -> Tensor:
    """Standard deviation over `dim`: sqrt(var); correction=1 (unbiased) by default."""
    return var(x, dim, keepdim, unbiased=unbiased, correction=correction).sqrt()


def _extreme(x: Tensor, dim: Any, keepdim: bool, largest: bool) -> Any:
    name = "max" if largest else "min"
    if x.numel() == 0:
        raise ValueError(f"{name}: the tensor of shape {x.shape} is empty")
    if dim is None:
        if largest:
            return MaxAll.apply(x, None, keepdim)
        return -MaxAll.apply(-x, None, keepdim)
    d = normalize_dim(dim, x.ndim, name)
    if x.ndim == 0:  # PyTorch: a 0-d tensor is its own max along dim 0, at index 0
        return MaxDim.apply(x.reshape(1), 0, False, largest)
    values, indices = MaxDim.apply(x, d, keepdim, largest)
    return values, indices


def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001 - torch.max
    """The largest element, or `(values, indices)` along `dim`."""
    return _extreme(x, dim, keepdim, True)


def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001 - torch.min
    """The smallest element, or `(values, indices)` along `dim`."""
    return _extreme(x, dim, keepdim, False)


def amax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """The largest values over `dim` (ties share the gradient)."""
    return MaxAll.apply(x, _axes(dim, x, "amax"), keepdim)


def argmax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the largest value (flattened when dim is None); no gradient."""
    if dim is None:
        return Tensor._make(np.array(np.argmax(x._data)))
    return Tensor._make(np.argmax(x._data, axis=normalize_dim(dim, x.ndim, "argmax"), keepdims=keepdim))


def argmin(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest value (flattened when dim is None); no gradient."""
    if dim is None:
        return Tensor._make(np.array(np.argmin(x._data)))
    return Tensor._make(np.argmin(x._data, axis=normalize_dim(dim, x.ndim, "argmin"), keepdims=keepdim))


def logsumexp(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """log(sum(exp(x))) over `dim`, shifted by the maximum so it never overflows."""
    return LogSumExp.apply(x, _axes(dim, x, "logsumexp"), keepdim)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along `dim`, shifted by the maximum so it never overflows."""
    return Softmax.apply(x, normalize_dim(dim, x.ndim, "softmax"))


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along `dim`: stable where log(softmax(x)) would give -inf."""
    return LogSoftmax.apply(x, normalize_dim(dim, x.ndim, "log_softmax"))
