"""autograd.functional: vjp, jvp, jacobian, hessian, hvp against closed forms written in NumPy."""

from __future__ import annotations

import numpy as np

import autograd
from autograd import functional

RNG = np.random.default_rng(7)
A = RNG.standard_normal((3, 4))


def f(x):
    """f(x) = tanh(A x): Jacobian diag(1 - tanh²(A x)) A."""
    return (autograd.tensor(A) @ x).tanh()


def jacobian_of_f(x: np.ndarray) -> np.ndarray:
    return (1 - np.tanh(A @ x) ** 2)[:, None] * A


def g(x):
    """g(x) = sum(x³) + (x·x)²: gradient 3x² + 4(x·x)x, Hessian diag(6x) + 4(x·x)I + 8xxᵀ."""
    return (x**3).sum() + (x * x).sum() ** 2


def hessian_of_g(x: np.ndarray) -> np.ndarray:
    return np.diag(6 * x) + 4 * (x @ x) * np.eye(len(x)) + 8 * np.outer(x, x)


X = RNG.standard_normal(4)


def test_vjp_is_v_transpose_times_the_jacobian():
    v = RNG.standard_normal(3)
    out, vj = functional.vjp(f, autograd.tensor(X), autograd.tensor(v))
    np.testing.assert_allclose(out.numpy(), np.tanh(A @ X), rtol=1e-12)
    np.testing.assert_allclose(vj.numpy(), v @ jacobian_of_f(X), rtol=1e-10)


def test_jvp_is_the_jacobian_times_v():
    v = RNG.standard_normal(4)
    out, jv = functional.jvp(f, autograd.tensor(X), autograd.tensor(v))
    np.testing.assert_allclose(jv.numpy(), jacobian_of_f(X) @ v, rtol=1e-10)


def test_jacobian_matches_the_closed_form():
    j = functional.jacobian(f, autograd.tensor(X))
    assert j.shape == (3, 4)
    np.testing.assert_allclose(j.numpy(), jacobian_of_f(X), rtol=1e-10)


def test_jacobian_of_a_function_of_two_inputs_gives_one_block_per_input():
    a, b = autograd.tensor([1.0, 2.0], dtype=autograd.float64), autograd.tensor([3.0, 4.0], dtype=autograd.float64)
    ja, jb = functional.jacobian(lambda x, y: x * y, (a, b))
    np.testing.assert_array_equal(ja.numpy(), np.diag([3.0, 4.0]))
    np.testing.assert_array_equal(jb.numpy(), np.diag([1.0, 2.0]))


def test_hessian_matches_the_closed_form():
    h = functional.hessian(g, autograd.tensor(X))
    np.testing.assert_allclose(h.numpy(), hessian_of_g(X), rtol=1e-10)


def test_hvp_is_the_hessian_times_v():
    v = RNG.standard_normal(4)
    out, hv = functional.hvp(g, autograd.tensor(X), autograd.tensor(v))
    np.testing.assert_allclose(out.item(), (X**3).sum() + (X @ X) ** 2, rtol=1e-12)
    np.testing.assert_allclose(hv.numpy(), hessian_of_g(X) @ v, rtol=1e-10)


def test_functional_results_carry_no_graph_unless_create_graph():
    _, vj = functional.vjp(f, autograd.tensor(X), autograd.tensor(np.ones(3)))
    assert not vj.requires_grad
    _, vj2 = functional.vjp(f, autograd.tensor(X), autograd.tensor(np.ones(3)), create_graph=True)
    assert vj2.requires_grad
