"""Elementwise ops: values against NumPy, gradients against closed-form derivatives and finite differences.

Inputs are float64 and drawn inside each op's domain: positive for log, sqrt and
non-integer powers, away from 0 for divisors, and away from the kinks of abs,
relu and clamp, where the derivative jumps and finite differences mean nothing.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import (
    arrays,
    arrays_away_from,
    broadcastable_shapes,
    grid_arrays,
    nonzero_arrays,
    positive_arrays,
    shapes,
)

import autograd
from autograd import Tensor

SMALL = 12  # at most this many elements where gradgradcheck's Jacobians of Jacobians are built


def leaf(array: Any) -> Tensor:
    """A float64 leaf tensor that requires grad."""
    return autograd.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def sum_to_shape(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Reference unbroadcasting: sum the leading dims broadcasting added, then the dims it stretched from 1."""
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True).reshape(shape)


def central_difference_vjp(
    fn: Callable[..., Tensor], arrays_: list[np.ndarray], upstream: np.ndarray, eps: float = 1e-6
) -> list[np.ndarray]:
    """d/d(input i) of sum(upstream * fn(inputs)), by central differences on each element, forward only."""
    grads = []
    for i, x in enumerate(arrays_):
        grad = np.zeros(x.shape)
        for j in np.ndindex(x.shape):
            values = []
            for step in (eps, -eps):
                moved = [a.copy() for a in arrays_]
                moved[i][j] += step
                with autograd.no_grad():
                    out = fn(*(autograd.tensor(a) for a in moved))
                values.append(float(np.sum(upstream * out.numpy())))
            grad[j] = (values[0] - values[1]) / (2 * eps)
        grads.append(grad)
    return grads


def sigmoid_reference(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-x) (fine for the moderate inputs drawn here)."""
    return 1 / (1 + np.exp(-x))


# -- unary ops --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unary:
    """An op of one tensor, its NumPy value, its derivative f'(x) and its second derivative (None: identically 0)."""

    op: Callable[[Tensor], Tensor]
    value: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    second: Callable[[np.ndarray], np.ndarray] | None
    domain: Callable[[tuple[int, ...]], st.SearchStrategy[np.ndarray]]


def _s(x: np.ndarray) -> np.ndarray:
    return sigmoid_reference(x)


UNARY = {
    "neg": Unary(autograd.neg, np.negative, lambda x: -np.ones_like(x), None, arrays),
    "neg_operator": Unary(lambda x: -x, np.negative, lambda x: -np.ones_like(x), None, arrays),
    "abs": Unary(autograd.abs, np.abs, np.sign, None, nonzero_arrays),
    "exp": Unary(autograd.exp, np.exp, np.exp, np.exp, arrays),
    "log": Unary(autograd.log, np.log, lambda x: 1 / x, lambda x: -1 / x**2, positive_arrays),
    "sqrt": Unary(autograd.sqrt, np.sqrt, lambda x: 0.5 / np.sqrt(x), lambda x: -0.25 * x**-1.5, positive_arrays),
    "sin": Unary(autograd.sin, np.sin, np.cos, lambda x: -np.sin(x), lambda s: arrays(s, -4, 4)),
    "cos": Unary(autograd.cos, np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), lambda s: arrays(s, -4, 4)),
    "tanh": Unary(
        autograd.tanh,
        np.tanh,
        lambda x: 1 - np.tanh(x) ** 2,
        lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2),
        lambda s: arrays(s, -3, 3),
    ),
    "sigmoid": Unary(
        autograd.sigmoid,
        _s,
        lambda x: _s(x) * (1 - _s(x)),
        lambda x: _s(x) * (1 - _s(x)) * (1 - 2 * _s(x)),
        lambda s: arrays(s, -6, 6),
    ),
    "relu": Unary(autograd.relu, lambda x: np.maximum(x, 0), lambda x: (x > 0) * 1.0, None, nonzero_arrays),
    "clamp": Unary(
        lambda x: autograd.clamp(x, -0.5, 1.0),
        lambda x: np.clip(x, -0.5, 1.0),
        lambda x: ((x > -0.5) & (x < 1.0)) * 1.0,
        None,
        lambda s: arrays_away_from(s, [-0.5, 1.0]),
    ),
    "clamp_min_only": Unary(
        lambda x: x.clamp(min=0.3),
        lambda x: np.maximum(x, 0.3),
        lambda x: (x > 0.3) * 1.0,
        None,
        lambda s: arrays_away_from(s, [0.3]),
    ),
    "clamp_max_only": Unary(
        lambda x: x.clamp(max=-0.2),
        lambda x: np.minimum(x, -0.2),
        lambda x: (x < -0.2) * 1.0,
        None,
        lambda s: arrays_away_from(s, [-0.2]),
    ),
    "square": Unary(lambda x: x**2, np.square, lambda x: 2 * x, lambda x: 2 + 0 * x, arrays),
    "cube": Unary(lambda x: x**3, lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x, arrays),
    "power_half": Unary(lambda x: x**0.5, np.sqrt, lambda x: 0.5 * x**-0.5, lambda x: -0.25 * x**-1.5, positive_arrays),
    "power_minus_one": Unary(lambda x: x**-1, lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3, nonzero_arrays),
    "power_2_5": Unary(
        lambda x: x**2.5, lambda x: x**2.5, lambda x: 2.5 * x**1.5, lambda x: 3.75 * x**0.5, positive_arrays
    ),
}
CURVED = [name for name, case in UNARY.items() if case.second is not None]


