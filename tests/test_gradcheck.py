"""`gradcheck` and `gradgradcheck` themselves: they pass on correct ops, catch wrong ones and say where.

Small inputs are checked through the full Jacobian (two evaluations per input
element); large ones through random projections, whose cost does not grow with
the number of elements: the tests count calls of the checked function rather
than timing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Function, GradcheckError, Tensor


def leaf(array: Any, dtype: Any = np.float64) -> Tensor:
    """A leaf tensor that requires grad."""
    return autograd.tensor(np.asarray(array, dtype=dtype), requires_grad=True)


class CountedCalls:
    """Wraps a function and counts how often it is called."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.calls = 0

    def __call__(self, *args: Any) -> Any:
        self.calls += 1
        return self.fn(*args)


class SquareWithWrongGradient(Function):
    """x^2 whose backward returns x instead of 2x: a deliberately wrong op."""

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return grad * x


class ScaleWrongAtElement3(Function):
    """2x whose backward is right everywhere but at flat element 3."""

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        return 2 * x

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        factor = np.full(grad.shape, 2.0)
        factor.flat[3] = 2.5
        return grad * factor


class ThreeSquared(Function):
    """3x^2 with its correct derivative 6x."""

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return 3 * x * x

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return grad * 6 * x


class ThreeSquaredWithWrongDerivative(Function):
    """3x^2 whose backward returns 3x instead of 6x."""

    @staticmethod
    def forward(ctx, x):  # type: ignore[no-untyped-def]
        ctx.save_for_backward(x)
        return 3 * x * x

    @staticmethod
    def backward(ctx, grad):  # type: ignore[no-untyped-def]
        (x,) = ctx.saved_tensors
        return grad * 3 * x


def cube_with_derivative(derivative: type[Function]) -> type[Function]:
    """x^3 whose backward is grad * derivative(x): right first derivative, second as good as `derivative`'s."""

    class Cube(Function):
        @staticmethod
        def forward(ctx, x):  # type: ignore[no-untyped-def]
            ctx.save_for_backward(x)
            return x * x * x

        @staticmethod
        def backward(ctx, grad):  # type: ignore[no-untyped-def]
            (x,) = ctx.saved_tensors
            return grad * derivative.call(x)

    return Cube


# -- passing on correct ops ------------------------------------------------------------------------


def test_gradcheck_passes_on_a_composition_of_correct_ops_with_broadcasting() -> None:
    def fn(a: Tensor, b: Tensor) -> Tensor:
        return (a.tanh() * b.exp() + a @ b.T.sigmoid()).log_softmax(dim=1)

    a, b = leaf(np.linspace(-1, 1, 6).reshape(2, 3)), leaf(np.linspace(0.5, -0.5, 3).reshape(1, 3))
    assert autograd.gradcheck(fn, [a, b]) is True


def test_gradcheck_passes_on_a_function_with_several_outputs() -> None:
    x = leaf(np.linspace(-1, 1, 6).reshape(2, 3))
    assert autograd.gradcheck(lambda t: (t.sin(), t.max(dim=1)[0], t.sum()), [x]) is True


def test_gradcheck_converts_float32_inputs_to_float64() -> None:
    """In float32, eps=1e-6 would drown x**3's difference quotient in rounding error; in float64 it is exact enough."""
    x = leaf([0.3, -1.7, 2.2], dtype=np.float32)
    assert autograd.gradcheck(lambda t: t**3, [x]) is True


def test_gradcheck_leaves_the_input_values_unchanged() -> None:
    values = np.array([[0.1, -0.2], [0.3, 0.4]])
    x = leaf(values)
    autograd.gradcheck(lambda t: t.exp(), [x])
    np.testing.assert_array_equal(x.detach().numpy(), values)


def test_gradcheck_needs_an_input_that_requires_grad() -> None:
    with pytest.raises(ValueError, match="requires grad"):
        autograd.gradcheck(lambda t: t * 2, [autograd.tensor([1.0, 2.0], dtype=autograd.float64)])


# -- failing on wrong ones, saying where ---------------------------------------------------------------


