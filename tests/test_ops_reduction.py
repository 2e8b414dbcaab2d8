"""Reductions (sum, mean, var, std, max, min, logsumexp, argmax, argmin) and softmax, log_softmax.

Every reduction is drawn with `dim` None, an int (negative too) or a tuple, and
with keepdim on and off. Reference gradients are written in NumPy on the
"kept" shape (the reduced dims left as size 1), where they broadcast against x.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import arrays, distinct_arrays, reduction_dims, shapes, single_dims

import autograd
from autograd import Tensor

Axes = tuple[int, ...] | None


def leaf(array: Any) -> Tensor:
    """A float64 leaf tensor that requires grad."""
    return autograd.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def numpy_axes(dim: Any, ndim: int) -> Axes:
    """A `dim` argument as NumPy axes: None for all (and for any dim of a 0-d tensor), else non-negative ints."""
    if dim is None or ndim == 0:
        return None
    dims = dim if isinstance(dim, tuple) else (dim,)
    return tuple(d % ndim for d in dims)


def kept(array: np.ndarray, x_shape: tuple[int, ...], axes: Axes) -> np.ndarray:
    """A reduced array (or its gradient) reshaped with the reduced dims as size 1, to broadcast against x."""
    shape = tuple(1 if axes is None or i in axes else s for i, s in enumerate(x_shape))
    return np.reshape(array, shape)


def count(x_shape: tuple[int, ...], axes: Axes) -> int:
    """How many elements each reduction combines."""
    return int(np.prod([s for i, s in enumerate(x_shape) if axes is None or i in axes]))


def softmax_reference(x: np.ndarray, axes: Axes) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=axes, keepdims=True))
    return e / e.sum(axis=axes, keepdims=True)


# -- sum, mean, var, std, logsumexp, max, min over dim=None | int | tuple -----------------------------


@dataclass(frozen=True)
class Reduction:
    """A reduction `op(x, dim, keepdim)`, its NumPy value, and its gradient given x and g (both on the kept shape)."""

    op: Callable[[Tensor, Any, bool], Tensor]
    value: Callable[[np.ndarray, Axes, bool], np.ndarray]
    gradient: Callable[[np.ndarray, np.ndarray, Axes], np.ndarray]
    domain: Callable[[tuple[int, ...]], Any] = arrays
    min_count: int = 1  # var and std need more elements than their correction


def _var_grad(x: np.ndarray, g: np.ndarray, axes: Axes, correction: int) -> np.ndarray:
    return g * 2 * (x - x.mean(axis=axes, keepdims=True)) / (count(x.shape, axes) - correction)


def _std_grad(x: np.ndarray, g: np.ndarray, axes: Axes, correction: int) -> np.ndarray:
    std = np.std(x, axis=axes, keepdims=True, ddof=correction)
    return g * (x - x.mean(axis=axes, keepdims=True)) / ((count(x.shape, axes) - correction) * std)


def _extreme_grad(x: np.ndarray, g: np.ndarray, axes: Axes, pick: Callable) -> np.ndarray:
    return g * (x == pick(x, axis=axes, keepdims=True))


REDUCTIONS = {
    "sum": Reduction(
        lambda x, d, k: x.sum(dim=d, keepdim=k),
        lambda x, a, k: np.sum(x, axis=a, keepdims=k),
        lambda x, g, a: np.broadcast_to(g, x.shape),
    ),
    "autograd.sum": Reduction(
        lambda x, d, k: autograd.sum(x, dim=d, keepdim=k),
        lambda x, a, k: np.sum(x, axis=a, keepdims=k),
        lambda x, g, a: np.broadcast_to(g, x.shape),
    ),
    "mean": Reduction(
        lambda x, d, k: x.mean(dim=d, keepdim=k),
        lambda x, a, k: np.mean(x, axis=a, keepdims=k),
        lambda x, g, a: np.broadcast_to(g / count(x.shape, a), x.shape),
    ),
    "var": Reduction(
        lambda x, d, k: x.var(dim=d, keepdim=k),
        lambda x, a, k: np.var(x, axis=a, keepdims=k, ddof=1),
        lambda x, g, a: _var_grad(x, g, a, 1),
        min_count=2,
    ),
    "var_correction_0": Reduction(
        lambda x, d, k: autograd.var(x, d, k, correction=0),
        lambda x, a, k: np.var(x, axis=a, keepdims=k),
        lambda x, g, a: _var_grad(x, g, a, 0),
    ),
    "var_unbiased_false": Reduction(
        lambda x, d, k: x.var(d, k, unbiased=False),
        lambda x, a, k: np.var(x, axis=a, keepdims=k),
        lambda x, g, a: _var_grad(x, g, a, 0),
    ),
    "var_correction_2": Reduction(
        lambda x, d, k: x.var(d, k, correction=2),
        lambda x, a, k: np.var(x, axis=a, keepdims=k, ddof=2),
        lambda x, g, a: _var_grad(x, g, a, 2),
        min_count=3,
    ),
    "std": Reduction(
        lambda x, d, k: x.std(dim=d, keepdim=k),
        lambda x, a, k: np.std(x, axis=a, keepdims=k, ddof=1),
        lambda x, g, a: _std_grad(x, g, a, 1),
        distinct_arrays,  # a spread of values keeps std away from 0, where sqrt has no derivative
        min_count=2,
    ),
    "std_correction_0": Reduction(
        lambda x, d, k: autograd.std(x, d, k, correction=0),
        lambda x, a, k: np.std(x, axis=a, keepdims=k),
        lambda x, g, a: _std_grad(x, g, a, 0),
        distinct_arrays,
        min_count=2,
    ),
    "logsumexp": Reduction(
        lambda x, d, k: x.logsumexp(dim=d, keepdim=k),
        lambda x, a, k: np.log(np.sum(np.exp(x), axis=a, keepdims=k)),
        lambda x, g, a: g * softmax_reference(x, a),
    ),
    "amax": Reduction(
        lambda x, d, k: autograd.amax(x, d, k),
        lambda x, a, k: np.max(x, axis=a, keepdims=k),
        lambda x, g, a: _extreme_grad(x, g, a, np.max),
        distinct_arrays,
    ),
}


def reduction_inputs(data: st.DataObject, case: Reduction, max_elements: int = 36) -> tuple[np.ndarray, Any, bool]:
    shape = data.draw(shapes(max_elements=max_elements), label="shape")
    dim = data.draw(reduction_dims(len(shape)), label="dim")
    assume(count(shape, numpy_axes(dim, len(shape))) >= case.min_count)
    return data.draw(case.domain(shape), label="x"), dim, data.draw(st.booleans(), label="keepdim")


def expected_shape(x_shape: tuple[int, ...], axes: Axes, keepdim: bool) -> tuple[int, ...]:
    if keepdim:
        return tuple(1 if axes is None or i in axes else s for i, s in enumerate(x_shape))
    return tuple(s for i, s in enumerate(x_shape) if axes is not None and i not in axes)


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_reduction_value_and_shape_match_numpy(name: str, data: st.DataObject) -> None:
    case = REDUCTIONS[name]
    x, dim, keepdim = reduction_inputs(data, case)
    axes = numpy_axes(dim, x.ndim)
    out = case.op(leaf(x), dim, keepdim)
    assert out.shape == expected_shape(x.shape, axes, keepdim)
    np.testing.assert_allclose(
        out.detach().numpy(), np.reshape(case.value(x, axes, True), out.shape), rtol=1e-11, atol=1e-13
    )


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_reduction_gradient_matches_closed_form(name: str, data: st.DataObject) -> None:
    case = REDUCTIONS[name]
    x_np, dim, keepdim = reduction_inputs(data, case)
    axes = numpy_axes(dim, x_np.ndim)
    upstream = data.draw(arrays(expected_shape(x_np.shape, axes, keepdim), -1, 1), label="upstream")
    x = leaf(x_np)
    case.op(x, dim, keepdim).backward(autograd.tensor(upstream))
    expected = case.gradient(x_np, kept(upstream, x_np.shape, axes), axes)
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_reduction_gradient_passes_gradcheck(name: str, data: st.DataObject) -> None:
    case = REDUCTIONS[name]
    x, dim, keepdim = reduction_inputs(data, case)
    assert autograd.gradcheck(lambda t: case.op(t, dim, keepdim), [leaf(x)])


# -- max and min along a dim: (values, indices) ------------------------------------------------------

EXTREMES = {"max": (autograd.max, np.max, np.argmax), "min": (autograd.min, np.min, np.argmin)}


def along_dim_inputs(data: st.DataObject, max_elements: int = 36) -> tuple[np.ndarray, int, bool]:
    shape = data.draw(shapes(max_elements=max_elements), label="shape")
    return (
        data.draw(distinct_arrays(shape), label="x"),
        data.draw(single_dims(len(shape)), label="dim"),
        data.draw(st.booleans(), label="keepdim"),
    )


@pytest.mark.parametrize("name", EXTREMES)
@given(data=st.data())
def test_max_min_along_dim_return_numpy_values_and_int64_indices_without_grad(name: str, data: st.DataObject) -> None:
    op, pick, arg = EXTREMES[name]
    x, dim, keepdim = along_dim_inputs(data)
    axis = numpy_axes(dim, x.ndim)
    values, indices = op(leaf(x), dim, keepdim)
    expected_values = pick(x, axis=axis, keepdims=keepdim)
    expected_indices = arg(x, axis=None if axis is None else axis[0], keepdims=keepdim)
    np.testing.assert_array_equal(values.detach().numpy(), expected_values)
    np.testing.assert_array_equal(indices.numpy(), expected_indices)
    assert indices.dtype == np.int64 and not indices.requires_grad


@pytest.mark.parametrize("name", EXTREMES)
@given(data=st.data())
def test_max_min_along_dim_send_the_gradient_to_the_chosen_element(name: str, data: st.DataObject) -> None:
    op, pick, _ = EXTREMES[name]
    x_np, dim, keepdim = along_dim_inputs(data)
    axes = numpy_axes(dim, x_np.ndim)
    upstream = data.draw(arrays(expected_shape(x_np.shape, axes, keepdim), -1, 1), label="upstream")
    x = leaf(x_np)
    values, _ = op(x, dim, keepdim)
    values.backward(autograd.tensor(upstream))
    expected = kept(upstream, x_np.shape, axes) * (x_np == pick(x_np, axis=axes, keepdims=True))
    np.testing.assert_array_equal(x.grad.numpy(), expected)


@pytest.mark.parametrize("name", EXTREMES)
@given(data=st.data())
def test_max_min_along_dim_pass_gradcheck(name: str, data: st.DataObject) -> None:
    op, _, _ = EXTREMES[name]
    x, dim, keepdim = along_dim_inputs(data)
    assert autograd.gradcheck(lambda t: op(t, dim, keepdim)[0], [leaf(x)])


@pytest.mark.parametrize("name", EXTREMES)
@given(data=st.data())
def test_max_min_without_dim_give_the_extreme_and_its_one_hot_gradient(name: str, data: st.DataObject) -> None:
    op, pick, _ = EXTREMES[name]
    x_np = data.draw(shapes().flatmap(distinct_arrays), label="x")
    x = leaf(x_np)
    out = getattr(x, name)()
    assert out.shape == () and out.item() == pick(x_np)
    out.backward()
    np.testing.assert_array_equal(x.grad.numpy(), (x_np == pick(x_np)) * 1.0)
    assert autograd.gradcheck(op, [leaf(x_np)])


def test_max_without_dim_shares_the_gradient_between_ties() -> None:
    x = leaf([[1.0, 3.0], [3.0, 3.0]])
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 1 / 3], [1 / 3, 1 / 3]], rtol=1e-15)


def test_min_without_dim_shares_the_gradient_between_ties() -> None:
    x = leaf([2.0, -1.0, 5.0, -1.0])
    x.min().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.5, 0.0, 0.5])


def test_max_with_dim_returns_values_and_indices_that_unpack() -> None:
    x = leaf([[1.0, 7.0, 3.0], [9.0, 2.0, 4.0]])
    values, indices = x.max(dim=1)
    np.testing.assert_array_equal(values.detach().numpy(), [7.0, 9.0])
    np.testing.assert_array_equal(indices.numpy(), [1, 0])
    values, indices = autograd.min(x, dim=0, keepdim=True)
    np.testing.assert_array_equal(values.detach().numpy(), [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(indices.numpy(), [[0, 1, 0]])


@given(data=st.data())
def test_argmax_argmin_match_numpy_and_carry_no_gradient(data: st.DataObject) -> None:
    shape = data.draw(shapes(), label="shape")
    x_np = data.draw(distinct_arrays(shape), label="x")
    dim = data.draw(st.none() | single_dims(len(shape)), label="dim")
    keepdim = data.draw(st.booleans(), label="keepdim")
    x = leaf(x_np)
    axis = None if dim is None or x_np.ndim == 0 else dim % x_np.ndim
    for method, function, reference in ((x.argmax, autograd.argmax, np.argmax), (x.argmin, autograd.argmin, np.argmin)):
        expected = reference(x_np, axis=axis, keepdims=keepdim) if dim is not None else reference(x_np)
        for out in (method(dim, keepdim), function(x, dim, keepdim)):
            np.testing.assert_array_equal(out.numpy(), expected)
            assert out.dtype == np.int64 and not out.requires_grad and out.grad_fn is None


# -- softmax and log_softmax along one dim -----------------------------------------------------------

SOFTMAXES = {
    "softmax": (
        lambda x, d: x.softmax(d),
        lambda x, a: softmax_reference(x, a),
        lambda x, g, a: softmax_reference(x, a) * (g - (g * softmax_reference(x, a)).sum(axis=a, keepdims=True)),
    ),
    "autograd.softmax": (
        lambda x, d: autograd.softmax(x, dim=d),
        lambda x, a: softmax_reference(x, a),
        lambda x, g, a: softmax_reference(x, a) * (g - (g * softmax_reference(x, a)).sum(axis=a, keepdims=True)),
    ),
    "log_softmax": (
        lambda x, d: x.log_softmax(d),
        lambda x, a: np.log(softmax_reference(x, a)),
        lambda x, g, a: g - softmax_reference(x, a) * g.sum(axis=a, keepdims=True),
    ),
    "autograd.log_softmax": (
        lambda x, d: autograd.log_softmax(x, dim=d),
        lambda x, a: np.log(softmax_reference(x, a)),
        lambda x, g, a: g - softmax_reference(x, a) * g.sum(axis=a, keepdims=True),
    ),
}


def softmax_inputs(data: st.DataObject, max_elements: int = 36) -> tuple[np.ndarray, int]:
    shape = data.draw(shapes(max_elements=max_elements), label="shape")
    return data.draw(arrays(shape, -4, 4), label="x"), data.draw(single_dims(len(shape)), label="dim")


@pytest.mark.parametrize("name", SOFTMAXES)
@given(data=st.data())
def test_softmax_value_matches_numpy(name: str, data: st.DataObject) -> None:
    op, value, _ = SOFTMAXES[name]
    x, dim = softmax_inputs(data)
    out = op(leaf(x), dim)
    assert out.shape == x.shape
    np.testing.assert_allclose(out.detach().numpy(), value(x, numpy_axes(dim, x.ndim)), rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("name", SOFTMAXES)
@given(data=st.data())
def test_softmax_gradient_matches_closed_form(name: str, data: st.DataObject) -> None:
    op, _, gradient = SOFTMAXES[name]
    x_np, dim = softmax_inputs(data)
    upstream = data.draw(arrays(x_np.shape, -1, 1), label="upstream")
    x = leaf(x_np)
    op(x, dim).backward(autograd.tensor(upstream))
    expected = gradient(x_np, upstream, numpy_axes(dim, x_np.ndim))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", SOFTMAXES)
@given(data=st.data())
def test_softmax_gradient_passes_gradcheck_and_gradgradcheck(name: str, data: st.DataObject) -> None:
    op, _, _ = SOFTMAXES[name]
    x, dim = softmax_inputs(data, max_elements=12)
    assert autograd.gradcheck(lambda t: op(t, dim), [leaf(x)])
    assert autograd.gradgradcheck(lambda t: op(t, dim), [leaf(x)])


@given(data=st.data())
def test_logsumexp_second_derivative_passes_gradgradcheck(data: st.DataObject) -> None:
    x, dim, keepdim = reduction_inputs(data, REDUCTIONS["logsumexp"], max_elements=12)
    assert autograd.gradgradcheck(lambda t: t.logsumexp(dim, keepdim), [leaf(x)])


# -- numerical stability -------------------------------------------------------------------------------


def no_float_warnings() -> Any:
    """A context where overflow, invalid operations and division by zero raise instead of warning."""
    return np.errstate(over="raise", divide="raise", invalid="raise")


@pytest.mark.parametrize(
    ("values", "expected"), [([1000.0, 1000.0], 1000.0 + np.log(2.0)), ([-1000.0, 0.0], 0.0), ([-1000.0], -1000.0)]
)
def test_logsumexp_of_huge_or_tiny_inputs_is_finite_and_correct(values: list[float], expected: float) -> None:
    x = leaf(values)
    with warnings.catch_warnings(), no_float_warnings():
        warnings.simplefilter("error")
        out = autograd.logsumexp(x, dim=0)
        out.backward()
    np.testing.assert_allclose(out.item(), expected, rtol=1e-15)
    assert np.all(np.isfinite(x.grad.numpy()))
    np.testing.assert_allclose(x.grad.numpy(), softmax_reference(np.array(values), None), rtol=1e-12)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1000.0, 1000.0], [-np.log(2.0), -np.log(2.0)]),
        ([-1000.0, 0.0], [-1000.0, 0.0]),
        ([0.0, 1000.0], [-1000.0, 0.0]),
    ],
)
def test_log_softmax_of_huge_or_tiny_inputs_is_finite_and_correct(values: list[float], expected: list[float]) -> None:
    x = leaf(values)
    with warnings.catch_warnings(), no_float_warnings():
        warnings.simplefilter("error")
        out = autograd.log_softmax(x, dim=0)
        out.backward(autograd.tensor([1.0, 0.0]))
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-15)
    probabilities = softmax_reference(np.array(values), None)
    np.testing.assert_allclose(x.grad.numpy(), np.array([1.0, 0.0]) - probabilities, rtol=1e-12, atol=1e-300)


def test_softmax_of_huge_inputs_is_finite_and_sums_to_one() -> None:
    x = leaf([[1000.0, 1000.0, -1000.0], [-1000.0, 0.0, 1000.0]])
    with warnings.catch_warnings(), no_float_warnings():
        warnings.simplefilter("error")
        out = x.softmax(dim=1)
        out.backward(autograd.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]))
    np.testing.assert_allclose(out.detach().numpy(), [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]], rtol=1e-15)
    assert np.all(np.isfinite(x.grad.numpy()))


# -- forms ------------------------------------------------------------------------------------------


def test_sum_with_dim_and_keepdim_keeps_a_size_1_dimension() -> None:
    x_np = np.arange(6.0).reshape(2, 3)
    x = leaf(x_np)
    out = x.sum(dim=1, keepdim=True)
    assert out.shape == (2, 1)
    np.testing.assert_array_equal(out.detach().numpy(), [[3.0], [12.0]])
    out.backward(autograd.tensor([[1.0], [2.0]]))
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])


def test_autograd_sum_over_dim_0_adds_the_rows() -> None:
    g = leaf([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    out = autograd.sum(g, dim=0)
    np.testing.assert_array_equal(out.detach().numpy(), [9.0, 12.0])
    out.backward(autograd.tensor([1.0, -1.0]))
    np.testing.assert_array_equal(g.grad.numpy(), [[1.0, -1.0]] * 3)


def test_var_and_std_are_unbiased_by_default() -> None:
    x = leaf([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(x.var().item(), 5 / 3, rtol=1e-15)
    np.testing.assert_allclose(x.std().item(), np.sqrt(5 / 3), rtol=1e-15)
    np.testing.assert_allclose(x.var(unbiased=False).item(), 1.25, rtol=1e-15)
    np.testing.assert_allclose(x.std(correction=0).item(), np.sqrt(1.25), rtol=1e-15)