def unary_input(data: st.DataObject, case: Unary, max_elements: int = 36) -> np.ndarray:
    return data.draw(shapes(max_elements=max_elements).flatmap(case.domain), label="x")


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_value_matches_numpy(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    x = unary_input(data, case)
    out = case.op(leaf(x))
    assert out.shape == x.shape and out.dtype == np.float64
    np.testing.assert_allclose(out.detach().numpy(), case.value(x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_gradient_matches_closed_form_derivative(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    x_np = unary_input(data, case)
    upstream = data.draw(arrays(x_np.shape, -1, 1), label="upstream")
    x = leaf(x_np)
    case.op(x).backward(autograd.tensor(upstream))
    np.testing.assert_allclose(x.grad.numpy(), upstream * case.derivative(x_np), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_gradient_matches_own_central_differences(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    x_np = unary_input(data, case)
    upstream = data.draw(arrays(x_np.shape, -1, 1), label="upstream")
    x = leaf(x_np)
    case.op(x).backward(autograd.tensor(upstream))
    (numeric,) = central_difference_vjp(case.op, [x_np], upstream)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_gradient_passes_gradcheck(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    assert autograd.gradcheck(case.op, [leaf(unary_input(data, case))])


@pytest.mark.parametrize("name", UNARY)
@given(data=st.data())
def test_unary_second_derivative_passes_gradgradcheck(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    assert autograd.gradgradcheck(case.op, [leaf(unary_input(data, case, max_elements=SMALL))])


@pytest.mark.parametrize("name", CURVED)
@given(data=st.data())
def test_unary_second_derivative_matches_closed_form(name: str, data: st.DataObject) -> None:
    case = UNARY[name]
    assert case.second is not None
    x_np = unary_input(data, case)
    x = leaf(x_np)
    (first,) = autograd.grad(case.op(x).sum(), [x], create_graph=True)
    np.testing.assert_allclose(first.detach().numpy(), case.derivative(x_np), rtol=1e-9, atol=1e-12)
    (second,) = autograd.grad(first.sum(), [x])
    np.testing.assert_allclose(second.numpy(), case.second(x_np), rtol=1e-8, atol=1e-10)


# -- binary ops with broadcasting -------------------------------------------------------------------


@dataclass(frozen=True)
class Binary:
    """An op of two tensors, its NumPy value, its partial derivatives (on broadcast arrays) and its domains."""

    op: Callable[[Tensor, Tensor], Tensor]
    value: Callable[[np.ndarray, np.ndarray], np.ndarray]
    partials: Callable[[np.ndarray, np.ndarray], tuple[Any, Any]]
    domain_a: Callable[[tuple[int, ...]], st.SearchStrategy[np.ndarray]]
    domain_b: Callable[[tuple[int, ...]], st.SearchStrategy[np.ndarray]]


BINARY = {
    "add": Binary(lambda a, b: a + b, np.add, lambda a, b: (1.0, 1.0), arrays, arrays),
    "sub": Binary(lambda a, b: a - b, np.subtract, lambda a, b: (1.0, -1.0), arrays, arrays),
    "mul": Binary(lambda a, b: a * b, np.multiply, lambda a, b: (b, a), arrays, arrays),
    "div": Binary(lambda a, b: a / b, np.divide, lambda a, b: (1 / b, -a / b**2), arrays, nonzero_arrays),
    "pow": Binary(
        lambda a, b: a**b,
        np.power,
        lambda a, b: (b * a ** (b - 1), a**b * np.log(a)),
        lambda s: positive_arrays(s, 0.3, 2.5),
        arrays,
    ),
    "maximum": Binary(
        autograd.maximum,
        np.maximum,
        lambda a, b: ((a > b) * 1.0, (b > a) * 1.0),
        lambda s: grid_arrays(s, 0.0),
        lambda s: grid_arrays(s, 0.5),
    ),
    "minimum": Binary(
        autograd.minimum,
        np.minimum,
        lambda a, b: ((a < b) * 1.0, (b < a) * 1.0),
        lambda s: grid_arrays(s, 0.0),
        lambda s: grid_arrays(s, 0.5),
    ),
}


def binary_inputs(data: st.DataObject, case: Binary, max_elements: int = 36) -> tuple[np.ndarray, np.ndarray]:
    shape_a, shape_b = data.draw(broadcastable_shapes(max_elements=max_elements), label="shapes")
    return data.draw(case.domain_a(shape_a), label="a"), data.draw(case.domain_b(shape_b), label="b")


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_value_matches_numpy_with_broadcasting(name: str, data: st.DataObject) -> None:
    case = BINARY[name]
    a, b = binary_inputs(data, case)
    out = case.op(leaf(a), leaf(b))
    expected = case.value(a, b)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_gradients_match_closed_form_summed_over_broadcast_dims(name: str, data: st.DataObject) -> None:
    case = BINARY[name]
    a_np, b_np = binary_inputs(data, case)
    out_shape = np.broadcast_shapes(a_np.shape, b_np.shape)
    upstream = data.draw(arrays(out_shape, -1, 1), label="upstream")
    a, b = leaf(a_np), leaf(b_np)
    case.op(a, b).backward(autograd.tensor(upstream))
    da, db = case.partials(*np.broadcast_arrays(a_np, b_np))
    np.testing.assert_allclose(a.grad.numpy(), sum_to_shape(upstream * da, a_np.shape), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), sum_to_shape(upstream * db, b_np.shape), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_gradients_match_own_central_differences(name: str, data: st.DataObject) -> None:
    case = BINARY[name]
    a_np, b_np = binary_inputs(data, case)
    upstream = data.draw(arrays(np.broadcast_shapes(a_np.shape, b_np.shape), -1, 1), label="upstream")
    a, b = leaf(a_np), leaf(b_np)
    case.op(a, b).backward(autograd.tensor(upstream))
    numeric_a, numeric_b = central_difference_vjp(case.op, [a_np, b_np], upstream)
    np.testing.assert_allclose(a.grad.numpy(), numeric_a, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(b.grad.numpy(), numeric_b, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_gradients_pass_gradcheck(name: str, data: st.DataObject) -> None:
    case = BINARY[name]
    a, b = binary_inputs(data, case)
    assert autograd.gradcheck(case.op, [leaf(a), leaf(b)])


@pytest.mark.parametrize("name", BINARY)
@given(data=st.data())
def test_binary_second_derivatives_pass_gradgradcheck(name: str, data: st.DataObject) -> None:
    case = BINARY[name]
    a, b = binary_inputs(data, case, max_elements=SMALL)
    assert autograd.gradgradcheck(case.op, [leaf(a), leaf(b)])


def test_mul_second_derivative_is_the_cross_term() -> None:
    """d/da d/db sum(a * b) = 1 on the diagonal: the mixed second derivative of a product."""
    a, b = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    (grad_a,) = autograd.grad((a * b).sum(), [a], create_graph=True)
    np.testing.assert_array_equal(grad_a.detach().numpy(), [4.0, 5.0, 6.0])
    (grad_b,) = autograd.grad(grad_a.sum(), [b])
    np.testing.assert_array_equal(grad_b.numpy(), [1.0, 1.0, 1.0])


@given(data=st.data())
def test_power_by_a_tensor_exponent_without_grad_broadcasts_and_matches_closed_form(data: st.DataObject) -> None:
    shape_x, shape_p = data.draw(broadcastable_shapes(), label="shapes")
    x_np = data.draw(positive_arrays(shape_x, 0.3, 2.5), label="x")
    p_np = data.draw(arrays(shape_p, -2, 3), label="exponent")
    upstream = data.draw(arrays(np.broadcast_shapes(shape_x, shape_p), -1, 1), label="upstream")
    x, exponent = leaf(x_np), autograd.tensor(p_np)
    out = x**exponent
    np.testing.assert_allclose(out.detach().numpy(), x_np**p_np, rtol=1e-12)
    out.backward(autograd.tensor(upstream))
    expected = sum_to_shape(upstream * p_np * x_np ** (p_np - 1), shape_x)
    # (below the smallest normal float64, one rounding is a large relative error: compared absolutely there)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-9, atol=np.finfo(np.float64).tiny)
    assert autograd.gradcheck(lambda t: t**exponent, [leaf(x_np)])


def test_power_0_has_gradient_0_even_at_0() -> None:
    """As PyTorch: d(x^0)/dx = 0 everywhere, not 0 * 0^-1 = nan."""
    x = leaf([0.0, 2.0, -3.0])
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.0])
    y = leaf([0.0, 2.0])
    (y ** autograd.tensor([0.0, 0.0], dtype=autograd.float64)).sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), [0.0, 0.0])


NUMBER_OPERANDS = {
    "x + 2": (lambda x: x + 2.0, lambda x: x + 2.0, lambda x: np.ones_like(x)),
    "2 + x": (lambda x: 2.0 + x, lambda x: 2.0 + x, lambda x: np.ones_like(x)),
    "x - 2": (lambda x: x - 2.0, lambda x: x - 2.0, lambda x: np.ones_like(x)),
    "2 - x": (lambda x: 2.0 - x, lambda x: 2.0 - x, lambda x: -np.ones_like(x)),
    "3 * x": (lambda x: 3.0 * x, lambda x: 3.0 * x, lambda x: 3.0 + 0 * x),
    "x / 4": (lambda x: x / 4.0, lambda x: x / 4.0, lambda x: 0.25 + 0 * x),
    "3 / x": (lambda x: 3.0 / x, lambda x: 3.0 / x, lambda x: -3.0 / x**2),
    "2 ** x": (lambda x: 2.0**x, lambda x: 2.0**x, lambda x: 2.0**x * np.log(2.0)),
}


@pytest.mark.parametrize("form", NUMBER_OPERANDS)
def test_python_number_operand_on_either_side_gives_numpy_value_and_derivative(form: str) -> None:
    op, value, derivative = NUMBER_OPERANDS[form]
    x_np = np.array([[-1.5, 0.5], [1.0, 2.0]])
    x = leaf(x_np)
    out = op(x)
    np.testing.assert_allclose(out.detach().numpy(), value(x_np), rtol=1e-12)
    out.backward(autograd.ones_like(out))
    np.testing.assert_allclose(x.grad.numpy(), derivative(x_np), rtol=1e-12)


# -- where ------------------------------------------------------------------------------------------


def where_inputs(data: st.DataObject, max_elements: int = 36) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    shape_c, shape_a, shape_b = data.draw(broadcastable_shapes(3, max_elements=max_elements), label="shapes")
    cond = data.draw(hnp.arrays(np.bool_, shape_c), label="cond")
    return cond, data.draw(arrays(shape_a), label="a"), data.draw(arrays(shape_b), label="b")


@given(data=st.data())
def test_where_value_matches_numpy_with_broadcasting(data: st.DataObject) -> None:
    cond, a, b = where_inputs(data)
    out = autograd.where(autograd.tensor(cond), leaf(a), leaf(b))
    np.testing.assert_array_equal(out.detach().numpy(), np.where(cond, a, b))


@given(data=st.data())
def test_where_gradient_goes_to_the_chosen_side_summed_over_broadcast_dims(data: st.DataObject) -> None:
    cond_np, a_np, b_np = where_inputs(data)
    upstream = data.draw(arrays(np.broadcast_shapes(cond_np.shape, a_np.shape, b_np.shape), -1, 1), label="upstream")
    a, b = leaf(a_np), leaf(b_np)
    autograd.where(autograd.tensor(cond_np), a, b).backward(autograd.tensor(upstream))
    chosen = np.broadcast_to(cond_np, upstream.shape)
    np.testing.assert_allclose(a.grad.numpy(), sum_to_shape(upstream * chosen, a_np.shape), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(b.grad.numpy(), sum_to_shape(upstream * ~chosen, b_np.shape), rtol=1e-12, atol=1e-15)


@given(data=st.data())
def test_where_gradients_pass_gradcheck_and_gradgradcheck(data: st.DataObject) -> None:
    cond, a, b = where_inputs(data, max_elements=SMALL)
    condition = autograd.tensor(cond)

    def choose(x: Tensor, y: Tensor) -> Tensor:
        return autograd.where(condition, x * x, y * y * y)

    assert autograd.gradcheck(choose, [leaf(a), leaf(b)])
    assert autograd.gradgradcheck(choose, [leaf(a), leaf(b)])


# -- kinks, ties and numerical stability ---------------------------------------------------------------


def test_maximum_ties_split_the_gradient_in_half() -> None:
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 5.0, 3.0])
    autograd.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(b.grad.numpy(), [0.5, 1.0, 0.5])


def test_minimum_ties_split_the_gradient_in_half() -> None:
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 5.0, 3.0])
    autograd.minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 1.0, 0.5])
    np.testing.assert_array_equal(b.grad.numpy(), [0.5, 0.0, 0.5])


def test_abs_and_relu_have_gradient_zero_at_zero() -> None:
    x = leaf([0.0, 0.0])
    (autograd.abs(x[0]) + autograd.relu(x[1])).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


def test_clamp_passes_the_gradient_at_its_bounds() -> None:
    """As PyTorch: the gradient is 1 for min <= x <= max, bounds included."""
    x = leaf([-1.0, 0.0, 0.5, 1.0, 2.0])
    x.clamp(min=0.0, max=1.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0, 1.0, 0.0])


