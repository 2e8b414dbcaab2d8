"""Pooling on NCHW images: `max_pool2d` and `avg_pool2d`.

Pooling loops over the kH*kW kernel positions, taking a maximum or a sum of
strided slabs: 30 times faster than `max` over the window axes of a
`sliding_window_view`. Pooling's gather and scatter (`WindowGather`,
`WindowScatter`) are each other's backward, so gradients of any order work.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .sliding_windows import IntPair, SlidingWindows, image_batch, int_pair, windows_for


def _window_sum(x: np.ndarray, masks: np.ndarray | None, win: SlidingWindows) -> np.ndarray:
    """The sum over each window (only where `masks[p]` is set, for kernel position p)."""
    padded = win.pad(x, 0.0)
    out = None
    for p, (i, j) in enumerate(win.positions):
        slab = padded[:, :, win.rows(i), win.cols(j)]
        if masks is not None:
            slab = slab * masks[p]
        out = slab.copy() if out is None else np.add(out, slab, out=out)
    assert out is not None
    return out


class WindowGather(Function):
    """y = sum over each window of x, where a fixed selection of kernel positions is on (all if none).

    Avg-pooling's sum, and the adjoint of `WindowScatter` (max-pooling's double backward).
    """

    __slots__ = ("win", "masks")

    @staticmethod
    def forward(ctx, x, masks, win):
        ctx.win, ctx.masks = win, masks
        return _window_sum(x, masks, win)

    @staticmethod
    def jvp(ctx, tx, _masks, _win):  # linear in x
        _, masks, win = ctx.primals
        return WindowGather.call(tx, masks, win)

    @staticmethod
    def backward(ctx, grad):  # linear: the adjoint spreads grad back
        return WindowScatter.call(grad, ctx.masks, ctx.win), None, None


class WindowScatter(Function):
    """x = each window's value g added onto its pixels, at a fixed selection of kernel positions (all if none).

    Pooling's gradient; linear in g, its own gradient is `WindowGather`.
    """

    __slots__ = ("win", "masks")

    @staticmethod
    def forward(ctx, g, masks, win):
        ctx.win, ctx.masks = win, masks
        n, c = g.shape[:2]
        image = np.zeros((n, c) + win.padded_size, dtype=g.dtype)
        for p, (i, j) in enumerate(win.positions):
            slab = image[:, :, win.rows(i), win.cols(j)]
            value = g if masks is None else g * masks[p]
            if win.disjoint:
                slab[...] = value
            else:
                slab += value
        return np.ascontiguousarray(image[(...,) + win.interior()]) if any(win.padding) else image

    @staticmethod
    def jvp(ctx, tg, _masks, _win):  # linear in g
        _, masks, win = ctx.primals
        return WindowScatter.call(tg, masks, win)

    @staticmethod
    def backward(ctx, grad):  # linear: the adjoint gathers grad back
        return WindowGather.call(grad, ctx.masks, ctx.win), None, None


def _first_maxima(padded: np.ndarray, out: np.ndarray, win: SlidingWindows) -> np.ndarray:
    """(kH*kW, N, C, Ho, Wo) booleans: which kernel position holds each window's first maximum."""
    masks = np.empty((len(win.positions),) + out.shape, dtype=bool)
    nan_out = np.isnan(out)
    has_nan = bool(nan_out.any())  # a NaN in a window is its maximum (as np.maximum and PyTorch have it)
    taken = None
    for p, (i, j) in enumerate(win.positions):
        slab = padded[:, :, win.rows(i), win.cols(j)]
        hit = np.equal(slab, out, out=masks[p])
        if has_nan:
            hit |= np.isnan(slab) & nan_out
        if taken is None:
            taken = hit.copy()
        else:  # a later position wins only where no earlier one did: one winner per window
            np.greater(hit, taken, out=hit)
            taken |= hit
    return masks


class MaxPool2d(Function):
    """y = max over each window of x; the gradient goes to the first maximum of each window, as in PyTorch."""

    __slots__ = ("win",)

    @staticmethod
    def forward(ctx, x, win):
        padded = win.pad(x, -np.inf)
        out = padded[:, :, win.rows(0), win.cols(0)].copy()  # kernel position (0, 0), then the others
        for i, j in win.positions[1:]:
            np.maximum(out, padded[:, :, win.rows(i), win.cols(j)], out=out)
        if ctx.needs_input_grad[0]:  # found now, so that changing the output in place later is harmless
            ctx.win = win
            ctx.save_for_backward(_first_maxima(padded, out, win))
        return out

    @staticmethod
    def jvp(ctx, tx, _win):  # the tangent at each window's (first) maximum
        x, win = ctx.primals
        masks = _first_maxima(win.pad(x, -np.inf), ctx.output, win)
        return WindowGather.call(tx, masks, win)

    @staticmethod
    def backward(ctx, grad):  # dx = grad at each window's argmax
        (masks,) = ctx.saved_tensors
        return WindowScatter.call(grad, masks, ctx.win), None


class AvgPool2d(Function):
    """y = mean over each window of x, padding counted in the window size (PyTorch's default)."""

    __slots__ = ("win", "scale")

    @staticmethod
    def forward(ctx, x, win):
        ctx.win = win
        ctx.scale = 1.0 / (win.kernel[0] * win.kernel[1])
        out = _window_sum(x, None, win)
        out *= ctx.scale
        return out

    @staticmethod
    def jvp(ctx, tx, _win):  # linear: the mean of each window of the tangent
        return AvgPool2d.call(tx, ctx.primals[1])

    @staticmethod
    def backward(ctx, grad):  # dx = grad / (kH*kW) on every pixel of the window
        return WindowScatter.call(grad * ctx.scale, None, ctx.win), None


