"""Convolution and pooling on NCHW images: `conv2d`, `max_pool2d`, `avg_pool2d`.

How it is computed (no Python loop over pixels or over the batch):

- conv2d: the input is copied once into (C, H, W, N) order, which keeps the batch
  as the innermost, contiguous run. A `sliding_window_view` of it gives every
  kernel window without copying; reshaping that view into a (C*kH*kW, Ho*Wo*N)
  matrix is the one copy a matrix product needs (im2col), and one `@` per group
  with the (C_out, C*kH*kW) weight matrix does the rest. Batch-last makes these
  copies 2-4 times faster than NCHW order on LeNet-sized inputs.
- The gradient with respect to the input is a transposed convolution: one `@`
  gives each window's gradient; adding the windows back onto the image is a loop
  over the kH*kW kernel positions, each adding one strided slab (the cheapest
  correct scatter in NumPy: `np.add.at` or `bincount` are several times slower).
  The gradient with respect to the weight is one `@` with the windows again.
- Pooling loops over the kH*kW kernel positions, taking a maximum or a sum of
  strided slabs: 30 times faster than `max` over the window axes of the view.

conv2d is bilinear, so its three products (`Conv2d`, `Conv2dInputGrad`,
`Conv2dWeightGrad`) are each other's backward, and pooling's gather and scatter
(`WindowGather`, `WindowScatter`) are each other's: gradients of any order work.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..errors import DtypeError, ShapeError
from ..function import Function
from ..tensor import Tensor

IntPair = int | tuple[int, int]


class SlidingWindows:
    """Where a kernel sits as it slides over an image: sizes, stride, padding, dilation.

    Kernel position (i, j) of every window together reads the strided slab
    `padded[..., rows(i), cols(j)]`, of the output's spatial size.
    """

    __slots__ = ("size", "kernel", "stride", "padding", "dilation", "out_size", "padded_size", "disjoint")

    def __init__(
        self,
        size: tuple[int, int],
        kernel: tuple[int, int],
        stride: tuple[int, int],
        padding: tuple[int, int, int, int],
        dilation: tuple[int, int] = (1, 1),
    ) -> None:
        self.size, self.kernel, self.stride, self.padding, self.dilation = size, kernel, stride, padding, dilation
        top, bottom, left, right = padding
        self.padded_size = (size[0] + top + bottom, size[1] + left + right)
        extent = self.extent
        self.out_size = tuple((p - e) // s + 1 for p, e, s in zip(self.padded_size, extent, stride))
        # windows that never share a pixel: a scatter can assign instead of add
        self.disjoint = stride[0] >= extent[0] and stride[1] >= extent[1]

    @property
    def extent(self) -> tuple[int, int]:
        """The kernel's span on the image, dilation included."""
        return (self.dilation[0] * (self.kernel[0] - 1) + 1, self.dilation[1] * (self.kernel[1] - 1) + 1)

    @property
    def positions(self) -> list[tuple[int, int]]:
        """The kernel positions (i, j) in row-major order."""
        return [(i, j) for i in range(self.kernel[0]) for j in range(self.kernel[1])]

    def rows(self, i: int) -> slice:
        """The padded image's rows that kernel row i reads, one per output row."""
        start = i * self.dilation[0]
        return slice(start, start + self.stride[0] * (self.out_size[0] - 1) + 1, self.stride[0])

    def cols(self, j: int) -> slice:
        """The padded image's columns that kernel column j reads, one per output column."""
        start = j * self.dilation[1]
        return slice(start, start + self.stride[1] * (self.out_size[1] - 1) + 1, self.stride[1])

    def interior(self) -> tuple[slice, slice]:
        """The unpadded image inside the padded one."""
        top, _, left, _ = self.padding
        return slice(top, top + self.size[0]), slice(left, left + self.size[1])

    def pad(self, x: np.ndarray, value: float) -> np.ndarray:
        """`x` (N, C, H, W) padded with `value` (returned unchanged without padding)."""
        if not any(self.padding):
            return x
        out = np.full(x.shape[:2] + self.padded_size, value, dtype=x.dtype)
        out[(...,) + self.interior()] = x
        return out


# -- convolution ------------------------------------------------------------------------------