def test_gradcheck_raises_on_a_wrong_custom_function_showing_analytic_and_numeric_values() -> None:
    x = leaf([1.0, 2.0, 3.0])
    with pytest.raises(GradcheckError) as caught:
        autograd.gradcheck(SquareWithWrongGradient.apply, [x])
    message = str(caught.value)
    assert "input 0 (shape (3,))" in message
    assert "output element 0, input element 0" in message
    assert "analytic 1 vs numeric 2" in message
    assert "3 of 9 entries differ" in message
    analytic, numeric = message.split("analytic Jacobian")[1].split("numeric Jacobian")
    assert "[1. 0. 0.]" in analytic.replace(",", "") and "[0. 0. 3.]" in analytic.replace(",", "")
    assert "[2. 0. 0.]" in numeric.replace(",", "") and "[0. 0. 6.]" in numeric.replace(",", "")


def test_gradcheck_full_jacobian_locates_a_single_wrong_entry() -> None:
    x = leaf(np.arange(6.0).reshape(2, 3))
    with pytest.raises(GradcheckError, match=r"output element 3, input element 3: analytic 2\.5 vs numeric 2\b"):
        autograd.gradcheck(ScaleWrongAtElement3.apply, [x])


def test_gradcheck_names_the_input_whose_gradient_is_wrong() -> None:
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    with pytest.raises(GradcheckError, match=r"input 1 \(shape \(2,\)\)"):
        autograd.gradcheck(lambda p, q: p * 5 + SquareWithWrongGradient.apply(q), [a, b])


def test_gradcheck_with_raise_exception_false_returns_false() -> None:
    x = leaf([1.0, 2.0])
    assert autograd.gradcheck(SquareWithWrongGradient.apply, [x], raise_exception=False) is False


# -- full Jacobian when small, random projections when large ------------------------------------------


def test_gradcheck_on_a_small_input_probes_every_element_with_central_differences() -> None:
    counted = CountedCalls(lambda t: (t * t).sum(dim=1))
    x = leaf(np.linspace(-1, 1, 12).reshape(3, 4))
    assert autograd.gradcheck(counted, [x])
    assert counted.calls >= 2 * x.numel()


def test_gradcheck_on_10000_elements_uses_random_projections_and_a_handful_of_calls() -> None:
    counted = CountedCalls(lambda t: t.tanh() * t)
    x = leaf(np.linspace(-2, 2, 10_000).reshape(100, 100))
    assert autograd.gradcheck(counted, [x])
    assert counted.calls <= 5


def test_gradcheck_projection_catches_a_wrong_gradient_on_10000_elements() -> None:
    counted = CountedCalls(SquareWithWrongGradient.apply)
    x = leaf(np.linspace(0.5, 2, 10_000))
    with pytest.raises(GradcheckError, match=r"analytic .*numeric") as caught:
        autograd.gradcheck(counted, [x])
    assert "input 0 (shape (10000,))" in str(caught.value)
    assert counted.calls <= 5


def test_gradcheck_fast_mode_true_projects_even_a_small_input() -> None:
    counted = CountedCalls(lambda t: t.exp())
    x = leaf(np.linspace(-1, 1, 50))
    assert autograd.gradcheck(counted, [x], fast_mode=True)
    assert counted.calls <= 5


# -- gradgradcheck -------------------------------------------------------------------------------------


def test_gradgradcheck_passes_on_correct_ops() -> None:
    x, w = leaf(np.linspace(-1, 1, 6).reshape(2, 3)), leaf(np.linspace(0.5, 1.5, 3).reshape(3, 1))
    assert autograd.gradgradcheck(lambda a, b: (a.tanh() @ b).sigmoid() * a.sum(), [x, w]) is True


def test_gradgradcheck_passes_on_a_custom_function_with_a_correct_double_backward() -> None:
    x = leaf([0.5, -1.0, 2.0])
    cube = cube_with_derivative(ThreeSquared)
    assert autograd.gradcheck(cube.apply, [x])
    assert autograd.gradgradcheck(cube.apply, [x])


def test_gradgradcheck_catches_a_wrong_double_backward_that_gradcheck_cannot_see() -> None:
    x = leaf([0.5, -1.0, 2.0])
    cube = cube_with_derivative(ThreeSquaredWithWrongDerivative)
    assert autograd.gradcheck(cube.apply, [x])  # the first derivative 3x^2 is right
    with pytest.raises(GradcheckError, match=r"analytic .* vs numeric"):
        autograd.gradgradcheck(cube.apply, [x])
