"""conv2d, max_pool2d and avg_pool2d against references written with explicit loops in NumPy.

The references below loop over every output pixel and kernel position, so they
are slow but plainly right; they also give the gradients in closed form (each
output pixel's contribution, added back where it came from).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd.ops import conv2d as conv2d_module
from autograd.ops.pooling import WindowScatter
from autograd.ops.sliding_windows import SlidingWindows

# -- references -------------------------------------------------------------------------------


@dataclass
class ConvCase:
    x: np.ndarray
    w: np.ndarray
    b: np.ndarray
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    groups: int


def out_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def reference_conv2d(c: ConvCase, g: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """The convolution by loops; with an output gradient g, also (gx, gw, gb) accumulated in the same loops."""
    n_batch, c_in, height, width = c.x.shape
    c_out, c_group, kh, kw = c.w.shape
    (sh, sw), (ph, pw), (dh, dw) = c.stride, c.padding, c.dilation
    xp = np.pad(c.x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho, wo = out_size(height, kh, sh, ph, dh), out_size(width, kw, sw, pw, dw)
    out = np.zeros((n_batch, c_out, ho, wo))
    gxp, gw, gb = np.zeros_like(xp), np.zeros_like(c.w), np.zeros_like(c.b)
    out_per_group = c_out // c.groups
    for n in range(n_batch):
        for o in range(c_out):
            first_channel = (o // out_per_group) * c_group
            for r in range(ho):
                for q in range(wo):
                    total = c.b[o]
                    for k in range(c_group):
                        for i in range(kh):
                            for j in range(kw):
                                pixel = (n, first_channel + k, r * sh + i * dh, q * sw + j * dw)
                                total += xp[pixel] * c.w[o, k, i, j]
                                if g is not None:
                                    gxp[pixel] += g[n, o, r, q] * c.w[o, k, i, j]
                                    gw[o, k, i, j] += g[n, o, r, q] * xp[pixel]
                    out[n, o, r, q] = total
                    if g is not None:
                        gb[o] += g[n, o, r, q]
    if g is None:
        return (out,)
    return out, gxp[:, :, ph : ph + height, pw : pw + width], gw, gb


def reference_pool(
    x: np.ndarray, kernel: tuple[int, int], stride: tuple[int, int], padding: tuple[int, int], kind: str, g: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Max or average pooling by loops, and the input gradient for the output gradient g.

    Max: the gradient goes to the first maximum of the window in row-major order.
    Average: every pixel of the window gets g / (kH * kW), padding counted.
    """
    n_batch, channels, height, width = x.shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf if kind == "max" else 0.0)
    ho, wo = out_size(height, kh, sh, ph, 1), out_size(width, kw, sw, pw, 1)
    out = np.zeros((n_batch, channels, ho, wo))
    gxp = np.zeros_like(xp)
    for n in range(n_batch):
        for ch in range(channels):
            for r in range(ho):
                for q in range(wo):
                    best, where, total = -np.inf, None, 0.0
                    for i in range(kh):
                        for j in range(kw):
                            pixel = (n, ch, r * sh + i, q * sw + j)
                            total += xp[pixel]
                            if where is None or xp[pixel] > best:
                                best, where = xp[pixel], pixel
                            if kind == "avg":
                                gxp[pixel] += g[n, ch, r, q] / (kh * kw)
                    out[n, ch, r, q] = best if kind == "max" else total / (kh * kw)
                    if kind == "max":
                        gxp[where] += g[n, ch, r, q]
    return out, gxp[:, :, ph : ph + height, pw : pw + width]


# -- strategies -------------------------------------------------------------------------------


