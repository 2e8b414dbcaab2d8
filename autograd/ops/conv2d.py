"""conv2d: 2-D convolution (cross-correlation) of NCHW images, as in PyTorch.

How it is computed (no Python loop over pixels or over the batch):

- conv2d: a `sliding_window_view` of the input gives every kernel window without
  copying; reshaping that view into a matrix of C*kH*kW rows and a column per
  output pixel is the one copy a matrix product needs (im2col), and one `@` with the
  (C_out, C*kH*kW) weight matrix does the rest. How the columns are laid out is
  chosen per layer (`per_image`): one matrix per image, or one for the whole batch.
- The gradient with respect to the input is a transposed convolution: one `@`
  gives each window's gradient; adding the windows back onto the image is a loop
  over the kH*kW kernel positions, each adding one strided slab (the cheapest
  correct scatter in NumPy: `np.add.at` or `bincount` are several times slower).
  The gradient with respect to the weight is one `@` with the windows again.

conv2d is bilinear, so its three products (`Conv2d`, `Conv2dInputGrad`,
`Conv2dWeightGrad`) are each other's backward: gradients of any order work.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..errors import DtypeError, ShapeError
from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .sliding_windows import IntPair, SlidingWindows, image_batch, int_pair, windows_for
from .tangents import total

# Speed trick, kept windows: conv2d's forward keeps its im2col columns for the weight gradient when they
# take at most this many bytes, instead of copying the windows out of the input a second time in
# backward (LeNet, batch 64, forward + backward: 8.4 -> 7.7 ms, 1.28x -> 1.21x PyTorch, two interleaved
# runs each; the columns of its two convolutions take 9 MB until backward has run).
KEEP_COLUMNS_BYTES = 64 << 20


# Speed trick, the columns laid out per layer. Layers at least this many outputs wide take them per
# image, (N, C*kH*kW, Ho*Wo), straight from the NCHW input (its rows are long runs to copy), and `@`
# multiplies each image's matrix in turn (NumPy's batched matmul, one call), giving NCHW output with no
# transpose; OpenBLAS runs these products 2-3x faster than one product over all the batch's columns.
# Narrower layers take one matrix, (C*kH*kW, Ho*Wo*N), from a (C, H, W, N) copy of the input that keeps
# the batch innermost (measured, forward and weight gradient: LeNet's first convolution, 28 wide,
# 1.40 -> 0.72 ms per image; its second, 10 wide, 1.12 -> 1.26 ms if it were per image).
PER_IMAGE_FROM_WIDTH = 16


def per_image(win: SlidingWindows) -> bool:
    """Whether this layer's columns are one matrix per image rather than one for the batch."""
    return win.out_size[1] >= PER_IMAGE_FROM_WIDTH


def _columns(x: np.ndarray, win: SlidingWindows, groups: int) -> np.ndarray:
    """im2col, copied once: (N, groups, C/groups * kH * kW, Ho * Wo) per image, else
    (groups, C/groups * kH * kW, Ho * Wo * N)."""
    n = x.shape[0]
    pixels = win.out_size[0] * win.out_size[1]
    (sh, sw), (dh, dw) = win.stride, win.dilation
    if per_image(win):  # N C Ho Wo kH kW -> N C kH kW Ho Wo
        view = sliding_window_view(win.pad(x, 0), win.extent, axis=(2, 3))[:, :, ::sh, ::sw, ::dh, ::dw]
        return view.transpose(0, 1, 4, 5, 2, 3).reshape(n, groups, -1, pixels)
    if any(win.padding):
        image = np.zeros((x.shape[1],) + win.padded_size + (n,), x.dtype)
        image[(slice(None),) + win.interior()] = x.transpose(1, 2, 3, 0)
    else:
        image = np.ascontiguousarray(x.transpose(1, 2, 3, 0))
    view = sliding_window_view(image, win.extent, axis=(1, 2))[:, ::sh, ::sw, :, ::dh, ::dw]  # C Ho Wo N kH kW
    return view.transpose(0, 4, 5, 1, 2, 3).reshape(groups, -1, pixels * n)


