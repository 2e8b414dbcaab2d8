"""Layers: Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, Dropout, Identity, against NumPy written here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
import nn.functional as F  # noqa: N812 - the name PyTorch code uses
from autograd import Tensor


def array(t: Tensor) -> np.ndarray:
    return t.detach().numpy()


def conv2d_reference(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, stride: int, padding: int) -> np.ndarray:
    """Cross-correlation by loops over output positions: out[n, o, i, j] = sum w[o] * window + b[o]."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n, o, ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", window, w)
    return out if b is None else out + b[None, :, None, None]


def pool_reference(x: np.ndarray, k: int, stride: int, reduce: str) -> np.ndarray:
    n, c, h, w = x.shape
    ho, wo = (h - k) // stride + 1, (w - k) // stride + 1
    out = np.zeros((n, c, ho, wo))
    for i in range(ho):
        for j in range(wo):
            window = x[:, :, i * stride : i * stride + k, j * stride : j * stride + k]
            out[:, :, i, j] = window.max(axis=(2, 3)) if reduce == "max" else window.mean(axis=(2, 3))
    return out


# -- Linear ----------------------------------------------------------------------------------------


def test_linear_weight_is_out_by_in_and_bias_out() -> None:
    layer = nn.Linear(2, 3)
    assert layer.weight.shape == (3, 2) and layer.bias.shape == (3,)
    assert isinstance(layer.weight, nn.Parameter) and layer.weight.dtype == np.float32


def test_linear_without_bias_has_no_bias_parameter() -> None:
    layer = nn.Linear(2, 3, bias=False)
    assert layer.bias is None
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    x = autograd.randn(4, 2)
    np.testing.assert_allclose(array(layer(x)), x.numpy() @ array(layer.weight).T, rtol=1e-6)


def test_linear_with_a_frozen_weight_trains_its_bias_alone() -> None:
    """Only the bias requires grad (the weight frozen, the input data): the bias gets the column sums."""
    layer = nn.Linear(3, 2)
    layer.weight.requires_grad_(False)
    x = autograd.randn(4, 3)
    (layer(x) * autograd.tensor([1.0, 2.0])).sum().backward()
    assert layer.weight.grad is None
    np.testing.assert_allclose(array(layer.bias.grad), [4.0, 8.0])


def test_linear_forward_is_x_times_w_transposed_plus_b() -> None:
    layer = nn.Linear(5, 4)
    x = autograd.randn(7, 5)
    expected = x.numpy() @ array(layer.weight).T + array(layer.bias)
    np.testing.assert_allclose(array(layer(x)), expected, rtol=1e-5, atol=1e-6)


def test_linear_accepts_a_single_sample_and_extra_leading_dimensions() -> None:
    layer = nn.Linear(3, 2).double()
    w, b = array(layer.weight), array(layer.bias)
    v = autograd.randn(3, dtype=autograd.float64)
    np.testing.assert_allclose(array(layer(v)), w @ v.numpy() + b)
    batch = autograd.randn(2, 4, 3, dtype=autograd.float64)
    np.testing.assert_allclose(array(layer(batch)), batch.numpy() @ w.T + b)


def test_linear_gradients_are_the_closed_form_ones() -> None:
    layer = nn.Linear(3, 2).double()
    x = autograd.randn(4, 3, dtype=autograd.float64, requires_grad=True)
    g = np.random.default_rng(1).standard_normal((4, 2))
    layer(x).backward(autograd.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), g @ array(layer.weight))
    np.testing.assert_allclose(layer.weight.grad.numpy(), g.T @ x.detach().numpy())
    np.testing.assert_allclose(layer.bias.grad.numpy(), g.sum(axis=0))


@given(
    batch_shape=st.sampled_from([(), (3,), (2, 2)]),
    sizes=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    bias=st.booleans(),
)
def test_linear_passes_gradcheck_and_gradgradcheck(
    batch_shape: tuple[int, ...], sizes: tuple[int, int], bias: bool
) -> None:
    n_in, n_out = sizes
    x = autograd.randn(*batch_shape, n_in, dtype=autograd.float64, requires_grad=True)
    w = autograd.randn(n_out, n_in, dtype=autograd.float64, requires_grad=True)
    b = autograd.randn(n_out, dtype=autograd.float64, requires_grad=True) if bias else None
    inputs = (x, w, b) if bias else (x, w)
    assert autograd.gradcheck(lambda *a: F.linear(*a), inputs)
    assert autograd.gradgradcheck(lambda *a: F.linear(*a), inputs)