@st.composite
def conv_cases(draw: st.DrawFn) -> ConvCase:
    """Batch 1-2, 1-3 input channels split into groups, kernels 1-3, stride 1-2, padding 0-2, dilation 1-2."""
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    c_in = groups * draw(st.integers(1, max(1, 3 // groups)))
    c_out = groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    height = draw(st.integers(max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0]), 6))
    width = draw(st.integers(max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]), 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_batch = draw(st.integers(1, 2))
    return ConvCase(
        rng.standard_normal((n_batch, c_in, height, width)),
        rng.standard_normal((c_out, c_in // groups, kh, kw)),
        rng.standard_normal(c_out),
        stride,
        padding,
        dilation,
        groups,
    )


@st.composite
def pool_cases(draw: st.DrawFn) -> tuple[np.ndarray, tuple[int, int], tuple[int, int] | None, tuple[int, int]]:
    """(x, kernel, stride or None, padding) with padding at most half the kernel, as PyTorch requires."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.none() | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    height = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), 6))
    width = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), 6))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), height, width)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # distinct values at least 1 apart: no ties, and finite differences never cross a kink
    x = rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64) * rng.choice([-1.0, 1.0])
    return x, kernel, stride, padding


def leaf(a: np.ndarray) -> autograd.Tensor:
    return autograd.tensor(a, requires_grad=True)


def run_conv(c: ConvCase, x: autograd.Tensor, w: autograd.Tensor, b: autograd.Tensor | None) -> autograd.Tensor:
    return autograd.conv2d(x, w, b, c.stride, c.padding, c.dilation, c.groups)


# -- conv2d -----------------------------------------------------------------------------------


@given(conv_cases())
def test_conv2d_forward_matches_loop_reference(c: ConvCase) -> None:
    y = run_conv(c, autograd.tensor(c.x), autograd.tensor(c.w), autograd.tensor(c.b))
    np.testing.assert_allclose(y.numpy(), reference_conv2d(c)[0], rtol=1e-10, atol=1e-10)


@given(conv_cases())
def test_conv2d_gradients_match_loop_reference(c: ConvCase) -> None:
    x, w, b = leaf(c.x), leaf(c.w), leaf(c.b)
    y = run_conv(c, x, w, b)
    g = np.random.default_rng(1).standard_normal(y.shape)
    y.backward(autograd.tensor(g))
    _, gx, gw, gb = reference_conv2d(c, g)
    np.testing.assert_allclose(x.grad.numpy(), gx, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(w.grad.numpy(), gw, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), gb, rtol=1e-10, atol=1e-10)


@given(conv_cases())
def test_conv2d_gradients_match_finite_differences(c: ConvCase) -> None:
    assert autograd.gradcheck(lambda x, w, b: run_conv(c, x, w, b), [leaf(c.x), leaf(c.w), leaf(c.b)])


@settings(max_examples=10)
@given(conv_cases())
def test_conv2d_second_derivatives_match_finite_differences(c: ConvCase) -> None:
    assert autograd.gradgradcheck(lambda x, w, b: run_conv(c, x, w, b), [leaf(c.x), leaf(c.w), leaf(c.b)])


@contextmanager
def columns_layout(per_image: bool) -> Iterator[None]:
    """Every conv2d layer takes its im2col columns one matrix per image (or one for the batch), whatever its width."""
    chosen = conv2d_module.PER_IMAGE_FROM_WIDTH
    conv2d_module.PER_IMAGE_FROM_WIDTH = 0 if per_image else 1 << 30
    try:
        yield
    finally:
        conv2d_module.PER_IMAGE_FROM_WIDTH = chosen


@pytest.mark.parametrize("per_image", [True, False])
@settings(max_examples=40)
@given(c=conv_cases())
def test_conv2d_and_its_gradients_match_the_reference_in_either_columns_layout(c: ConvCase, per_image: bool) -> None:
    x, w, b = leaf(c.x), leaf(c.w), leaf(c.b)
    with columns_layout(per_image):
        y = run_conv(c, x, w, b)
        g = np.random.default_rng(1).standard_normal(y.shape)
        y.backward(autograd.tensor(g))
    expected_y, gx, gw, gb = reference_conv2d(c, g)
    np.testing.assert_allclose(y.detach().numpy(), expected_y, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(x.grad.numpy(), gx, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(w.grad.numpy(), gw, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(b.grad.numpy(), gb, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("per_image", [True, False])
@settings(max_examples=5)
@given(c=conv_cases())
def test_conv2d_second_derivatives_match_finite_differences_in_either_columns_layout(
    c: ConvCase, per_image: bool
) -> None:
    with columns_layout(per_image):
        assert autograd.gradgradcheck(lambda x, w, b: run_conv(c, x, w, b), [leaf(c.x), leaf(c.w), leaf(c.b)])


def test_conv2d_takes_wide_layers_per_image_and_narrow_ones_as_one_matrix() -> None:
    wide = SlidingWindows((32, 32), (5, 5), (1, 1), (0,) * 4)  # 28 wide: LeNet's first convolution
    narrow = SlidingWindows((14, 14), (5, 5), (1, 1), (0,) * 4)  # 10 wide: its second
    assert conv2d_module.per_image(wide) and not conv2d_module.per_image(narrow)


def test_conv2d_third_derivative_matches_finite_differences() -> None:
    """Third derivatives of sum(conv2d(x, w) ** 2): conv2d and its two gradients are each other's backward."""
    rng = np.random.default_rng(2)
    c = ConvCase(
        rng.standard_normal((1, 2, 4, 4)), rng.standard_normal((2, 2, 2, 2)), np.zeros(2), (2, 1), (1, 0), (1, 2), 1
    )

    def input_gradient(x: autograd.Tensor, w: autograd.Tensor) -> autograd.Tensor:
        y = run_conv(c, x, w, None)
        (gx,) = autograd.grad((y * y).sum(), [x], create_graph=True)
        return gx

    assert autograd.gradgradcheck(input_gradient, [leaf(c.x), leaf(c.w)])


def test_conv2d_without_bias_matches_zero_bias() -> None:
    c = ConvCase(
        *[np.random.default_rng(4).standard_normal(s) for s in [(2, 3, 5, 5), (4, 3, 3, 3), (4,)]],
        (1, 1),
        (1, 1),
        (1, 1),
        1,
    )
    c.b = np.zeros(4)
    y = run_conv(c, autograd.tensor(c.x), autograd.tensor(c.w), None)
    np.testing.assert_allclose(y.numpy(), reference_conv2d(c)[0], rtol=1e-10, atol=1e-10)


def test_conv2d_unbatched_input_gives_unbatched_output_of_the_batch_of_one() -> None:
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 6, 5)), rng.standard_normal((3, 2, 3, 3))
    y = autograd.conv2d(autograd.tensor(x), autograd.tensor(w), padding=1)
    batched = autograd.conv2d(autograd.tensor(x[None]), autograd.tensor(w), padding=1)
    assert y.shape == (3, 6, 5)
    np.testing.assert_array_equal(y.numpy(), batched.numpy()[0])


@pytest.mark.parametrize("kernel", [(3, 3), (2, 4), (4, 1)])
def test_conv2d_padding_same_keeps_size_and_pads_the_extra_at_the_end(kernel: tuple[int, int]) -> None:
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((1, 2, 5, 6)), rng.standard_normal((3, 2) + kernel)
    y = autograd.conv2d(autograd.tensor(x), autograd.tensor(w), padding="same")
    top, left = (kernel[0] - 1) // 2, (kernel[1] - 1) // 2
    padded = np.pad(x, ((0, 0), (0, 0), (top, kernel[0] - 1 - top), (left, kernel[1] - 1 - left)))
    expected = reference_conv2d(ConvCase(padded, w, np.zeros(3), (1, 1), (0, 0), (1, 1), 1))[0]
    assert y.shape == (1, 3, 5, 6)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-10, atol=1e-10)