@pytest.mark.parametrize("dtype", [autograd.float32, autograd.float64])
def test_sigmoid_at_plus_minus_1000_gives_0_and_1_with_finite_gradient_and_no_warning(dtype: Any) -> None:
    x = autograd.tensor([-1000.0, 1000.0, 0.0], dtype=dtype, requires_grad=True)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        y = autograd.sigmoid(x)
        y.sum().backward()
    np.testing.assert_array_equal(y.detach().numpy(), [0.0, 1.0, 0.5])
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0, 0.25])


# -- method and function forms ------------------------------------------------------------------------


def test_clamp_min_0_method_is_relu() -> None:
    x_np = np.array([[-2.0, 0.5], [3.0, -0.1]])
    x = leaf(x_np)
    h = x.clamp(min=0)
    np.testing.assert_array_equal(h.detach().numpy(), np.maximum(x_np, 0))
    h.backward(autograd.ones_like(h))
    np.testing.assert_array_equal(x.grad.numpy(), (x_np > 0) * 1.0)


def test_mul_method_multiplies_elementwise_and_differentiates_both_sides() -> None:
    x_np, y_np = np.array([1.0, -2.0, 3.0]), np.array([4.0, 5.0, -6.0])
    x, y = leaf(x_np), leaf(y_np)
    z = x.mul(y)
    np.testing.assert_array_equal(z.detach().numpy(), x_np * y_np)
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y_np)
    np.testing.assert_array_equal(y.grad.numpy(), x_np)