def _batch_last_windows(x: np.ndarray, win: SlidingWindows, groups: int) -> np.ndarray:
    """im2col: (groups, C/groups * kH * kW, Ho * Wo * N), copied once from a window view."""
    n, c = x.shape[:2]
    if any(win.padding):
        image = np.zeros((c,) + win.padded_size + (n,), dtype=x.dtype)
        image[(slice(None),) + win.interior()] = x.transpose(1, 2, 3, 0)
    else:
        image = np.ascontiguousarray(x.transpose(1, 2, 3, 0))
    (sh, sw), (dh, dw) = win.stride, win.dilation
    view = sliding_window_view(image, win.extent, axis=(1, 2))[:, ::sh, ::sw, :, ::dh, ::dw]  # C Ho Wo N kH kW
    return view.transpose(0, 4, 5, 1, 2, 3).reshape(groups, -1, win.out_size[0] * win.out_size[1] * n)


def _batch_last_grad(g: Any, groups: int) -> np.ndarray:
    """The output gradient (N, C_out, Ho, Wo) as (groups, C_out/groups, Ho * Wo * N)."""
    return g.transpose(1, 2, 3, 0).reshape(groups, g.shape[1] // groups, -1)


class Conv2d(Function):
    """y = w * x + b: cross-correlation of the images x with the kernels w, as in PyTorch."""

    __slots__ = ("win", "groups", "shapes")

    @staticmethod
    def forward(ctx, x, w, b, win, groups):  # type: ignore[no-untyped-def]
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        if need_x or need_w or need_b:
            ctx.save_for_backward(x if need_w else None, w if need_x else None)
            ctx.win, ctx.groups, ctx.shapes = win, groups, (x.shape, w.shape)
        n, c_out = x.shape[0], w.shape[0]
        columns = _batch_last_windows(x, win, groups)
        products = w.reshape(groups, c_out // groups, -1) @ columns  # (groups, C_out/groups, Ho*Wo*N)
        products = products.reshape((c_out,) + win.out_size + (n,)).transpose(3, 0, 1, 2)
        out = np.empty((n, c_out) + win.out_size, dtype=products.dtype)
        if b is None:
            out[...] = products
        else:
            np.add(products, b.reshape(c_out, 1, 1), out=out)
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # dy = dw * x + w * dx + db
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        x_shape, w_shape = ctx.shapes
        gx = Conv2dInputGrad.call(grad, w, ctx.win, ctx.groups, x_shape) if need_x else None
        gw = Conv2dWeightGrad.call(x, grad, ctx.win, ctx.groups, w_shape) if need_w else None
        gb = grad.sum(axis=(0, 2, 3)) if need_b else None
        return gx, gw, gb, None, None


class Conv2dInputGrad(Function):
    """dx = w^T * g, the transposed convolution: the gradient of conv2d with respect to its input.

    Linear in g and in w; its own gradients are a convolution and a weight gradient.
    """

    __slots__ = ("win", "groups", "x_shape", "w_shape")

    @staticmethod
    def forward(ctx, g, w, win, groups, x_shape):  # type: ignore[no-untyped-def]
        need_g, need_w = ctx.needs_input_grad[:2]
        if need_g or need_w:
            ctx.save_for_backward(g if need_w else None, w if need_g else None)
            ctx.win, ctx.groups, ctx.x_shape, ctx.w_shape = win, groups, x_shape, w.shape
        n, c = x_shape[:2]
        c_out, _, kh, kw = w.shape
        w_t = w.reshape(groups, c_out // groups, -1).transpose(0, 2, 1)  # (groups, C/groups*kH*kW, C_out/groups)
        window_grads = (w_t @ _batch_last_grad(g, groups)).reshape((c, kh, kw) + win.out_size + (n,))
        image = np.zeros((c,) + win.padded_size + (n,), dtype=window_grads.dtype)
        for i, j in win.positions:  # add each kernel position's slab back where it was read
            image[:, win.rows(i), win.cols(j)] += window_grads[:, i, j]
        return np.ascontiguousarray(image[(slice(None),) + win.interior()].transpose(3, 0, 1, 2))

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # d(w^T * g) = w * dgrad (conv), dw = grad x g
        g, w = ctx.saved_tensors
        need_g, need_w = ctx.needs_input_grad[:2]
        gg = Conv2d.call(grad, w, None, ctx.win, ctx.groups) if need_g else None
        gw = Conv2dWeightGrad.call(grad, g, ctx.win, ctx.groups, ctx.w_shape) if need_w else None
        return gg, gw, None, None, None


class Conv2dWeightGrad(Function):
    """dw = g x windows(x): the gradient of conv2d with respect to its weight.

    Linear in x and in g; its own gradients are a transposed convolution and a convolution.
    """

    __slots__ = ("win", "groups", "x_shape")

    @staticmethod
    def forward(ctx, x, g, win, groups, w_shape):  # type: ignore[no-untyped-def]
        need_x, need_g = ctx.needs_input_grad[:2]
        if need_x or need_g:
            ctx.save_for_backward(x if need_g else None, g if need_x else None)
            ctx.win, ctx.groups, ctx.x_shape = win, groups, x.shape
        columns = _batch_last_windows(x, win, groups)  # recomputed: keeping them from forward costs kH*kW x memory
        return (_batch_last_grad(g, groups) @ columns.transpose(0, 2, 1)).reshape(w_shape)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # dx = g as transposed conv with grad, dg = grad * x
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        gx = Conv2dInputGrad.call(g, grad, ctx.win, ctx.groups, ctx.x_shape) if need_x else None
        gg = Conv2d.call(x, grad, None, ctx.win, ctx.groups) if need_g else None
        return gx, gg, None, None, None


# -- pooling ----------------------------------------------------------------------------------


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
    def forward(ctx, x, masks, win):  # type: ignore[no-untyped-def]
        ctx.win, ctx.masks = win, masks
        return _window_sum(x, masks, win)

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # linear: the adjoint spreads grad back
        return WindowScatter.call(grad, ctx.masks, ctx.win), None, None


class WindowScatter(Function):
    """x = each window's value g added onto its pixels, at a fixed selection of kernel positions (all if none).

    Pooling's gradient; linear in g, its own gradient is `WindowGather`.
    """

    __slots__ = ("win", "masks")

    @staticmethod
    def forward(ctx, g, masks, win):  # type: ignore[no-untyped-def]
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
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # linear: the adjoint gathers grad back
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
    def forward(ctx, x, win):  # type: ignore[no-untyped-def]
        padded = win.pad(x, -np.inf)
        out = None
        for i, j in win.positions:
            slab = padded[:, :, win.rows(i), win.cols(j)]
            out = slab.copy() if out is None else np.maximum(out, slab, out=out)
        if ctx.needs_input_grad[0]:  # found now, so that changing the output in place later is harmless
            ctx.win = win
            ctx.save_for_backward(_first_maxima(padded, out, win))
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # dx = grad at each window's argmax
        (masks,) = ctx.saved_tensors
        return WindowScatter.call(grad, masks, ctx.win), None


class AvgPool2d(Function):
    """y = mean over each window of x, padding counted in the window size (PyTorch's default)."""

    __slots__ = ("win", "scale")

    @staticmethod
    def forward(ctx, x, win):  # type: ignore[no-untyped-def]
        ctx.win = win
        ctx.scale = 1.0 / (win.kernel[0] * win.kernel[1])
        out = _window_sum(x, None, win)
        out *= ctx.scale
        return out

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]  # dx = grad / (kH*kW) on every pixel of the window
        return WindowScatter.call(grad * ctx.scale, None, ctx.win), None


# -- argument checking and the module-level functions -------------------------------------------


def _pair(value: Any, name: str, op: str, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints, each at least `minimum`, as a pair."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        pair = (int(value), int(value))
    elif (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)
    ):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{op}: {name} must be at least {minimum}, got {value!r}")
    return pair


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


def _image_batch(x: Tensor, op: str) -> tuple[Tensor, bool]:
    """`x` as (N, C, H, W), and whether it came without the batch dimension."""
    if x.ndim not in (3, 4):
        raise ShapeError(f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {tuple(x.shape)}")
    if x.dtype.kind != "f":
        raise DtypeError(f"{op}: expected a floating-point input, got {x.dtype}")
    if x.ndim == 3:
        return x.reshape((1,) + tuple(x.shape)), True
    return x, False


def _windows(
    op: str, x: Tensor, kernel: tuple[int, int], stride: tuple[int, int], padding: Any, dilation: tuple[int, int]
) -> SlidingWindows:
    """The window geometry, or an error when the kernel does not fit the padded image."""
    win = SlidingWindows(tuple(x.shape[2:]), kernel, stride, padding, dilation)  # type: ignore[arg-type]
    if win.extent[0] > win.padded_size[0] or win.extent[1] > win.padded_size[1]:
        raise ShapeError(
            f"{op}: the kernel {kernel} (spanning {win.extent} with dilation {dilation}) is larger than the "
            f"padded input {win.padded_size} (input shape {tuple(x.shape)}, padding {_padding_text(padding)})"
        )
    return win


def _padding_text(padding: tuple[int, int, int, int]) -> str:
    top, bottom, left, right = padding
    return (
        f"({top}, {left})"
        if (top, left) == (bottom, right)
        else f"(top {top}, bottom {bottom}, left {left}, right {right})"
    )


def conv2d(
    input: Any,  # noqa: A002 - PyTorch's argument name
    weight: Any,
    bias: Any = None,
    stride: IntPair = 1,
    padding: IntPair | str = 0,
    dilation: IntPair = 1,
    groups: int = 1,
) -> Tensor:
    """2-D cross-correlation of (N, C_in, H, W) images with (C_out, C_in/groups, kH, kW) kernels, as in PyTorch.

    `padding` may also be 'valid' (none) or 'same' (output as large as the input; stride 1 only).

    >>> conv2d(randn(8, 1, 28, 28), randn(6, 1, 5, 5), padding=2).shape
    (8, 6, 28, 28)
    """
    op = "conv2d"
    x, w = _as_tensor(input), _as_tensor(weight)
    b = None if bias is None else _as_tensor(bias)
    x4, unbatched = _image_batch(x, op)
    if w.ndim != 4:
        raise ShapeError(f"{op}: expected a 4-D weight (C_out, C_in/groups, kH, kW), got shape {tuple(w.shape)}")
    if not isinstance(groups, (int, np.integer)) or isinstance(groups, bool) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int, got {groups!r}")
    groups = int(groups)
    c_in, c_out = x4.shape[1], w.shape[0]
    if c_in != w.shape[1] * groups:
        grouping = "" if groups == 1 else f" ({w.shape[1]} per group, groups={groups})"
        raise ShapeError(
            f"{op}: input has {c_in} channels but weight expects {w.shape[1] * groups}{grouping} "
            f"(weight shape {tuple(w.shape)})"
        )
    if c_out % groups:
        raise ShapeError(
            f"{op}: groups={groups} does not divide the {c_out} output channels (weight shape {tuple(w.shape)})"
        )
    if b is not None and tuple(b.shape) != (c_out,):
        raise ShapeError(
            f"{op}: bias must have shape ({c_out},) for weight shape {tuple(w.shape)}, got {tuple(b.shape)}"
        )
    for name, t in (("weight", w), ("bias", b)):
        if t is not None and t.dtype != x.dtype:
            raise DtypeError(f"{op}: input is {x.dtype} but {name} is {t.dtype}; they must have the same dtype")
    stride_hw = _pair(stride, "stride", op, 1)
    dilation_hw = _pair(dilation, "dilation", op, 1)
    kernel = (int(w.shape[2]), int(w.shape[3]))
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        elif padding == "same":
            if stride_hw != (1, 1):
                raise ValueError(f"{op}: padding='same' needs stride 1, got stride {stride!r}")
            total_h, total_w = (d * (k - 1) for d, k in zip(dilation_hw, kernel))
            pads = (total_h // 2, total_h - total_h // 2, total_w // 2, total_w - total_w // 2)  # extra at the end
        else:
            raise ValueError(f"{op}: padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
    else:
        ph, pw = _pair(padding, "padding", op, 0)
        pads = (ph, ph, pw, pw)
    win = _windows(op, x4, kernel, stride_hw, pads, dilation_hw)
    out = Conv2d.apply(x4, w, b, win, groups)
    return out.reshape(tuple(out.shape[1:])) if unbatched else out


def _pool_windows(op: str, x: Tensor, kernel_size: IntPair, stride: IntPair | None, padding: IntPair) -> SlidingWindows:
    kernel = _pair(kernel_size, "kernel_size", op, 1)
    stride_hw = kernel if stride is None else _pair(stride, "stride", op, 1)
    pad = _pair(padding, "padding", op, 0)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ValueError(f"{op}: padding {padding!r} must be at most half the kernel size {kernel}")
    return _windows(op, x, kernel, stride_hw, (pad[0], pad[0], pad[1], pad[1]), (1, 1))


def max_pool2d(input: Any, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0) -> Tensor:  # noqa: A002
    """The maximum of each kernel_size window of (N, C, H, W) or (C, H, W) images; stride defaults to kernel_size.

    Padding counts as -inf. `max_pool2d(x, 2)` and `max_pool2d(x, (2, 2))` halve the height and width.
    """
    x, unbatched = _image_batch(_as_tensor(input), "max_pool2d")
    out = MaxPool2d.apply(x, _pool_windows("max_pool2d", x, kernel_size, stride, padding))
    return out.reshape(tuple(out.shape[1:])) if unbatched else out


def avg_pool2d(input: Any, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0) -> Tensor:  # noqa: A002
    """The mean of each kernel_size window of (N, C, H, W) or (C, H, W) images; stride defaults to kernel_size.

    Padding counts as zeros and in the divisor (PyTorch's count_include_pad=True).
    """
    x, unbatched = _image_batch(_as_tensor(input), "avg_pool2d")
    out = AvgPool2d.apply(x, _pool_windows("avg_pool2d", x, kernel_size, stride, padding))
    return out.reshape(tuple(out.shape[1:])) if unbatched else out