def test_conv2d_padding_valid_is_no_padding() -> None:
    rng = np.random.default_rng(7)
    x, w = autograd.tensor(rng.standard_normal((1, 1, 5, 5))), autograd.tensor(rng.standard_normal((1, 1, 3, 3)))
    np.testing.assert_array_equal(autograd.conv2d(x, w, padding="valid").numpy(), autograd.conv2d(x, w).numpy())


def test_conv2d_keeps_float32() -> None:
    x, w = autograd.randn(2, 1, 8, 8), autograd.randn(6, 1, 5, 5, requires_grad=True)
    y = autograd.conv2d(x, w, autograd.zeros(6))
    y.sum().backward()
    assert y.dtype == np.float32 and w.grad.dtype == np.float32


def test_conv2d_on_a_non_contiguous_input_matches_its_copy() -> None:
    rng = np.random.default_rng(8)
    base = rng.standard_normal((5, 6, 2, 3))
    w = autograd.tensor(rng.standard_normal((2, 2, 2, 2)))
    y = autograd.conv2d(autograd.tensor(base).permute(3, 2, 0, 1), w, stride=2)
    copied = autograd.conv2d(autograd.tensor(np.ascontiguousarray(base.transpose(3, 2, 0, 1))), w, stride=2)
    np.testing.assert_allclose(y.numpy(), copied.numpy(), rtol=1e-12)