def _grad_rows(g: Any, win: SlidingWindows, groups: int) -> np.ndarray:
    """The output gradient (N, C_out, Ho, Wo) laid out as the columns are: (N, groups, C_out/groups, Ho*Wo)
    per image (a view), else (groups, C_out/groups, Ho*Wo*N)."""
    n, c_out = g.shape[:2]
    if per_image(win):
        return g.reshape(n, groups, c_out // groups, -1)
    return g.transpose(1, 2, 3, 0).reshape(groups, c_out // groups, -1)


def _images(rows: np.ndarray, win: SlidingWindows, n: int) -> np.ndarray:
    """Rows laid out as the columns are, C of them per pixel, seen as (N, C, Ho, Wo) images."""
    if per_image(win):
        return rows.reshape((n, -1) + win.out_size)
    return rows.reshape((-1,) + win.out_size + (n,)).transpose(3, 0, 1, 2)


class Conv2d(Function):
    """y = w * x + b: cross-correlation of the images x with the kernels w, as in PyTorch."""

    __slots__ = ("win", "groups", "shapes", "columns")

    @staticmethod
    def forward(ctx, x, w, b, win, groups):
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        n, c_out = x.shape[0], w.shape[0]
        columns = _columns(x, win, groups)
        if need_x or need_w or need_b:
            ctx.save_for_backward(x if need_w else None, w if need_x else None)
            ctx.win, ctx.groups, ctx.shapes = win, groups, (x.shape, w.shape)
            ctx.columns = columns if need_w and columns.nbytes <= KEEP_COLUMNS_BYTES else None
        products = _images(w.reshape(groups, c_out // groups, -1) @ columns, win, n)
        if per_image(win):  # a fresh NCHW array already
            if b is not None:
                products += b.reshape(c_out, 1, 1)
            return products
        out = np.empty((n, c_out) + win.out_size, dtype=products.dtype)
        if b is None:
            out[...] = products
        else:
            np.add(products, b.reshape(c_out, 1, 1), out=out)
        return out

    @staticmethod
    def jvp(ctx, tx, tw, tb, _win, _groups):  # dy = dw * x + w * dx + db
        x, w, _, win, groups = ctx.primals
        from_x = None if tx is None else Conv2d.call(tx, w, None, win, groups)
        from_w = None if tw is None else Conv2d.call(x, tw, None, win, groups)
        return total(from_x, from_w, None if tb is None else tb.reshape(-1, 1, 1))

    @staticmethod
    def backward(ctx, grad):  # dy = dw * x + w * dx + db
        x, w = ctx.saved_tensors
        need_x, need_w, need_b = ctx.needs_input_grad[:3]
        x_shape, w_shape = ctx.shapes
        gx = Conv2dInputGrad.call(grad, w, ctx.win, ctx.groups, x_shape) if need_x else None
        gw = Conv2dWeightGrad.call(x, grad, ctx.win, ctx.groups, w_shape, ctx.columns) if need_w else None
        gb = grad.sum(axis=(0, 2, 3)) if need_b else None
        return gx, gw, gb, None, None


class Conv2dInputGrad(Function):
    """dx = w^T * g, the transposed convolution: the gradient of conv2d with respect to its input.

    Linear in g and in w; its own gradients are a convolution and a weight gradient.
    """

    __slots__ = ("win", "groups", "x_shape", "w_shape")

    @staticmethod
    def forward(ctx, g, w, win, groups, x_shape):
        need_g, need_w = ctx.needs_input_grad[:2]
        if need_g or need_w:
            ctx.save_for_backward(g if need_w else None, w if need_g else None)
            ctx.win, ctx.groups, ctx.x_shape, ctx.w_shape = win, groups, x_shape, w.shape
        n, c = x_shape[:2]
        c_out, _, kh, kw = w.shape
        w_t = w.reshape(groups, c_out // groups, -1).transpose(0, 2, 1)  # (groups, C/groups*kH*kW, C_out/groups)
        window_grads = w_t @ _grad_rows(g, win, groups)
        # each window's gradient (N, C, kH, kW, Ho, Wo) and the image (N, C, H, W) they add into, seen so in
        # either layout: per image they are so in memory, batch-last they are views of (..., N) arrays
        if per_image(win):
            window_grads = window_grads.reshape((n, c, kh, kw) + win.out_size)
            image = np.zeros((n, c) + win.padded_size, dtype=window_grads.dtype)
        else:
            window_grads = window_grads.reshape((c, kh, kw) + win.out_size + (n,)).transpose(5, 0, 1, 2, 3, 4)
            image = np.zeros((c,) + win.padded_size + (n,), dtype=window_grads.dtype).transpose(3, 0, 1, 2)
        for i, j in win.positions:  # add each kernel position's slab back where it was read
            image[:, :, win.rows(i), win.cols(j)] += window_grads[:, :, i, j]
        return np.ascontiguousarray(image[(...,) + win.interior()])

    @staticmethod
    def jvp(ctx, tg, tw, *_):  # bilinear in g and w
        g, w, win, groups, x_shape = ctx.primals
        return total(
            None if tg is None else Conv2dInputGrad.call(tg, w, win, groups, x_shape),
            None if tw is None else Conv2dInputGrad.call(g, tw, win, groups, x_shape),
        )

    @staticmethod
    def backward(ctx, grad):  # d(w^T * g) = w * dgrad (conv), dw = grad x g
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
    def forward(ctx, x, g, win, groups, w_shape, columns=None):
        need_x, need_g = ctx.needs_input_grad[:2]
        if need_x or need_g:
            ctx.save_for_backward(x if need_g else None, g if need_x else None)
            ctx.win, ctx.groups, ctx.x_shape = win, groups, x.shape
        if columns is None:  # the forward's windows of x when it kept them (KEEP_COLUMNS_BYTES), else again
            columns = _columns(x, win, groups)
        # Speed trick, the weight gradient computed transposed: columns @ g^T, (C*kH*kW, C_out), then
        # transposed back. Both products contract the long Ho*Wo*N dimension, but OpenBLAS does this
        # one about twice as fast (LeNet's two layers: 1.06 -> 0.54 ms and 0.77 -> 0.44 ms).
        transposed = columns @ _grad_rows(g, win, groups).swapaxes(-1, -2)  # (groups, C/groups*kH*kW, C_out/groups)
        if per_image(win):  # one product per image: their sum
            transposed = transposed.sum(axis=0)
        return transposed.transpose(0, 2, 1).reshape(w_shape)

    @staticmethod
    def jvp(ctx, tx, tg, *_):  # bilinear in x and g
        x, g, win, groups, w_shape = ctx.primals[:5]
        return total(
            None if tx is None else Conv2dWeightGrad.call(tx, g, win, groups, w_shape),
            None if tg is None else Conv2dWeightGrad.call(x, tg, win, groups, w_shape, *ctx.primals[5:]),
        )

    @staticmethod
    def backward(ctx, grad):  # dx = g as transposed conv with grad, dg = grad * x
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad[:2]
        gx = Conv2dInputGrad.call(g, grad, ctx.win, ctx.groups, ctx.x_shape) if need_x else None
        gg = Conv2d.call(x, grad, None, ctx.win, ctx.groups) if need_g else None
        return gx, gg, None, None, None, None


def _as_tensor(x: Any) -> Tensor:
    """A Tensor, or an array made one."""
    return x if isinstance(x, Tensor) else Tensor._make(np.asarray(x))


@op(method=False)  # no Tensor method, as in PyTorch
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
    w = _as_tensor(weight)
    b = None if bias is None else _as_tensor(bias)
    x4, unbatched = image_batch(input, op)
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
        if t is not None and t.dtype != x4.dtype:
            raise DtypeError(f"{op}: input is {x4.dtype} but {name} is {t.dtype}; they must have the same dtype")
    stride_hw = int_pair(stride, "stride", op, 1)
    dilation_hw = int_pair(dilation, "dilation", op, 1)
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
        ph, pw = int_pair(padding, "padding", op, 0)
        pads = (ph, ph, pw, pw)
    win = windows_for(op, x4, kernel, stride_hw, pads, dilation_hw)
    out = Conv2d.apply(x4, w, b, win, groups)
    return out.reshape(tuple(out.shape[1:])) if unbatched else out
