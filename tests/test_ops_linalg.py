"""matmul (1-D, 2-D, batched, broadcast batch dims) and its forms: values and gradients against NumPy.

The reference gradients are the textbook ones, grad_a = g @ b^T and grad_b = a^T @ g,
with a 1-D operand read as a row (a) or a column (b), and summed over the batch
dimensions that broadcasting stretched.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import arrays, broadcastable_shapes

import autograd
from autograd import Tensor

# Which operands are vectors and whether they carry batch dimensions (which may broadcast against each other).
KINDS = {
    "vector @ vector": (True, True, False),
    "vector @ matrix": (True, False, False),
    "matrix @ vector": (False, True, False),
    "matrix @ matrix": (False, False, False),
    "vector @ batched": (True, False, True),
    "batched @ vector": (False, True, True),
    "batched @ batched, broadcast batch dims": (False, False, True),
}


def leaf(array: Any) -> Tensor:
    """A float64 leaf tensor that requires grad."""
    return autograd.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def sum_to_shape(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Reference unbroadcasting: sum the leading dims broadcasting added, then the dims it stretched from 1."""
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(i for i, s in enumerate(shape) if s == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True).reshape(shape)


def matmul_inputs(data: st.DataObject, kind: str, max_batch: int = 6) -> tuple[np.ndarray, np.ndarray]:
    a_is_vector, b_is_vector, batched = KINDS[kind]
    n, k, m = (data.draw(st.integers(1, 3), label=name) for name in "nkm")
    batch_a: tuple[int, ...] = ()
    batch_b: tuple[int, ...] = ()
    if batched:
        batch_a, batch_b = data.draw(broadcastable_shapes(max_dims=2, max_elements=max_batch), label="batch dims")
        batch_a, batch_b = (() if a_is_vector else batch_a), (() if b_is_vector else batch_b)
    shape_a = (k,) if a_is_vector else batch_a + (n, k)
    shape_b = (k,) if b_is_vector else batch_b + (k, m)
    return data.draw(arrays(shape_a), label="a"), data.draw(arrays(shape_b), label="b")