def test_conv2d_gradient_through_the_graph_reaches_the_input_of_a_reshape() -> None:
    """The unbatched path goes through reshape; its gradient still reaches the (C, H, W) leaf."""
    rng = np.random.default_rng(9)
    x, w = leaf(rng.standard_normal((1, 4, 4))), leaf(rng.standard_normal((1, 1, 2, 2)))
    autograd.conv2d(x, w).sum().backward()
    expected = np.zeros((4, 4))
    for i in range(2):
        for j in range(2):
            expected[i : i + 3, j : j + 3] += w.detach().numpy()[0, 0, i, j]
    np.testing.assert_allclose(x.grad.numpy()[0], expected, rtol=1e-12)


# -- pooling ----------------------------------------------------------------------------------


def reference_conv_transpose2d(x, w, stride, padding, output_padding, groups, dilation) -> np.ndarray:
    """Each input pixel adds its kernel, scaled, at stride * position - padding: the definition, as loops."""
    n, c_in, h, wd = x.shape
    c_out_g, kh, kw = w.shape[1:]
    size = [
        (m - 1) * s - 2 * p + d * (k - 1) + e + 1
        for m, s, p, d, k, e in zip((h, wd), stride, padding, dilation, (kh, kw), output_padding)
    ]
    full = np.zeros(
        (n, c_out_g * groups, size[0] + 2 * padding[0] + kh * dilation[0], size[1] + 2 * padding[1] + kw * dilation[1])
    )
    for c in range(c_in):
        group = c // (c_in // groups)
        for o in range(c_out_g):
            for i in range(h):
                for j in range(wd):
                    for a in range(kh):
                        for b in range(kw):
                            r, q = i * stride[0] + a * dilation[0], j * stride[1] + b * dilation[1]
                            full[:, group * c_out_g + o, r, q] += x[:, c, i, j] * w[c, o, a, b]
    return full[:, :, padding[0] : padding[0] + size[0], padding[1] : padding[1] + size[1]]