def test_pow_2_method_squares_with_derivative_2x() -> None:
    x = leaf([1.5, -2.0, 0.0])
    y = x.pow(2)
    np.testing.assert_array_equal(y.detach().numpy(), [2.25, 4.0, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, -4.0, 0.0])


METHOD_FORMS = {
    "add": (lambda x, y: x.add(y), lambda x, y: autograd.add(x, y), lambda x, y: x + y),
    "sub": (lambda x, y: x.sub(y), lambda x, y: autograd.sub(x, y), lambda x, y: x - y),
    "mul": (lambda x, y: x.mul(y), lambda x, y: autograd.mul(x, y), lambda x, y: x * y),
    "div": (lambda x, y: x.div(y), lambda x, y: autograd.div(x, y), lambda x, y: x / y),
    "pow": (lambda x, y: x.pow(y), lambda x, y: autograd.pow(x, y), lambda x, y: x**y),
    "maximum": (lambda x, y: x.maximum(y), lambda x, y: autograd.maximum(x, y), lambda x, y: np.maximum(x, y)),
    "minimum": (lambda x, y: x.minimum(y), lambda x, y: autograd.minimum(x, y), lambda x, y: np.minimum(x, y)),
    "neg": (lambda x, y: x.neg(), lambda x, y: autograd.neg(x), lambda x, y: -x),
    "abs": (lambda x, y: x.abs(), lambda x, y: abs(x), lambda x, y: np.abs(x)),
    "exp": (lambda x, y: x.exp(), lambda x, y: autograd.exp(x), lambda x, y: np.exp(x)),
    "log": (lambda x, y: x.log(), lambda x, y: autograd.log(x), lambda x, y: np.log(x)),
    "sqrt": (lambda x, y: x.sqrt(), lambda x, y: autograd.sqrt(x), lambda x, y: np.sqrt(x)),
    "sin": (lambda x, y: x.sin(), lambda x, y: autograd.sin(x), lambda x, y: np.sin(x)),
    "cos": (lambda x, y: x.cos(), lambda x, y: autograd.cos(x), lambda x, y: np.cos(x)),
    "tanh": (lambda x, y: x.tanh(), lambda x, y: autograd.tanh(x), lambda x, y: np.tanh(x)),
    "sigmoid": (lambda x, y: x.sigmoid(), lambda x, y: autograd.sigmoid(x), lambda x, y: sigmoid_reference(x)),
    "relu": (lambda x, y: x.relu(), lambda x, y: autograd.relu(x), lambda x, y: np.maximum(x, 0)),
    "clamp": (lambda x, y: x.clamp(1.0, 2.0), lambda x, y: autograd.clamp(x, 1.0, 2.0), lambda x, y: np.clip(x, 1, 2)),
}


@pytest.mark.parametrize("name", METHOD_FORMS)
def test_method_and_function_forms_give_the_numpy_value_and_the_same_gradient(name: str) -> None:
    method, function, numpy_value = METHOD_FORMS[name]
    x_np, y_np = np.array([[0.5, 1.2, 2.5], [1.7, 0.3, 3.0]]), np.array([1.5, 0.7, 2.2])
    grads = []
    for form in (method, function):
        x, y = leaf(x_np), leaf(y_np)
        out = form(x, y)
        np.testing.assert_allclose(out.detach().numpy(), numpy_value(x_np, y_np), rtol=1e-12)
        out.backward(autograd.tensor(np.arange(6.0).reshape(2, 3)))
        grads.append((x.grad.numpy(), None if y.grad is None else y.grad.numpy()))
    np.testing.assert_array_equal(grads[0][0], grads[1][0])
    if grads[0][1] is not None or grads[1][1] is not None:
        np.testing.assert_array_equal(grads[0][1], grads[1][1])