def _pool_windows(op: str, x: Tensor, kernel_size: IntPair, stride: IntPair | None, padding: IntPair) -> SlidingWindows:
    kernel = int_pair(kernel_size, "kernel_size", op, 1)
    stride_hw = kernel if stride is None else int_pair(stride, "stride", op, 1)
    pad = int_pair(padding, "padding", op, 0)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ValueError(f"{op}: padding {padding!r} must be at most half the kernel size {kernel}")
    return windows_for(op, x, kernel, stride_hw, (pad[0], pad[0], pad[1], pad[1]), (1, 1))


def _ceil_extra(size: int, kernel: int, stride: int, pad: int, dilation: int) -> int:
    """Extra padding at the end so that ceil_mode's last window fits (PyTorch's rule: it must start inside)."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1
    out = -(-span // stride) + 1
    if (out - 1) * stride >= size + pad:
        out -= 1
    return max(0, (out - 1) * stride + dilation * (kernel - 1) + 1 - (size + 2 * pad))


def _max_indices(x: np.ndarray, win: SlidingWindows) -> np.ndarray:
    """For each window, the flat index h * W + w into the (unpadded) input of its first maximum."""
    padded = win.pad(x, -np.inf)
    out = padded[:, :, win.rows(0), win.cols(0)].copy()
    for i, j in win.positions[1:]:
        np.maximum(out, padded[:, :, win.rows(i), win.cols(j)], out=out)
    masks = _first_maxima(padded, out, win)
    top, _, left, _ = win.padding
    oh, ow = np.arange(out.shape[2])[:, None], np.arange(out.shape[3])[None, :]
    index = np.zeros(out.shape, dtype=np.int64)
    for p, (i, j) in enumerate(win.positions):
        row = oh * win.stride[0] + i * win.dilation[0] - top
        col = ow * win.stride[1] + j * win.dilation[1] - left
        index += masks[p] * (row * win.size[1] + col)
    return index


@op(method=False)  # no Tensor method, as in PyTorch
def max_pool2d(
    input: Any,  # noqa: A002
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    dilation: IntPair = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """The maximum of each kernel_size window of (N, C, H, W) or (C, H, W) images; stride defaults to kernel_size.

    Padding counts as -inf. `max_pool2d(x, 2)` and `max_pool2d(x, (2, 2))` halve the height and width.
    `ceil_mode` keeps a last partial window; `return_indices` also returns each maximum's flat index h * W + w.
    """
    x, unbatched = image_batch(input, "max_pool2d")
    kernel = int_pair(kernel_size, "kernel_size", "max_pool2d", 1)
    strides = kernel if stride is None else int_pair(stride, "stride", "max_pool2d", 1)
    pad = int_pair(padding, "padding", "max_pool2d", 0)
    dil = int_pair(dilation, "dilation", "max_pool2d", 1)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ValueError(f"max_pool2d: padding {padding!r} must be at most half the kernel size {kernel}")
    extra = (0, 0)
    if ceil_mode:
        size = tuple(x.shape[2:])
        extra = tuple(_ceil_extra(size[k], kernel[k], strides[k], pad[k], dil[k]) for k in range(2))  # type: ignore[assignment]
    win = windows_for("max_pool2d", x, kernel, strides, (pad[0], pad[0] + extra[0], pad[1], pad[1] + extra[1]), dil)
    out = MaxPool2d.apply(x, win)
    if unbatched:
        out = out.reshape(tuple(out.shape[1:]))
    if not return_indices:
        return out
    index = _max_indices(np.asarray(x._data), win)
    return out, Tensor._make(index[0] if unbatched else index)


def _window_counts(win: SlidingWindows, size: int, axis: int, include_pad: bool) -> np.ndarray:
    """How many places of each window along one axis lie on the input (and its padding, if counted)."""
    pad = win.padding[2 * axis]
    starts = np.arange(win.out_size[axis]) * win.stride[axis] - pad
    low, high = (-pad, size + pad) if include_pad else (0, size)
    return np.minimum(starts + win.kernel[axis], high) - np.maximum(starts, low)


@op(method=False)  # no Tensor method, as in PyTorch
def avg_pool2d(
    input: Any,  # noqa: A002
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """The mean of each kernel_size window of (N, C, H, W) or (C, H, W) images; stride defaults to kernel_size.

    Padding counts as zeros and, with count_include_pad (the default), in the divisor; `ceil_mode` keeps a
    last partial window (divided by the places it covers); `divisor_override` replaces every divisor.
    """
    x, unbatched = image_batch(input, "avg_pool2d")
    win = _pool_windows("avg_pool2d", x, kernel_size, stride, padding)
    if ceil_mode:
        k, p = win.kernel, (win.padding[0], win.padding[2])
        extra = [_ceil_extra(x.shape[2 + a], k[a], win.stride[a], p[a], 1) for a in range(2)]
        if any(extra):
            padding4 = (p[0], p[0] + extra[0], p[1], p[1] + extra[1])
            win = windows_for("avg_pool2d", x, win.kernel, win.stride, padding4, (1, 1))
    out = AvgPool2d.apply(x, win)  # each window's sum / (kH * kW)
    if ceil_mode or not count_include_pad or divisor_override is not None:
        if divisor_override is not None:
            divisor: Any = divisor_override
        else:
            rows, cols = (_window_counts(win, x.shape[2 + a], a, count_include_pad) for a in range(2))
            divisor = np.outer(rows, cols)
        out = out * (np.asarray(win.kernel[0] * win.kernel[1] / divisor, dtype=x._data.dtype))
    return out.reshape(tuple(out.shape[1:])) if unbatched else out