@settings(max_examples=25)
@given(
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    groups=st.sampled_from([1, 2]),
    kernel=st.integers(1, 3),
    extra=st.integers(0, 2),
    seed=st.integers(0, 99),
)
def test_conv_transpose2d_matches_the_loop_reference_and_checks(
    stride, padding, dilation, groups, kernel, extra, seed
) -> None:
    extra = min(extra, max(stride, dilation) - 1)
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(2, 2, 3, 4)), rng.normal(size=(2, 4 // groups, kernel, kernel)), rng.normal(size=4)
    args = ((stride, stride), (padding, padding), (extra, extra), groups, (dilation, dilation))
    expected = reference_conv_transpose2d(x, w, *args) + b.reshape(1, -1, 1, 1)
    assume(min(expected.shape[2:]) >= 1)  # (sizes below 1 are refused: the next test)
    out = autograd.conv_transpose2d(
        autograd.tensor(x), autograd.tensor(w), autograd.tensor(b), stride, padding, extra, groups, dilation
    )
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-12)

    def fn(x_, w_, b_):
        return autograd.conv_transpose2d(x_, w_, b_, stride, padding, extra, groups, dilation)

    assert autograd.gradcheck(fn, [leaf(x), leaf(w), leaf(b)])


def test_conv_transpose2d_refuses_an_output_smaller_than_one_pixel() -> None:
    with pytest.raises(autograd.ShapeError, match="conv_transpose2d: the output would be"):
        autograd.conv_transpose2d(autograd.randn(1, 2, 1, 1), autograd.randn(2, 1, 1, 1), padding=1)


def test_conv_transpose2d_refuses_an_output_padding_as_large_as_stride_and_dilation() -> None:
    with pytest.raises(ValueError, match="output_padding .* must be smaller"):
        autograd.conv_transpose2d(autograd.randn(1, 2, 3, 3), autograd.randn(2, 1, 3, 3), stride=2, output_padding=2)


@given(pool_cases())
def test_max_pool2d_forward_and_gradient_match_loop_reference(case: tuple) -> None:
    x, kernel, stride, padding = case
    t = leaf(x)
    y = autograd.max_pool2d(t, kernel, stride, padding)
    g = np.random.default_rng(10).standard_normal(y.shape)
    y.backward(autograd.tensor(g))
    out, gx = reference_pool(x, kernel, stride or kernel, padding, "max", g)
    np.testing.assert_array_equal(y.detach().numpy(), out)
    np.testing.assert_allclose(t.grad.numpy(), gx, rtol=1e-12, atol=1e-12)


@given(pool_cases(), st.integers(0, 2**32 - 1))
def test_max_pool2d_gradient_goes_to_the_first_maximum_when_windows_tie(case: tuple, seed: int) -> None:
    _, kernel, stride, padding = case
    x = np.random.default_rng(seed).integers(0, 3, size=case[0].shape).astype(np.float64)  # many ties
    t = leaf(x)
    y = autograd.max_pool2d(t, kernel, stride, padding)
    g = np.random.default_rng(seed + 1).standard_normal(y.shape)
    y.backward(autograd.tensor(g))
    np.testing.assert_allclose(t.grad.numpy(), reference_pool(x, kernel, stride or kernel, padding, "max", g)[1])


def test_max_pool2d_sends_each_window_gradient_to_exactly_one_pixel() -> None:
    t = leaf(np.zeros((1, 1, 4, 4)))  # every window is a four-way tie
    autograd.max_pool2d(t, 2).sum().backward()
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0
    np.testing.assert_array_equal(t.grad.numpy()[0, 0], expected)


def test_max_pool2d_propagates_nan_and_sends_its_gradient_to_the_nan() -> None:
    x = np.array([[[[1.0, np.nan], [3.0, 2.0]]]])
    t = leaf(x)
    y = autograd.max_pool2d(t, 2)
    y.sum().backward()
    assert np.isnan(y.item())
    np.testing.assert_array_equal(t.grad.numpy()[0, 0], [[0.0, 1.0], [0.0, 0.0]])


@given(pool_cases())
def test_max_pool2d_gradients_match_finite_differences(case: tuple) -> None:
    x, kernel, stride, padding = case
    assert autograd.gradcheck(lambda t: autograd.max_pool2d(t, kernel, stride, padding), [leaf(x)])


@settings(max_examples=10)
@given(pool_cases())
def test_max_pool2d_second_derivatives_match_finite_differences(case: tuple) -> None:
    x, kernel, stride, padding = case
    assert autograd.gradgradcheck(lambda t: autograd.max_pool2d(t, kernel, stride, padding), [leaf(x)])


def test_max_pool2d_output_changed_in_place_keeps_the_backward_working() -> None:
    """The winners are found in forward, so `relu_` or `mul_` on the output afterwards is harmless."""
    t = leaf(np.arange(16.0).reshape(1, 1, 4, 4))
    y = autograd.max_pool2d(t, 2)
    y.mul_(3.0)
    y.sum().backward()
    expected = np.zeros((4, 4))
    expected[1::2, 1::2] = 3.0
    np.testing.assert_array_equal(t.grad.numpy()[0, 0], expected)


@given(pool_cases())
def test_avg_pool2d_forward_and_gradient_match_loop_reference(case: tuple) -> None:
    x, kernel, stride, padding = case
    t = leaf(x)
    y = autograd.avg_pool2d(t, kernel, stride, padding)
    g = np.random.default_rng(11).standard_normal(y.shape)
    y.backward(autograd.tensor(g))
    out, gx = reference_pool(x, kernel, stride or kernel, padding, "avg", g)
    np.testing.assert_allclose(y.detach().numpy(), out, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(t.grad.numpy(), gx, rtol=1e-12, atol=1e-12)


def test_avg_pool2d_gradient_is_one_over_kernel_area_spread_over_each_window() -> None:
    t = leaf(np.random.default_rng(12).standard_normal((2, 3, 6, 6)))
    autograd.avg_pool2d(t, 3).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), np.full((2, 3, 6, 6), 1 / 9))


