"""Activations (modules and functions), and the erf behind GELU, against NumPy and `math.erf` written here."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
import nn
import nn.functional as F  # noqa: N812 - the name PyTorch code uses
from autograd import Tensor
from autograd.ops.erf import erf, erfc
from autograd.ops.erf_numerics import erf_array, erfc_array

math_erf = np.vectorize(math.erf)
math_erfc = np.vectorize(math.erfc)


def leaf(values: np.ndarray) -> Tensor:
    return autograd.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def array(t: Tensor) -> np.ndarray:
    return t.detach().numpy()


finite_arrays = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=4), elements=st.floats(-4, 4))
arrays_off_zero = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=2, max_side=4),
    elements=st.floats(0.05, 3) | st.floats(-3, -0.05),
)


# -- erf -------------------------------------------------------------------------------------------


def test_erf_matches_math_erf_on_a_dense_grid() -> None:
    x = np.concatenate([np.linspace(-7, 7, 40001), np.geomspace(1e-300, 1, 200), -np.geomspace(1e-12, 30, 200)])
    np.testing.assert_allclose(erf_array(x), math_erf(x), rtol=1e-13, atol=1e-15)


def test_erfc_matches_math_erfc_in_relative_terms_including_the_far_tail() -> None:
    x = np.concatenate([np.linspace(-6, 6, 20001), np.linspace(6, 26.5, 2001)])
    np.testing.assert_allclose(erfc_array(x), math_erfc(x), rtol=1e-12, atol=0)


def units_in_the_last_place(got: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """|got - exact| in float32 units in the last place of the exact value."""
    return np.abs(got.astype(np.float64) - exact) / np.spacing(np.abs(exact).astype(np.float32)).astype(np.float64)


def test_float32_erf_and_erfc_are_within_a_few_float32_units_in_the_last_place() -> None:
    x = np.concatenate([np.linspace(-10, 10, 40001), np.geomspace(1e-30, 1, 200)]).astype(np.float32)
    exact = x.astype(np.float64)
    assert units_in_the_last_place(erf_array(x), math_erf(exact)).max() <= 4
    tail = math_erfc(exact)
    normal = tail > np.finfo(np.float32).tiny  # below, float32 itself has fewer digits
    assert units_in_the_last_place(erfc_array(x), tail)[normal].max() <= 8


def test_erf_limits_and_special_values() -> None:
    out = erf_array(np.array([0.0, np.inf, -np.inf, 40.0, -40.0, np.nan]))
    np.testing.assert_array_equal(out[:5], [0.0, 1.0, -1.0, 1.0, -1.0])
    assert np.isnan(out[5])
    np.testing.assert_array_equal(erfc_array(np.array([np.inf, -np.inf, 30.0])), [0.0, 2.0, 0.0])


def test_erf_keeps_float32_and_gives_float64_for_integers() -> None:
    assert erf_array(np.ones(3, dtype=np.float32)).dtype == np.float32
    assert erf_array(np.array([0, 1])).dtype == np.float64


@given(values=finite_arrays)
def test_erf_and_erfc_gradients_are_two_over_sqrt_pi_exp_minus_x_squared(values: np.ndarray) -> None:
    for op, sign in ((erf, 1.0), (erfc, -1.0)):
        x = leaf(values)
        op(x).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), sign * 2 / math.sqrt(math.pi) * np.exp(-(values**2)), rtol=1e-12)
        assert autograd.gradgradcheck(op, (leaf(values),))


# -- GELU ------------------------------------------------------------------------------------------


def gelu_reference(x: np.ndarray) -> np.ndarray:
    return x * 0.5 * (1 + math_erf(x / math.sqrt(2)))


def gelu_tanh_reference(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def test_gelu_exact_matches_the_math_erf_formula() -> None:
    x = np.linspace(-8, 8, 2001)
    np.testing.assert_allclose(array(F.gelu(autograd.tensor(x))), gelu_reference(x), rtol=1e-13, atol=1e-15)


def test_gelu_exact_stays_accurate_in_the_left_tail() -> None:
    x = np.array([-10.0, -20.0, -30.0])
    expected = x * 0.5 * math_erfc(-x / math.sqrt(2))  # 1 + erf(x) would cancel to 0
    out = array(nn.GELU()(autograd.tensor(x)))
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert out[0] < 0


def test_gelu_tanh_form_matches_its_formula() -> None:
    x = np.linspace(-6, 6, 601)
    np.testing.assert_allclose(
        array(nn.GELU(approximate="tanh")(autograd.tensor(x))), gelu_tanh_reference(x), rtol=1e-12, atol=1e-15
    )


def test_gelu_exact_gradient_is_cdf_plus_x_times_pdf() -> None:
    values = np.linspace(-5, 5, 41)
    x = leaf(values)
    F.gelu(x).sum().backward()
    cdf = 0.5 * (1 + math_erf(values / math.sqrt(2)))
    pdf = np.exp(-(values**2) / 2) / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(x.grad.numpy(), cdf + values * pdf, rtol=1e-12, atol=1e-15)


@given(values=finite_arrays, approximate=st.sampled_from(["none", "tanh"]))
def test_gelu_passes_gradcheck_and_gradgradcheck(values: np.ndarray, approximate: str) -> None:
    assert autograd.gradcheck(lambda t: F.gelu(t, approximate), (leaf(values),))
    assert autograd.gradgradcheck(lambda t: F.gelu(t, approximate), (leaf(values),))


def test_gelu_keeps_float32() -> None:
    assert nn.GELU()(autograd.randn(3)).dtype == np.float32


def test_gelu_rejects_an_unknown_approximation() -> None:
    with pytest.raises(ValueError, match="approximate must be 'none' or 'tanh', got 'fast'"):
        nn.GELU(approximate="fast")
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        F.gelu(autograd.ones(1), approximate="erf")


# -- LeakyReLU -------------------------------------------------------------------------------------


@given(values=arrays_off_zero, slope=st.floats(0.0, 0.5))
def test_leaky_relu_values_and_gradient(values: np.ndarray, slope: float) -> None:
    x = leaf(values)
    out = nn.LeakyReLU(slope)(x)
    np.testing.assert_allclose(array(out), np.where(values > 0, values, slope * values))
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.where(values > 0, 1.0, slope))
    assert autograd.gradcheck(lambda t: F.leaky_relu(t, slope), (leaf(values),))


def test_leaky_relu_default_slope_is_one_hundredth() -> None:
    np.testing.assert_allclose(array(F.leaky_relu(autograd.tensor([-2.0, 3.0]))), [-0.02, 3.0], rtol=1e-6)


def test_leaky_relu_inplace_overwrites_a_non_leaf_and_stays_differentiable() -> None:
    x = leaf(np.array([-1.0, 2.0]))
    h = x * 1.0
    out = nn.LeakyReLU(0.1, inplace=True)(h)
    assert out is h
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.1, 1.0])


# -- ReLU, Sigmoid, Tanh ---------------------------------------------------------------------------


@given(values=arrays_off_zero)
def test_relu_module_and_function(values: np.ndarray) -> None:
    x = leaf(values)
    out = nn.ReLU()(x)
    np.testing.assert_array_equal(array(out), np.maximum(values, 0))
    np.testing.assert_array_equal(array(F.relu(x)), np.maximum(values, 0))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (values > 0).astype(float))


def test_relu_inplace_overwrites_its_input() -> None:
    h = autograd.tensor([-1.0, 2.0])
    assert nn.ReLU(inplace=True)(h) is h
    assert h.tolist() == [0.0, 2.0]
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"


@given(values=finite_arrays)
def test_sigmoid_and_tanh_modules(values: np.ndarray) -> None:
    np.testing.assert_allclose(array(nn.Sigmoid()(leaf(values))), 1 / (1 + np.exp(-values)), rtol=1e-12)
    np.testing.assert_allclose(array(F.sigmoid(leaf(values))), 1 / (1 + np.exp(-values)), rtol=1e-12)
    np.testing.assert_allclose(array(nn.Tanh()(leaf(values))), np.tanh(values), rtol=1e-12)
    np.testing.assert_allclose(array(F.tanh(leaf(values))), np.tanh(values), rtol=1e-12)


# -- Softmax, LogSoftmax ---------------------------------------------------------------------------


def softmax_reference(x: np.ndarray, dim: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


@given(values=hnp.arrays(np.float64, (3, 4), elements=st.floats(-5, 5)), dim=st.sampled_from([0, 1, -1]))
def test_softmax_and_log_softmax_along_a_dim(values: np.ndarray, dim: int) -> None:
    expected = softmax_reference(values, dim)
    np.testing.assert_allclose(array(nn.Softmax(dim=dim)(leaf(values))), expected, rtol=1e-12)
    np.testing.assert_allclose(array(nn.LogSoftmax(dim=dim)(leaf(values))), np.log(expected), rtol=1e-10, atol=1e-12)
    assert autograd.gradcheck(lambda t: F.log_softmax(t, dim), (leaf(values),))


def test_log_softmax_is_stable_for_huge_logits() -> None:
    out = array(F.log_softmax(autograd.tensor([[1000.0, 0.0, -1000.0]]), dim=1))
    np.testing.assert_allclose(out, [[0.0, -1000.0, -2000.0]])


def test_softmax_without_dim_warns_and_uses_pytorchs_implicit_choice() -> None:
    x = autograd.randn(2, 3)
    with pytest.warns(UserWarning, match="implicit dimension"):
        out = F.softmax(x)
    np.testing.assert_allclose(array(out).sum(axis=1), [1.0, 1.0], rtol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.softmax(x, dim=0)


def test_activation_reprs() -> None:
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.LogSoftmax(dim=-1)) == "LogSoftmax(dim=-1)"
    assert repr(nn.GELU()) == "GELU(approximate='none')"
    assert repr(nn.Sigmoid()) == "Sigmoid()" and repr(nn.Tanh()) == "Tanh()"