def test_linear_is_one_graph_node_connected_to_its_parameters() -> None:
    layer = nn.Linear(3, 2)
    out = layer(autograd.randn(4, 3))
    node = out.grad_fn
    assert node.name() == "LinearBackward"
    leaves = [fn.variable for fn, _ in node.next_functions if fn is not None]
    assert leaves[0] is layer.weight and leaves[1] is layer.bias


def test_linear_with_the_wrong_input_size_names_both_shapes() -> None:
    with pytest.raises(autograd.ShapeError, match=r"input of shape \(4, 5\) does not fit weight of shape \(2, 3\)"):
        nn.Linear(3, 2)(autograd.randn(4, 5))


def test_linear_rejects_non_positive_sizes() -> None:
    with pytest.raises(ValueError, match="in_features must be a positive int"):
        nn.Linear(0, 3)


def test_linear_default_init_is_uniform_within_one_over_sqrt_fan_in() -> None:
    layer = nn.Linear(100, 400)
    bound = 1 / math.sqrt(100)
    for p in (array(layer.weight), array(layer.bias)):
        assert np.abs(p).max() <= bound
        assert np.abs(p).max() > 0.95 * bound
    w = array(layer.weight)
    assert abs(w.mean()) < 0.02 * bound and abs(w.var() - bound**2 / 3) < 0.05 * bound**2 / 3


def test_linear_init_is_reproducible_with_manual_seed() -> None:
    autograd.manual_seed(42)
    first = array(nn.Linear(3, 3).weight).copy()
    autograd.manual_seed(42)
    np.testing.assert_array_equal(array(nn.Linear(3, 3).weight), first)


def test_linear_repr() -> None:
    assert repr(nn.Linear(2, 3, bias=False)) == "Linear(in_features=2, out_features=3, bias=False)"


# -- Conv2d and pooling ----------------------------------------------------------------------------


def test_conv2d_parameters_have_pytorch_shapes() -> None:
    conv = nn.Conv2d(1, 6, 5)
    assert conv.weight.shape == (6, 1, 5, 5) and conv.bias.shape == (6,)
    grouped = nn.Conv2d(4, 6, (3, 2), groups=2, bias=False)
    assert grouped.weight.shape == (6, 2, 3, 2) and grouped.bias is None


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 1), (1, 2)])
def test_conv2d_forward_matches_a_loop_reference(stride: int, padding: int) -> None:
    conv = nn.Conv2d(2, 3, 3, stride=stride, padding=padding).double()
    x = autograd.randn(2, 2, 7, 6, dtype=autograd.float64)
    expected = conv2d_reference(x.numpy(), array(conv.weight), array(conv.bias), stride, padding)
    np.testing.assert_allclose(array(conv(x)), expected, rtol=1e-10, atol=1e-12)


def test_conv2d_gradients_pass_gradcheck() -> None:
    conv = nn.Conv2d(2, 2, 2, stride=1, padding=1).double()
    x = autograd.randn(1, 2, 3, 3, dtype=autograd.float64, requires_grad=True)
    assert autograd.gradcheck(lambda a, w, b: F.conv2d(a, w, b, 1, 1), (x, conv.weight, conv.bias))


def test_conv2d_default_init_is_uniform_within_one_over_sqrt_fan_in() -> None:
    conv = nn.Conv2d(3, 64, 3)
    bound = 1 / math.sqrt(3 * 3 * 3)
    w = array(conv.weight)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.95 * bound
    assert np.abs(array(conv.bias)).max() <= bound


def test_conv2d_repr_shows_the_options_that_differ_from_the_defaults() -> None:
    assert repr(nn.Conv2d(1, 6, 5)) == "Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"
    assert repr(nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=2, bias=False)) == (
        "Conv2d(4, 8, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), groups=2, bias=False)"
    )


def test_conv2d_rejects_channels_not_divisible_by_groups() -> None:
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 6, 3, groups=2)


def test_conv2d_with_the_wrong_number_of_input_channels_is_a_clear_error() -> None:
    with pytest.raises(autograd.ShapeError, match="input has 3 channels but weight expects 1"):
        nn.Conv2d(1, 6, 5)(autograd.randn(1, 3, 32, 32))