def test_avg_pool2d_counts_padding_in_the_divisor() -> None:
    y = autograd.avg_pool2d(autograd.ones(1, 1, 2, 2), 2, stride=2, padding=1)
    np.testing.assert_allclose(y.numpy()[0, 0], np.full((2, 2), 0.25))


def reference_avg_pool_options(x, k, s, p, ceil_mode, count_include_pad) -> np.ndarray:
    """PyTorch's rule as loops: windows start inside the padded input; the divisor counts what it covers."""
    n_out = []
    for size in x.shape[2:]:
        span = size + 2 * p - k
        n = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (n - 1) * s >= size + p:
            n -= 1
        n_out.append(n)
    out = np.zeros(x.shape[:2] + tuple(n_out))
    for i in range(n_out[0]):
        for j in range(n_out[1]):
            r0, c0 = i * s - p, j * s - p
            r1, c1 = min(r0 + k, x.shape[2] + p), min(c0 + k, x.shape[3] + p)
            divisor = (r1 - r0) * (c1 - c0)
            rows, cols = slice(max(r0, 0), min(r1, x.shape[2])), slice(max(c0, 0), min(c1, x.shape[3]))
            if not count_include_pad:
                divisor = (rows.stop - rows.start) * (cols.stop - cols.start)
            out[:, :, i, j] = x[:, :, rows, cols].sum(axis=(2, 3)) / divisor
    return out


@settings(max_examples=30)
@given(
    size=st.tuples(st.integers(3, 8), st.integers(3, 8)),
    k=st.integers(2, 3),
    s=st.integers(1, 3),
    p=st.integers(0, 1),
    ceil_mode=st.booleans(),
    count_include_pad=st.booleans(),
)
def test_avg_pool2d_ceil_mode_and_count_include_pad_match_pytorchs_rule(
    size, k, s, p, ceil_mode, count_include_pad
) -> None:
    x = np.random.default_rng(size[0] * 10 + size[1]).normal(size=(2, 2) + size)
    out = autograd.avg_pool2d(autograd.tensor(x), k, s, p, ceil_mode, count_include_pad)
    np.testing.assert_allclose(
        out.numpy(), reference_avg_pool_options(x, k, s, p, ceil_mode, count_include_pad), atol=1e-12
    )
    assert autograd.gradcheck(lambda t: autograd.avg_pool2d(t, k, s, p, ceil_mode, count_include_pad), [leaf(x)])


def test_avg_pool2d_divisor_override_replaces_every_divisor() -> None:
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    out = nn.AvgPool2d(2, divisor_override=3)(autograd.tensor(x)).numpy()
    np.testing.assert_allclose(out[0, 0], x[0, 0].reshape(2, 2, 2, 2).sum(axis=(1, 3)) / 3)