def reference_matmul_gradients(a: np.ndarray, b: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """grad_a = g @ b^T, grad_b = a^T @ g, with vectors promoted to a row (a) or a column (b) and batch dims summed."""
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = np.asarray(g).reshape(np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
    grad_a = sum_to_shape(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
    grad_b = sum_to_shape(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
    return grad_a, grad_b


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_matmul_value_and_shape_match_numpy(kind: str, data: st.DataObject) -> None:
    a, b = matmul_inputs(data, kind)
    out = leaf(a) @ leaf(b)
    expected = np.matmul(a, b)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.detach().numpy(), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_matmul_gradients_match_g_times_b_transposed_and_a_transposed_times_g(kind: str, data: st.DataObject) -> None:
    a_np, b_np = matmul_inputs(data, kind)
    upstream = data.draw(arrays(np.matmul(a_np, b_np).shape, -1, 1), label="upstream")
    a, b = leaf(a_np), leaf(b_np)
    autograd.matmul(a, b).backward(autograd.tensor(upstream))
    grad_a, grad_b = reference_matmul_gradients(a_np, b_np, upstream)
    np.testing.assert_allclose(a.grad.numpy(), grad_a, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), grad_b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_matmul_gradients_pass_gradcheck(kind: str, data: st.DataObject) -> None:
    a, b = matmul_inputs(data, kind)
    assert autograd.gradcheck(lambda x, y: x @ y, [leaf(a), leaf(b)])


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_matmul_second_derivatives_pass_gradgradcheck(kind: str, data: st.DataObject) -> None:
    a, b = matmul_inputs(data, kind, max_batch=2)
    assert autograd.gradgradcheck(lambda x, y: x @ y, [leaf(a), leaf(b)])


def test_matmul_of_a_square_has_hessian_vector_product_b_transposed_plus_b() -> None:
    """f(x) = x^T B x: grad = (B + B^T) x and the gradient of <grad, 1> is (B + B^T) 1."""
    b_np = np.array([[1.0, 2.0], [-3.0, 0.5]])
    x_np = np.array([0.7, -1.1])
    x, b = leaf(x_np), autograd.tensor(b_np)
    (grad_x,) = autograd.grad(x @ (b @ x), [x], create_graph=True)
    np.testing.assert_allclose(grad_x.detach().numpy(), (b_np + b_np.T) @ x_np, rtol=1e-12)
    (hvp,) = autograd.grad(grad_x.sum(), [x])
    np.testing.assert_allclose(hvp.numpy(), (b_np + b_np.T) @ np.ones(2), rtol=1e-12)


# -- forms: a @ b, matmul, mm, dot, x.matmul(y.T), .T and .t() --------------------------------------


def test_at_operator_matmul_function_and_methods_agree_on_value_and_gradient() -> None:
    x_np, w_np = np.arange(6.0).reshape(2, 3) / 4, np.arange(12.0).reshape(3, 4) / 5 - 1
    forms = {
        "x @ w": lambda x, w: x @ w,
        "autograd.matmul(x, w)": autograd.matmul,
        "x.matmul(w)": lambda x, w: x.matmul(w),
        "x.mm(w)": lambda x, w: x.mm(w),
        "autograd.mm(x, w)": autograd.mm,
        "x.matmul(w.T.T)": lambda x, w: x.matmul(w.T.T),
    }
    upstream = np.linspace(-1, 1, 8).reshape(2, 4)
    for name, form in forms.items():
        x, w = leaf(x_np), leaf(w_np)
        out = form(x, w)
        np.testing.assert_allclose(out.detach().numpy(), x_np @ w_np, rtol=1e-12, err_msg=name)
        out.backward(autograd.tensor(upstream))
        np.testing.assert_allclose(x.grad.numpy(), upstream @ w_np.T, rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(w.grad.numpy(), x_np.T @ upstream, rtol=1e-12, err_msg=name)


def test_x_matmul_y_T_multiplies_by_the_transpose() -> None:
    x_np, y_np = np.array([[1.0, 2.0, 3.0]]), np.array([[4.0, 5.0, 6.0], [-1.0, 0.0, 1.0]])
    x, y = leaf(x_np), leaf(y_np)
    out = x.matmul(y.T)
    np.testing.assert_array_equal(out.detach().numpy(), [[32.0, 2.0]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[3.0, 5.0, 7.0]])
    np.testing.assert_array_equal(y.grad.numpy(), [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])


def test_dot_of_two_vectors_is_their_inner_product_with_swapped_gradients() -> None:
    a, b = leaf([1.0, 2.0, 3.0]), leaf([4.0, -5.0, 6.0])
    out = a.dot(b)
    assert out.shape == () and out.item() == 12.0
    out.backward()
    np.testing.assert_array_equal(a.grad.numpy(), [4.0, -5.0, 6.0])
    np.testing.assert_array_equal(b.grad.numpy(), [1.0, 2.0, 3.0])


def test_T_on_a_1d_tensor_returns_it_unchanged() -> None:
    v = leaf([1.0, 2.0, 3.0])
    assert v.T.shape == (3,)
    np.testing.assert_array_equal(v.T.detach().numpy(), [1.0, 2.0, 3.0])
    assert v.t().shape == (3,)


def test_T_and_t_transpose_a_matrix_and_route_the_gradient_back() -> None:
    m_np = np.arange(6.0).reshape(2, 3)
    upstream = np.arange(6.0).reshape(3, 2) * 10
    for form in (lambda m: m.T, lambda m: m.t(), autograd.t):
        m = leaf(m_np)
        out = form(m)
        np.testing.assert_array_equal(out.detach().numpy(), m_np.T)
        out.backward(autograd.tensor(upstream))
        np.testing.assert_array_equal(m.grad.numpy(), upstream.T)


def test_T_reverses_all_dimensions_of_a_3d_tensor() -> None:
    x_np = np.arange(24.0).reshape(2, 3, 4)
    x = leaf(x_np)
    out = x.T
    np.testing.assert_array_equal(out.detach().numpy(), x_np.T)
    out.backward(autograd.tensor(np.arange(24.0).reshape(4, 3, 2)))
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(24.0).reshape(4, 3, 2).T)


def test_matmul_with_mismatched_inner_sizes_names_both_shapes() -> None:
    with pytest.raises(autograd.ShapeError, match=r"\(3, 4\).*\(5, 2\)"):
        autograd.ones(3, 4) @ autograd.ones(5, 2)