def test_max_pool2d_module_and_function_match_a_reference() -> None:
    x = autograd.randn(2, 3, 6, 6, dtype=autograd.float64)
    expected = pool_reference(x.numpy(), 2, 2, "max")
    np.testing.assert_array_equal(array(nn.MaxPool2d(2)(x)), expected)
    np.testing.assert_array_equal(array(F.max_pool2d(x, (2, 2))), expected)
    np.testing.assert_array_equal(array(F.max_pool2d(x, 2)), expected)


def test_avg_pool2d_module_with_stride_matches_a_reference() -> None:
    x = autograd.randn(1, 2, 5, 5, dtype=autograd.float64)
    np.testing.assert_allclose(array(nn.AvgPool2d(3, stride=1)(x)), pool_reference(x.numpy(), 3, 1, "mean"))


def test_pool_reprs() -> None:
    assert (
        repr(nn.MaxPool2d(2)) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    )  # PyTorch's
    assert repr(nn.AvgPool2d((2, 2), stride=1)) == "AvgPool2d(kernel_size=(2, 2), stride=1, padding=0)"


# -- Flatten, Dropout, Identity --------------------------------------------------------------------


def test_flatten_keeps_the_batch_dimension_by_default() -> None:
    x = autograd.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert F.flatten(x).shape == (120,)
    np.testing.assert_array_equal(array(nn.Flatten()(x)), x.numpy().reshape(2, 60))


def test_dropout_zeroes_about_p_and_scales_the_rest() -> None:
    x = autograd.ones(200, 100)
    out = array(nn.Dropout(0.3)(x))
    kept = out != 0
    assert abs(1 - kept.mean() - 0.3) < 0.02
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)


def test_dropout_is_seeded_by_manual_seed() -> None:
    x = autograd.ones(10, 10)
    autograd.manual_seed(3)
    first = array(F.dropout(x, 0.5))
    autograd.manual_seed(3)
    np.testing.assert_array_equal(array(F.dropout(x, 0.5)), first)


def test_dropout_is_the_identity_in_eval_mode() -> None:
    layer = nn.Dropout(0.9).eval()
    x = autograd.randn(5, 5)
    assert layer(x) is x


def test_dropout_gradient_is_the_same_mask_and_scale() -> None:
    x = autograd.randn(30, 30, requires_grad=True)
    out = F.dropout(x, 0.4)
    out.sum().backward()
    mask = array(out) / x.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), mask, rtol=1e-5)


def test_dropout_edge_probabilities() -> None:
    x = autograd.randn(4, 4)
    assert F.dropout(x, 0.0) is x
    assert not array(F.dropout(x, 1.0)).any()


def test_dropout_rejects_a_probability_outside_zero_one() -> None:
    with pytest.raises(ValueError, match="between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(autograd.ones(2), -0.1)


def test_identity_returns_its_input_and_ignores_arguments() -> None:
    x = autograd.randn(3)
    assert nn.Identity(54, unused="x")(x) is x


def test_functional_linear_checks_the_weight_and_bias_shapes() -> None:
    x = autograd.randn(4, 3)
    with pytest.raises(
        autograd.ShapeError, match=r"weight must be 2-D \(out_features, in_features\), got shape \(3,\)"
    ):
        F.linear(x, autograd.randn(3))
    with pytest.raises(autograd.ShapeError, match=r"bias must have shape \(2,\) to match weight \(2, 3\), got \(3,\)"):
        F.linear(x, autograd.randn(2, 3), autograd.randn(3))


def test_linear_dtype_argument_makes_float64_parameters() -> None:
    layer = nn.Linear(2, 2, dtype=autograd.float64)
    assert layer.weight.dtype == np.float64 and layer.bias.dtype == np.float64


def test_linear_gradient_under_create_graph_is_differentiable_again() -> None:
    layer = nn.Linear(3, 1).double()
    x = autograd.randn(5, 3, dtype=autograd.float64, requires_grad=True)
    (gx,) = autograd.grad((layer(x) ** 2).sum(), x, create_graph=True)
    (gx * gx).sum().backward()
    w = array(layer.weight)[0]
    # gx = 2 (x.w + b) w, so d/dx sum(gx^2) = 8 (x.w + b) |w|^2 w
    expected = 8 * ((x.detach().numpy() @ w + array(layer.bias)) * (w @ w))[:, None] * w[None, :]
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-10)