@given(pool_cases())
def test_avg_pool2d_gradients_match_finite_differences(case: tuple) -> None:
    x, kernel, stride, padding = case
    assert autograd.gradcheck(lambda t: autograd.avg_pool2d(t, kernel, stride, padding), [leaf(x)])


@settings(max_examples=10)
@given(pool_cases())
def test_avg_pool2d_second_derivatives_match_finite_differences(case: tuple) -> None:
    x, kernel, stride, padding = case
    assert autograd.gradgradcheck(lambda t: autograd.avg_pool2d(t, kernel, stride, padding), [leaf(x)])


@pytest.mark.parametrize("masked", [True, False])
def test_pooling_scatter_is_differentiable_twice(masked: bool) -> None:
    """The max-pool gradient's scatter and its adjoint gather are each other's backward."""
    rng = np.random.default_rng(13)
    win = SlidingWindows((5, 5), (3, 3), (2, 2), (1, 1, 1, 1))
    masks = rng.random((9, 1, 2, 3, 3)) < 0.5 if masked else None
    g = leaf(rng.standard_normal((1, 2, 3, 3)))
    assert autograd.gradgradcheck(lambda t: WindowScatter.apply(t, masks, win) ** 2, [g])


@pytest.mark.parametrize("pool", [autograd.max_pool2d, autograd.avg_pool2d])
def test_pooling_unbatched_input_and_int_kernel_match_the_pair_form(pool) -> None:  # type: ignore[no-untyped-def]
    x = np.random.default_rng(14).standard_normal((3, 6, 4))
    y = pool(autograd.tensor(x), 2)
    assert y.shape == (3, 3, 2)
    np.testing.assert_array_equal(y.numpy(), pool(autograd.tensor(x[None]), (2, 2)).numpy()[0])


# -- errors -----------------------------------------------------------------------------------


def test_conv2d_channel_mismatch_names_both_counts_and_the_weight_shape() -> None:
    message = "conv2d: input has 3 channels but weight expects 1 (weight shape (6, 1, 5, 5))"
    with pytest.raises(ValueError, match=re.escape(message)):
        autograd.conv2d(autograd.randn(2, 3, 32, 32), autograd.randn(6, 1, 5, 5))


@pytest.mark.parametrize("shape", [(32, 32), (1, 1, 1, 32, 32)])
def test_conv2d_wrong_input_ndim_is_an_error(shape: tuple[int, ...]) -> None:
    with pytest.raises(
        ValueError, match=re.escape(f"conv2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape {shape}")
    ):
        autograd.conv2d(autograd.randn(*shape), autograd.randn(6, 1, 5, 5))


def test_conv2d_wrong_weight_ndim_is_an_error() -> None:
    with pytest.raises(
        ValueError, match=re.escape("conv2d: expected a 4-D weight (C_out, C_in/groups, kH, kW), got shape (6, 5, 5)")
    ):
        autograd.conv2d(autograd.randn(1, 1, 8, 8), autograd.randn(6, 5, 5))


def test_conv2d_kernel_larger_than_padded_input_is_an_error() -> None:
    with pytest.raises(
        ValueError,
        match=r"conv2d: the kernel \(5, 5\).*larger than the padded input \(4, 4\).*\(1, 1, 2, 2\).*padding \(1, 1\)",
    ):
        autograd.conv2d(autograd.randn(1, 1, 2, 2), autograd.randn(1, 1, 5, 5), padding=1)


def test_conv2d_dilated_kernel_larger_than_input_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"spanning \(5, 5\) with dilation \(2, 2\)"):
        autograd.conv2d(autograd.randn(1, 1, 4, 4), autograd.randn(1, 1, 3, 3), dilation=2)


def test_conv2d_groups_not_dividing_input_channels_is_an_error() -> None:
    with pytest.raises(
        ValueError, match=re.escape("conv2d: input has 3 channels but weight expects 2 (1 per group, groups=2)")
    ):
        autograd.conv2d(autograd.randn(1, 3, 4, 4), autograd.randn(2, 1, 3, 3), groups=2)


