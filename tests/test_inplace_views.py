"""In-place changes through views, differentiated as PyTorch does (its CopySlices): the base's graph is
rewritten so the gradient flows through the view's change. Each expected gradient is that of the same
program written out of place, by hand in NumPy.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import tensor

M = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
WEIGHTS = np.array([[1.0, -2.0, 0.5], [3.0, 1.0, -1.0]])


def leaf() -> autograd.Tensor:
    return tensor(M, dtype=autograd.float64, requires_grad=True)


def weighted_sum(y: autograd.Tensor) -> autograd.Tensor:
    return (y * y * tensor(WEIGHTS, dtype=autograd.float64)).sum()  # d/dy = 2 y WEIGHTS


def test_mul_in_place_through_a_reshaped_view() -> None:
    x = leaf()
    y = x * 1
    y.view(6).mul_(3)
    weighted_sum(y).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (3 * M) * WEIGHTS * 3)


def test_mul_in_place_through_a_row() -> None:
    x = leaf()
    y = x * 1
    y[1].mul_(2)
    weighted_sum(y).backward()
    factor = np.array([[1.0], [2.0]])
    np.testing.assert_allclose(x.grad.numpy(), 2 * (M * factor) * WEIGHTS * factor)


def test_add_in_place_through_a_transpose() -> None:
    x = leaf()
    y = x * 1
    y.t().add_(1)
    np.testing.assert_array_equal(y.detach().numpy(), M + 1)
    weighted_sum(y).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (M + 1) * WEIGHTS)


def test_a_tensor_that_requires_grad_written_through_a_view_gets_its_gradient() -> None:
    x, z = leaf(), tensor([10.0, 20.0], dtype=autograd.float64, requires_grad=True)
    y = x * 1
    y[:, 1].mul_(z)  # column 1 becomes M[:, 1] * z
    weighted_sum(y).backward()
    y_values = M.copy()
    y_values[:, 1] *= [10.0, 20.0]
    expected_x = 2 * y_values * WEIGHTS
    expected_x[:, 1] *= [10.0, 20.0]
    np.testing.assert_allclose(x.grad.numpy(), expected_x)
    np.testing.assert_allclose(z.grad.numpy(), (2 * y_values * WEIGHTS)[:, 1] * M[:, 1])


def test_the_view_itself_follows_the_new_base() -> None:
    x = leaf()
    y = x * 1
    row = y[0]
    row.mul_(2)
    (row * 5).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[10.0, 10.0, 10.0], [0.0, 0.0, 0.0]])


def test_in_place_through_a_view_of_a_leaf_that_requires_grad_raises() -> None:
    x = leaf()
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x[0].mul_(2)
    with autograd.no_grad():
        x[0].mul_(2)  # allowed when nothing is recorded
    np.testing.assert_array_equal(x.detach().numpy()[0], 2 * M[0])


@given(row=st.integers(0, 1), start=st.integers(0, 2), factor=st.floats(-3, 3, allow_subnormal=False))
def test_any_slice_of_any_row_scaled_in_place(row: int, start: int, factor: float) -> None:
    x = leaf()
    y = x * 1
    y[row, start:].mul_(factor)
    weighted_sum(y).backward()
    scale = np.ones_like(M)
    scale[row, start:] = factor
    np.testing.assert_allclose(x.grad.numpy(), 2 * (M * scale) * WEIGHTS * scale, rtol=1e-12, atol=1e-12)