def test_conv2d_groups_not_dividing_output_channels_is_an_error() -> None:
    with pytest.raises(ValueError, match=re.escape("conv2d: groups=2 does not divide the 3 output channels")):
        autograd.conv2d(autograd.randn(1, 4, 4, 4), autograd.randn(3, 2, 3, 3), groups=2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"bias": autograd.zeros(5)},
            ValueError,
            "conv2d: bias must have shape (6,) for weight shape (6, 1, 3, 3), got (5,)",
        ),
        ({"stride": 0}, ValueError, "conv2d: stride must be at least 1, got 0"),
        ({"stride": (1, 2, 3)}, TypeError, "conv2d: stride must be an int or a pair of ints, got (1, 2, 3)"),
        ({"padding": -1}, ValueError, "conv2d: padding must be at least 0, got -1"),
        ({"padding": "full"}, ValueError, "conv2d: padding must be an int, a pair, 'valid' or 'same', got 'full'"),
        ({"padding": "same", "stride": 2}, ValueError, "conv2d: padding='same' needs stride 1, got stride 2"),
        ({"dilation": 0}, ValueError, "conv2d: dilation must be at least 1, got 0"),
        ({"groups": 0}, ValueError, "conv2d: groups must be a positive int, got 0"),
        (
            {"bias": autograd.zeros(6, dtype=autograd.float64)},
            TypeError,
            "conv2d: input is autograd.float32 but bias is autograd.float64",
        ),
    ],
)
def test_conv2d_bad_arguments_are_named_in_the_error(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        autograd.conv2d(autograd.randn(1, 1, 8, 8), autograd.randn(6, 1, 3, 3), **kwargs)


def test_conv2d_integer_input_is_an_error() -> None:
    with pytest.raises(TypeError, match="conv2d: expected a floating-point input, got autograd.int64"):
        autograd.conv2d(autograd.tensor(np.ones((1, 1, 4, 4), dtype=np.int64)), autograd.randn(1, 1, 3, 3))


@pytest.mark.parametrize("pool", [autograd.max_pool2d, autograd.avg_pool2d])
def test_pooling_padding_more_than_half_the_kernel_is_an_error(pool) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        ValueError, match=re.escape(f"{pool.__name__}: padding 2 must be at most half the kernel size (3, 3)")
    ):
        pool(autograd.randn(1, 1, 8, 8), 3, padding=2)


@pytest.mark.parametrize("pool", [autograd.max_pool2d, autograd.avg_pool2d])
def test_pooling_kernel_larger_than_input_is_an_error(pool) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        ValueError, match=rf"{pool.__name__}: the kernel \(3, 3\).*larger than the padded input \(2, 2\)"
    ):
        pool(autograd.randn(1, 1, 2, 2), 3)


@pytest.mark.parametrize("pool", [autograd.max_pool2d, autograd.avg_pool2d])
def test_pooling_wrong_input_ndim_is_an_error(pool) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        ValueError,
        match=re.escape(f"{pool.__name__}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape (8, 8)"),
    ):
        pool(autograd.randn(8, 8), 2)


def test_pooling_bad_kernel_size_is_an_error() -> None:
    with pytest.raises(TypeError, match=re.escape("max_pool2d: kernel_size must be an int or a pair of ints, got 2.5")):
        autograd.max_pool2d(autograd.randn(1, 1, 8, 8), 2.5)  # type: ignore[arg-type]


def test_the_weight_gradient_from_kept_columns_equals_the_one_from_recomputed_windows(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from autograd.ops import conv2d as conv_module

    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(2, 3, 6, 5)), rng.normal(size=(4, 3, 3, 3))
    grads = []
    for limit in (conv_module.KEEP_COLUMNS_BYTES, 0):  # kept, then recomputed
        monkeypatch.setattr(conv_module, "KEEP_COLUMNS_BYTES", limit)
        weight = leaf(w)
        autograd.conv2d(autograd.tensor(x), weight, padding=1, stride=(1, 2)).sum().backward()
        grads.append(weight.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
